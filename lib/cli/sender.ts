// How the agent sends one planned probe: a fresh TCP connection to the plan's target, a PROXY preamble first only
// where the target says the load balancer would write one (and then the result says the agent wrote it), TLS with
// the Ingress host as server name where the target is TLS, then one HTTP/1.1 GET with the plan's Host header and,
// on the spoof test only, its forged headers. The socket is ours so that every byte before the request is ours to
// choose; node:http reads the answer. The whole exchange is bounded by one timeout, and every way it can fail is
// named for what it is, because a failure of this vantage (no route, DNS) is "not reachable from here", never a
// verdict (docs/vantages.md).
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { encodeProxyV1, encodeProxyV2 } from '../echo/proxy-protocol';
import { formatSocketAddress } from '../echo/report';
import { normalizeIp, parseIp } from '../net/ip';
import { hostHeader } from '../probe/wire';
import type { OutsideProbe, ProbeOutcome, ProbeTarget } from '../types';
import { probeRefusal } from './plan';

export interface SentProbe {
  outcome: ProbeOutcome;
  status: number | null;
  contentType: string | null;
  /** The answer's body as text, at most MAX_BODY_BYTES of it; null when no answer came. */
  body: string | null;
  /** Body bytes received, also past what `body` kept. */
  bytes: number;
  error: string | null;
  /** This machine's address on the connection: what the first hop saw as the client. */
  localAddress: string | null;
  durationMs: number;
  /** The PROXY header the agent wrote itself (a simulated load balancer), as text; null when it wrote none. */
  wroteProxyHeader: string | null;
}

/** More than any echo report; the rest of a bigger answer is counted, not kept. */
export const MAX_BODY_BYTES = 256 * 1024;

export const USER_AGENT = 'hopscope-agent/1';

type Phase = 'connect' | 'tls' | 'http';

/**
 * A socket error in probe-outcome terms. During the TLS handshake every failure but a timeout is a TLS failure:
 * the TCP connection was accepted, so it is not a refusal. No route and DNS are failures of this vantage's own
 * network (docs/vantages.md); a kernel connect timeout is the drop a `Local` node without endpoints does
 * (docs/lab.md#row-9).
 */
export function outcomeOfError(code: string | undefined, phase: Phase): ProbeOutcome {
  if (code === 'ETIMEDOUT') return 'timeout';
  if (phase === 'tls') return 'tls';
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'no-route';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return 'dns';
    default:
      return 'error';
  }
}

/** The TLS server name: the Ingress host; never an IP literal (RFC 6066 section 3 allows only host names). */
function serverName(target: ProbeTarget): string | undefined {
  return target.host && parseIp(target.host) === null ? target.host : undefined;
}

/** The PROXY header a load balancer would write for this connection: our address and port, and the target's. */
function proxyPreamble(socket: net.Socket, target: ProbeTarget): { bytes: Buffer; text: string } | null {
  if (!target.proxyProtocol) return null;
  const src = normalizeIp(socket.localAddress ?? '');
  const dst = normalizeIp(socket.remoteAddress ?? '');
  if (!src || !dst || !socket.localPort || !socket.remotePort) return null;
  const addresses = { src, dst, srcPort: socket.localPort, dstPort: socket.remotePort };
  if (target.proxyProtocol === 'v1') {
    const bytes = encodeProxyV1(addresses);
    return { bytes, text: bytes.toString('latin1').trimEnd() };
  }
  return { bytes: encodeProxyV2({ addresses }), text: `PROXY v2 ${formatSocketAddress({ address: src, port: addresses.srcPort })} -> ${formatSocketAddress({ address: dst, port: addresses.dstPort })}` };
}

