// The hopscope echo server: a raw-TCP HTTP/1.x responder that reports what this hop saw of the client — TCP
// peer, PROXY header (v1/v2, auto-detected before HTTP on the same port), TLS SNI and every header line.
// Raw sockets instead of node:http: a PROXY preamble arrives before the request, and node:http would refuse it.
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import pino, { type Logger } from 'pino';
import { normalizeIp } from '../net/ip';
import { headerValues, parseRequestHead, type RequestHead } from './http-head';
import { parseProxyHeader, toProxyHeaderInfo } from './proxy-protocol';
import {
  ECHO_REPORT_KIND,
  formatSocketAddress,
  renderEchoText,
  type EchoIdentity,
  type EchoReport,
  type SocketAddress,
} from './report';
import type { ProxyHeaderInfo } from '../types';

export type { EchoIdentity, EchoReport } from './report';

export interface EchoLimits {
  /** Request line + headers; more gets 431. */
  maxHeaderBytes: number;
  /** The whole request head must arrive within this time (slow-loris guard); else 408 and close. */
  requestTimeoutMs: number;
  /** A connection with no traffic for this long is closed. */
  idleTimeoutMs: number;
  /** Connections beyond this are closed as soon as they are accepted, until others end. */
  maxConnections: number;
}

export const DEFAULT_ECHO_LIMITS: EchoLimits = {
  maxHeaderBytes: 16 * 1024,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 10_000,
  maxConnections: 512,
};

export type EchoLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

export interface EchoServerOptions {
  port: number;
  host?: string;
  tlsPort?: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  identity?: Partial<EchoIdentity>;
  limits?: Partial<EchoLimits>;
  logger?: EchoLogger;
}

export interface EchoServer {
  port: number;
  tlsPort?: number;
  close(): Promise<void>;
}

interface ConnectionContext {
  identity: EchoIdentity;
  limits: EchoLimits;
  logger: EchoLogger;
  secureContext: tls.SecureContext | null;
}

