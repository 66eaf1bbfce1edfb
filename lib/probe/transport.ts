import 'server-only';
import net from 'node:net';
import tls from 'node:tls';
import { encodeProxyV1, encodeProxyV2 } from '@/lib/echo/proxy-protocol';
import type { ProbeOutcome, ProbeTarget } from '@/lib/types';
import { hostHeader, requestRefusal } from './wire';

// One probe = one HTTP/1.1 request on a fresh raw socket, so the engine controls every byte (an optional PROXY
// header before anything else, a forged X-Forwarded-For) and can tell a drop (timeout) from a refusal, a reset
// and an empty reply (docs/lab.md#row-9, #row-21, #row-29). The whole exchange is bounded by one timeout.

export interface ProbeRequest {
  target: ProbeTarget;
  httpPath: string;
  headers: [string, string][];
  timeoutMs: number;
}

export interface ProbeResponse {
  outcome: ProbeOutcome;
  status: number | null;
  contentType: string | null;
  body: string | null;
  error: string | null;
  /** The prober's own address on this connection: what the first hop sees as the client. */
  localAddress: string | null;
  durationMs: number;
  /** How many bytes the server sent (head and body), also past what was kept; unset by transports that do not count. */
  bytes?: number;
}

/** How probes reach the network; injected so demo mode and tests can prove no socket is opened. */
export type ProbeTransport = (request: ProbeRequest) => Promise<ProbeResponse>;

const MAX_RESPONSE_BYTES = 256 * 1024;

interface ParsedHttp {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

function decodeChunked(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Parses a complete HTTP/1.x response (the server closed the connection or sent Content-Length bytes). */
export function parseHttpResponse(data: Buffer): ParsedHttp | null {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const lines = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!statusMatch) return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const rawBody = data.subarray(headEnd + 4);
  const body = /chunked/i.test(headers.get('transfer-encoding') ?? '') ? decodeChunked(rawBody) : rawBody;
  return { status: Number(statusMatch[1]), headers, body };
}

/** True once a response with Content-Length or a final chunk is complete, so we need not wait for close. */
function responseComplete(data: Buffer): boolean {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return false;
  const head = data.subarray(0, headEnd).toString('latin1');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return data.length - headEnd - 4 >= Number(length[1]);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return data.subarray(headEnd).includes('\r\n0\r\n\r\n');
  return false;
}

/** The request as bytes; only for requests requestRefusal (wire.ts) let through, so every value is visible ASCII. */
function requestBytes(request: ProbeRequest): Buffer {
  const lines = [`GET ${request.httpPath} HTTP/1.1`, `Host: ${hostHeader(request.target)}`, 'User-Agent: hopscope-probe/1', 'Accept: */*', 'Connection: close'];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

function proxyHeaderFor(socket: net.Socket, target: ProbeTarget): Buffer | null {
  if (!target.proxyProtocol || !socket.localAddress || !socket.localPort) return null;
  const addresses = { src: socket.localAddress, dst: target.address, srcPort: socket.localPort, dstPort: target.port };
  return target.proxyProtocol === 'v1' ? encodeProxyV1(addresses) : encodeProxyV2({ addresses });
}

/**
 * A socket error as a probe outcome. No route and a name that does not resolve say where the request was sent from,
 * not what the cluster did (lib/contract/enums.ts PROBE_OUTCOMES), so they are not timeouts; a failed TLS negotiation
 * (OpenSSL's errors) is `tls`, while a server that closes or resets during the handshake stays an empty reply or a
 * reset: that is the receiver's doing (nginx expecting PROXY closes on a ClientHello, docs/lab.md#row-29).
 */
export function outcomeOfError(error: NodeJS.ErrnoException & { library?: string }, duringHandshake = false): ProbeOutcome {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return 'no-route';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (duringHandshake && /before secure TLS connection was established/.test(error.message)) return 'empty-reply';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (duringHandshake && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || error.library === 'SSL routines')) return 'tls';
  return 'error';
}

/**
 * The real transport: raw TCP (optionally TLS with SNI), bounded by `timeoutMs` from connect to last byte. A request
 * with a control character (or anything but visible ASCII) in its Host, server name, path or headers is refused
 * before any connection is opened.
 */
export const socketTransport: ProbeTransport = (request) =>
  new Promise((resolve) => {
    const refusal = requestRefusal(request);
    if (refusal) {
      resolve({ outcome: 'not-sent', status: null, contentType: null, body: null, error: refusal, localAddress: null, durationMs: 0, bytes: 0 });
      return;
    }
    const started = performance.now();
    const { target } = request;
    const chunks: Buffer[] = [];
    let received = 0;
    let localAddress: string | null = null;
    let settled = false;
    const raw = net.connect({ host: target.address, port: target.port });
    let stream: net.Socket = raw;

    const finish = (outcome: ProbeOutcome, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      raw.destroy();
      stream.destroy();
      const data = Buffer.concat(chunks);
      const parsed = parseHttpResponse(data);
      const durationMs = Math.round(performance.now() - started);
      if (parsed) {
        resolve({
          outcome: parsed.status >= 200 && parsed.status < 300 ? 'ok' : 'http-error',
          status: parsed.status,
          contentType: parsed.headers.get('content-type') ?? null,
          body: parsed.body.toString('utf8'),
          error: null,
          localAddress,
          durationMs,
          bytes: received,
        });
        return;
      }
      const unparsable = data.length > 0 && outcome === 'empty-reply';
      resolve({
        outcome: unparsable ? 'error' : outcome,
        status: null,
        contentType: null,
        body: data.length > 0 ? data.toString('latin1') : null,
        error: unparsable ? 'the reply is not an HTTP/1.x response' : error,
        localAddress,
        durationMs,
        bytes: received,
      });
    };

    const timer = setTimeout(() => finish('timeout', `no complete answer within ${request.timeoutMs} ms`), request.timeoutMs);
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      if (responseComplete(Buffer.concat(chunks))) finish('ok', null);
    };
    let handshaking = false;
    const onError = (error: NodeJS.ErrnoException) => {
      const outcome = outcomeOfError(error, handshaking);
      finish(outcome, outcome === 'tls' ? `TLS handshake failed: ${error.code ?? 'error'}: ${error.message}` : `${error.code ?? 'error'}: ${error.message}`);
    };

    raw.once('error', onError);
    raw.once('connect', () => {
      localAddress = raw.localAddress ?? null;
      const proxyHeader = proxyHeaderFor(raw, target);
      if (proxyHeader) raw.write(proxyHeader);
      if (target.tls) {
        handshaking = true;
        stream = tls.connect({ socket: raw, servername: target.host ?? undefined, rejectUnauthorized: false });
        stream.once('error', onError);
        stream.once('secureConnect', () => {
          handshaking = false;
          stream.write(requestBytes(request));
        });
      } else {
        stream.write(requestBytes(request));
      }
      stream.on('data', onData);
      stream.once('end', () => finish('empty-reply', 'the server closed the connection without an answer'));
      stream.once('close', () => finish('empty-reply', 'the server closed the connection without an answer'));
    });
  });