/** Host, then our own fixed headers, then the forged ones in plan order (several lines of one name stay apart). */
function requestHeaders(probe: OutsideProbe): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {
    Host: hostHeader(probe.target),
    'User-Agent': USER_AGENT,
    Accept: 'application/json',
    Connection: 'close',
  };
  for (const [name, value] of probe.headers) {
    const had = headers[name];
    headers[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return headers;
}

const notSent = (error: string): SentProbe => ({
  outcome: 'not-sent',
  status: null,
  contentType: null,
  body: null,
  bytes: 0,
  error,
  localAddress: null,
  durationMs: 0,
  wroteProxyHeader: null,
});

/** Sends one planned probe, or nothing when probeRefusal (plan.ts) refuses it. Never throws. */
export function sendProbe(probe: OutsideProbe, timeoutMs: number): Promise<SentProbe> {
  const refusal = probeRefusal(probe);
  if (refusal) return Promise.resolve(notSent(refusal));
  const { target } = probe;
  return new Promise((resolve) => {
    const started = performance.now();
    let phase: Phase = 'connect';
    let settled = false;
    let localAddress: string | null = null;
    let wroteProxyHeader: string | null = null;
    let status: number | null = null;
    let contentType: string | null = null;
    const chunks: Buffer[] = [];
    let kept = 0;
    let received = 0;
    let closedByPeer = false;
    let request: http.ClientRequest | null = null;

    const raw = net.connect({ host: target.address, port: target.port });
    let stream: net.Socket = raw;

    const finish = (outcome: ProbeOutcome, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request?.destroy();
      stream.destroy();
      raw.destroy();
      resolve({
        outcome,
        status,
        contentType,
        body: status === null ? null : Buffer.concat(chunks).toString('utf8'),
        bytes: received,
        error,
        localAddress,
        durationMs: Math.round(performance.now() - started),
        wroteProxyHeader,
      });
    };
    const answered = () => (status !== null && status >= 200 && status < 300 ? 'ok' : 'http-error');

    const timer = setTimeout(() => finish('timeout', `no complete answer within ${timeoutMs} ms`), timeoutMs);

    const fail = (error: NodeJS.ErrnoException) => {
      // An answer that had begun keeps its status: the head came, only the rest of the body did not.
      if (status !== null) return finish(answered(), `the answer was cut off: ${error.code ?? error.message}`);
      const what = phase === 'tls' ? 'TLS handshake failed: ' : '';
      finish(outcomeOfError(error.code, phase), `${what}${error.code ?? 'error'}: ${error.message}`);
    };

    const sendRequest = (socket: net.Socket) => {
      phase = 'http';
      // Registered before node:http's own listener, so a close without an answer is told apart from a reset.
      socket.once('end', () => (closedByPeer = true));
      request = http.request({
        createConnection: () => socket,
        method: 'GET',
        path: probe.httpPath,
        headers: requestHeaders(probe),
        setHost: false,
      });
      request.once('response', (response) => {
        status = response.statusCode ?? null;
        const type = response.headers['content-type'];
        contentType = typeof type === 'string' ? type : null;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (kept < MAX_BODY_BYTES) {
            const part = chunk.subarray(0, MAX_BODY_BYTES - kept);
            chunks.push(part);
            kept += part.length;
          }
        });
        response.once('end', () => finish(answered(), null));
        response.on('error', (error: NodeJS.ErrnoException) => fail(error));
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        // docs/lab.md#row-29: a receiver that wanted a PROXY header closes without a word.
        if (status === null && closedByPeer && error.code === 'ECONNRESET') {
          return finish('empty-reply', 'the server closed the connection without an answer');
        }
        if (error.code?.startsWith('HPE_')) return finish('error', `the reply is not an HTTP/1.x response (${error.code})`);
        fail(error);
      });
      request.end();
    };

    raw.on('error', fail);
    raw.once('connect', () => {
      localAddress = normalizeIp(raw.localAddress ?? '');
      const preamble = proxyPreamble(raw, target);
      if (preamble) {
        raw.write(preamble.bytes);
        wroteProxyHeader = preamble.text;
      }
      if (!target.tls) return sendRequest(raw);
      phase = 'tls';
      // The certificate is not checked: the probe measures addresses and carries no secret, and the echo behind
      // an Ingress answers with whatever certificate the controller has.
      const secure = tls.connect({ socket: raw, servername: serverName(target), rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
      stream = secure;
      secure.on('error', fail);
      secure.once('secureConnect', () => sendRequest(secure));
    });
  });
}