interface Reply {
  status: number;
  headers?: [string, string][];
  contentType?: string;
  body: string;
  omitBody?: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

function serializeReply(reply: Reply): Buffer {
  const body = reply.omitBody ? Buffer.alloc(0) : Buffer.from(reply.body, 'utf8');
  const headers: [string, string][] = [
    ...(reply.contentType ? ([['Content-Type', reply.contentType]] as [string, string][]) : []),
    ['Content-Length', String(reply.omitBody ? Buffer.byteLength(reply.body) : body.length)],
    ['Connection', 'close'],
    ['Cache-Control', 'no-store'],
    ['X-Content-Type-Options', 'nosniff'],
    // Any page (the hopscope UI included) may read the report from a browser.
    ['Access-Control-Allow-Origin', '*'],
    ...(reply.headers ?? []),
  ];
  const head = [`HTTP/1.1 ${reply.status} ${STATUS_TEXT[reply.status] ?? ''}`, ...headers.map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

const jsonReply = (status: number, value: unknown): Reply => ({
  status,
  contentType: 'application/json',
  body: `${JSON.stringify(value, null, 2)}\n`,
});

const errorReply = (status: number, code: string, message: string, hint: string | null = null): Reply =>
  jsonReply(status, { error: { code, message, hint } });

/** `?format=` wins; then an Accept that prefers text/plain over JSON; then curl, whose users read it. */
function wantsText(head: RequestHead): boolean {
  const query = head.target.includes('?') ? new URLSearchParams(head.target.slice(head.target.indexOf('?') + 1)) : null;
  const format = query?.get('format');
  if (format === 'text') return true;
  if (format === 'json') return false;
  const accept = headerValues(head.headers, 'accept').join(',').toLowerCase();
  if (accept.includes('application/json')) return false;
  if (accept.includes('text/plain')) return true;
  return headerValues(head.headers, 'user-agent').some((ua) => ua.toLowerCase().startsWith('curl/'));
}

function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}

function routeRequest(head: RequestHead, report: () => EchoReport): Reply {
  if (head.method === 'OPTIONS') {
    // CORS preflight: allow whatever the page asks for, so a browser can send its own X-Forwarded-For to test spoofing.
    const requested = headerValues(head.headers, 'access-control-request-headers').join(', ');
    return {
      status: 204,
      body: '',
      headers: [
        ['Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS'],
        ['Access-Control-Allow-Headers', requested || '*'],
        ['Access-Control-Max-Age', '600'],
        ['Allow', 'GET, HEAD, POST, OPTIONS'],
      ],
    };
  }
  if (pathOf(head.target) === '/healthz') {
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n', omitBody: head.method === 'HEAD' };
  }
  const built = report();
  const reply: Reply = wantsText(head)
    ? { status: 200, contentType: 'text/plain; charset=utf-8', body: renderEchoText(built) }
    : jsonReply(200, built);
  return { ...reply, omitBody: head.method === 'HEAD' };
}

function socketAddress(address: string | undefined, port: number | undefined): SocketAddress {
  return { address: normalizeIp(address ?? '') ?? address ?? '', port: port ?? 0 };
}

/**
 * Feeds decrypted TLS to the HTTP reader. A Duplex in between (rather than handing the raw socket to
 * TLSSocket) lets the bytes already read while looking for a PROXY header go into the TLS handshake.
 */
function wrapTls(raw: net.Socket, initial: Buffer, secureContext: tls.SecureContext): tls.TLSSocket {
  const transport = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      raw.write(chunk, callback);
    },
    final(callback) {
      raw.end();
      callback();
    },
    destroy(error, callback) {
      raw.destroy();
      callback(error);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    if (!transport.push(chunk)) raw.pause();
  });
  raw.on('end', () => transport.push(null));
  raw.on('close', () => transport.destroy());
  if (initial.length > 0) transport.push(initial);
  return new tls.TLSSocket(transport, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
}

function serveConnection(raw: net.Socket, context: ConnectionContext): void {
  const { limits, logger } = context;
  const peer = socketAddress(raw.remoteAddress, raw.remotePort);
  const local = socketAddress(raw.localAddress, raw.localPort);
  const peerText = formatSocketAddress(peer);
  let pending = Buffer.alloc(0);
  let proxyProtocol: ProxyHeaderInfo | null = null;
  let app: net.Socket | tls.TLSSocket = raw;
  let phase: 'proxy' | 'http' | 'done' = 'proxy';

  const deadline = setTimeout(() => {
    if (phase === 'done') raw.destroy();
    else respond(errorReply(408, 'request_timeout', `request head not received within ${limits.requestTimeoutMs} ms`), true);
  }, limits.requestTimeoutMs);
  deadline.unref();
  raw.setTimeout(limits.idleTimeoutMs, () => raw.destroy());
  raw.on('close', () => clearTimeout(deadline));
  raw.on('error', (error) => logger.debug({ peer: peerText, err: error.message }, 'echo connection error'));

  // After the reply the data listeners stay attached and drop whatever the client still sends, so that closing
  // does not reset the connection before the client has read the reply.
  function respond(reply: Reply, closeWhenWritten = false): void {
    if (phase === 'done') return;
    phase = 'done';
    app.end(serializeReply(reply), () => {
      if (closeWhenWritten) raw.destroy();
    });
  }

  /** A bug in here must cost one connection a 500, never the process. */
  function guarded(handle: (chunk: Buffer) => void): (chunk: Buffer) => void {
    return (chunk) => {
      try {
        handle(chunk);
      } catch (error) {
        logger.error({ peer: peerText, err: error instanceof Error ? error.message : String(error) }, 'echo request failed');
        respond(errorReply(500, 'internal', 'the echo server failed on this request'), true);
      }
    };
  }

  const onHttpBytes = guarded((chunk) => {
    if (phase !== 'http') return;
    pending = Buffer.concat([pending, chunk]);
    const parsed = parseRequestHead(pending, limits.maxHeaderBytes);
    if (parsed.kind === 'incomplete') return;
    if (parsed.kind === 'too-large') {
      logger.warn({ peer: peerText, limit: limits.maxHeaderBytes }, 'echo request head too large');
      respond(errorReply(431, 'header_too_large', `request head exceeds ${limits.maxHeaderBytes} bytes`));
      return;
    }
    if (parsed.kind === 'invalid') {
      logger.warn({ peer: peerText, reason: parsed.reason }, 'echo malformed request');
      respond(errorReply(400, 'bad_request', parsed.reason));
      return;
    }
    const { head } = parsed;
    const reply = routeRequest(head, () => ({
      kind: ECHO_REPORT_KIND,
      peer,
      local,
      proxyProtocol,
      tls: app !== raw,
      sni: app instanceof tls.TLSSocket && typeof app.servername === 'string' ? app.servername : null,
      request: { method: head.method, path: head.target, httpVersion: head.httpVersion },
      host: headerValues(head.headers, 'host')[0] ?? null,
      headers: head.headers,
      identity: context.identity,
      receivedAt: new Date().toISOString(),
    }));
    logger.info(
      {
        peer: peerText,
        proxy: proxyProtocol ? `v${proxyProtocol.version} ${proxyProtocol.src ?? '-'}` : null,
        method: head.method,
        path: head.target,
        xff: headerValues(head.headers, 'x-forwarded-for'),
        status: reply.status,
      },
      'echo request',
    );
    respond(reply);
  });

  function startHttp(rest: Buffer): void {
    phase = 'http';
    pending = Buffer.alloc(0);
    if (!context.secureContext) {
      onHttpBytes(rest);
      return;
    }
    raw.removeListener('data', onRawBytes);
    const secure = wrapTls(raw, rest, context.secureContext);
    app = secure;
    secure.on('error', (error) => {
      logger.debug({ peer: peerText, err: error.message }, 'echo TLS error');
      raw.destroy();
    });
    secure.on('data', onHttpBytes);
  }

  const onRawBytes = guarded((chunk) => {
    if (phase === 'http') {
      onHttpBytes(chunk);
      return;
    }
    if (phase !== 'proxy') return;
    pending = Buffer.concat([pending, chunk]);
    const result = parseProxyHeader(pending);
    switch (result.kind) {
      case 'incomplete':
        return;
      case 'none':
        startHttp(pending);
        return;
      case 'header':
        proxyProtocol = toProxyHeaderInfo(result.header);
        startHttp(pending.subarray(result.length));
        return;
      case 'malformed':
        logger.warn({ peer: peerText, version: result.version, reason: result.reason }, 'echo malformed PROXY header');
        respond(
          errorReply(
            400,
            'malformed_proxy_header',
            `malformed PROXY protocol v${result.version} header: ${result.reason}`,
            'the sender (load balancer or ingress) writes an invalid PROXY header; check its proxy-protocol setting',
          ),
        );
    }
  });

  raw.on('data', onRawBytes);
}

function listen(server: net.Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.removeListener('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

export async function startEchoServer(options: EchoServerOptions): Promise<EchoServer> {
  const limits = { ...DEFAULT_ECHO_LIMITS, ...options.limits };
  const logger = options.logger ?? pino({ level: 'silent' });
  const identity: EchoIdentity = {
    podName: options.identity?.podName ?? null,
    podNamespace: options.identity?.podNamespace ?? null,
    podIp: options.identity?.podIp ?? null,
    nodeName: options.identity?.nodeName ?? null,
  };
  if ((options.tlsPort === undefined) !== (options.tls === undefined)) {
    throw new Error('the TLS port needs a key and certificate, and a key and certificate need a TLS port');
  }
  const sockets = new Set<net.Socket>();
  const makeServer = (secureContext: tls.SecureContext | null) => {
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      try {
        serveConnection(socket, { identity, limits, logger, secureContext });
      } catch (error) {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'echo connection failed');
        socket.destroy();
      }
    });
    server.maxConnections = limits.maxConnections;
    server.on('drop', (data) =>
      logger.warn({ peer: data?.remoteAddress, max: limits.maxConnections }, 'echo connection dropped: limit reached'),
    );
    return server;
  };

  const plain = makeServer(null);
  const servers = [plain];
  const port = await listen(plain, options.port, options.host);
  let tlsPort: number | undefined;
  if (options.tls && options.tlsPort !== undefined) {
    const secure = makeServer(tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert }));
    servers.push(secure);
    try {
      tlsPort = await listen(secure, options.tlsPort, options.host);
    } catch (error) {
      plain.close();
      throw error;
    }
  }
  logger.info({ host: options.host ?? '::', port, tlsPort: tlsPort ?? null, identity }, 'echo listening');

  return {
    port,
    ...(tlsPort === undefined ? {} : { tlsPort }),
    close: () =>
      new Promise<void>((resolve) => {
        let open = servers.length;
        for (const server of servers) {
          server.close(() => {
            open -= 1;
            if (open === 0) resolve();
          });
        }
        for (const socket of sockets) socket.destroy();
      }),
  };
}
