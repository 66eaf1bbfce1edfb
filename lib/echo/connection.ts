// One echo connection, from accept to close, as three phases read top to bottom:
//   1. preamble: is there a PROXY header (v1 or v2) before anything else? Read it if so.
//   2. head:     read the HTTP request head, through TLS on the TLS port, up to a size limit.
//   3. answered: one reply is written and the connection closes; whatever the client still sends is dropped.
// A deadline covers phases 1 and 2 together (slow-loris guard); an idle timeout covers the whole connection.
import type net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { normalizeIp } from '../net/ip';
import { headerValues, parseRequestHead, type RequestHead } from './http-head';
import { parseProxyHeader, toProxyHeaderInfo } from './proxy-protocol';
import { errorReply, routeRequest, serializeReply, type Reply } from './reply';
import {
  ECHO_REPORT_KIND,
  formatSocketAddress,
  type EchoIdentity,
  type EchoReport,
  type SocketAddress,
} from './report';
import { wrapTls } from './tls-transport';
import type { ProxyHeaderInfo } from '../types';

export type EchoLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

export interface ConnectionLimits {
  /** Request line + headers; more gets 431. */
  maxHeaderBytes: number;
  /** The whole request head must arrive within this time (slow-loris guard); else 408 and close. */
  requestTimeoutMs: number;
  /** A connection with no traffic for this long is closed. */
  idleTimeoutMs: number;
}

export interface ConnectionContext {
  identity: EchoIdentity;
  limits: ConnectionLimits;
  logger: EchoLogger;
  /** Set on the TLS port: HTTP is read from TLS that starts after the PROXY preamble. */
  secureContext: tls.SecureContext | null;
}

type Phase = 'preamble' | 'head' | 'answered';

const PROXY_HEADER_HINT =
  'the sender (load balancer or ingress) writes an invalid PROXY header; check its proxy-protocol setting';

function socketAddress(address: string | undefined, port: number | undefined): SocketAddress {
  return { address: normalizeIp(address ?? '') ?? address ?? '', port: port ?? 0 };
}

export class EchoConnection {
  private phase: Phase = 'preamble';
  /** The bytes of the current phase received so far. */
  private pending = Buffer.alloc(0);
  private proxyProtocol: ProxyHeaderInfo | null = null;
  /** Where HTTP is read and the reply written: the raw socket, or on the TLS port the TLS socket over it. */
  private app: net.Socket | tls.TLSSocket;
  private readonly raw: net.Socket;
  private readonly context: ConnectionContext;
  private readonly peer: SocketAddress;
  private readonly local: SocketAddress;
  private readonly peerText: string;
  private readonly onPreambleBytes = this.guarded((chunk) => this.readPreamble(chunk));
  private readonly onHeadBytes = this.guarded((chunk) => this.readHead(chunk));

  /** Serves one accepted socket: arms the deadline and idle timeout, then waits for the first bytes. */
  static serve(raw: net.Socket, context: ConnectionContext): void {
    new EchoConnection(raw, context).start();
  }

  private constructor(raw: net.Socket, context: ConnectionContext) {
    this.raw = raw;
    this.context = context;
    this.app = raw;
    this.peer = socketAddress(raw.remoteAddress, raw.remotePort);
    this.local = socketAddress(raw.localAddress, raw.localPort);
    this.peerText = formatSocketAddress(this.peer);
  }

  private get limits(): ConnectionLimits {
    return this.context.limits;
  }

  private get logger(): EchoLogger {
    return this.context.logger;
  }

  private start(): void {
    const deadline = setTimeout(() => this.onDeadline(), this.limits.requestTimeoutMs);
    deadline.unref();
    this.raw.setTimeout(this.limits.idleTimeoutMs, () => this.raw.destroy());
    this.raw.on('close', () => clearTimeout(deadline));
    this.raw.on('error', (error) => this.logger.debug({ peer: this.peerText, err: error.message }, 'echo connection error'));
    this.raw.on('data', this.onPreambleBytes);
  }

  /** Phase 1. A client that sends no PROXY header is told apart by its first bytes, then read as HTTP. */
  private readPreamble(chunk: Buffer): void {
    if (this.phase !== 'preamble') return;
    this.pending = Buffer.concat([this.pending, chunk]);
    const result = parseProxyHeader(this.pending);
    switch (result.kind) {
      case 'incomplete':
        return;
      case 'none':
        this.startHead(this.pending);
        return;
      case 'header':
        this.proxyProtocol = toProxyHeaderInfo(result.header);
        this.startHead(this.pending.subarray(result.length));
        return;
      case 'malformed':
        this.logger.warn({ peer: this.peerText, version: result.version, reason: result.reason }, 'echo malformed PROXY header');
        this.answer(
          errorReply(400, 'malformed_proxy_header', `malformed PROXY protocol v${result.version} header: ${result.reason}`, PROXY_HEADER_HINT),
        );
    }
  }

  /** Phase 1 → 2. `rest` is what arrived after the preamble (all of it without one): HTTP, or the TLS handshake. */
  private startHead(rest: Buffer): void {
    this.phase = 'head';
    this.pending = Buffer.alloc(0);
    this.raw.removeListener('data', this.onPreambleBytes);
    const { secureContext } = this.context;
    if (!secureContext) {
      this.raw.on('data', this.onHeadBytes);
      this.onHeadBytes(rest);
      return;
    }
    const secure = wrapTls(this.raw, rest, secureContext);
    this.app = secure;
    secure.on('error', (error) => {
      this.logger.debug({ peer: this.peerText, err: error.message }, 'echo TLS error');
      this.raw.destroy();
    });
    secure.on('data', this.onHeadBytes);
  }

  /** Phase 2. */
  private readHead(chunk: Buffer): void {
    if (this.phase !== 'head') return;
    this.pending = Buffer.concat([this.pending, chunk]);
    const { maxHeaderBytes } = this.limits;
    const parsed = parseRequestHead(this.pending, maxHeaderBytes);
    switch (parsed.kind) {
      case 'incomplete':
        return;
      case 'too-large':
        this.logger.warn({ peer: this.peerText, limit: maxHeaderBytes }, 'echo request head too large');
        this.answer(errorReply(431, 'header_too_large', `request head exceeds ${maxHeaderBytes} bytes`));
        return;
      case 'invalid':
        this.logger.warn({ peer: this.peerText, reason: parsed.reason }, 'echo malformed request');
        this.answer(errorReply(400, 'bad_request', parsed.reason));
        return;
      case 'head':
        this.answerRequest(parsed.head);
    }
  }

  /** Phase 2 → 3 for a complete head. */
  private answerRequest(head: RequestHead): void {
    const reply = routeRequest(head, () => this.report(head));
    this.logger.info(
      {
        peer: this.peerText,
        proxy: this.proxyProtocol ? `v${this.proxyProtocol.version} ${this.proxyProtocol.src ?? '-'}` : null,
        method: head.method,
        path: head.target,
        xff: headerValues(head.headers, 'x-forwarded-for'),
        status: reply.status,
      },
      'echo request',
    );
    this.answer(reply);
  }

  private report(head: RequestHead): EchoReport {
    const { app } = this;
    return {
      kind: ECHO_REPORT_KIND,
      peer: this.peer,
      local: this.local,
      proxyProtocol: this.proxyProtocol,
      tls: app !== this.raw,
      sni: app instanceof tls.TLSSocket && typeof app.servername === 'string' ? app.servername : null,
      request: { method: head.method, path: head.target, httpVersion: head.httpVersion },
      host: headerValues(head.headers, 'host')[0] ?? null,
      headers: head.headers,
      identity: this.context.identity,
      receivedAt: new Date().toISOString(),
    };
  }

  /**
   * Phase 3: the one reply. The data listeners stay attached and drop whatever the client still sends, so that
   * closing does not reset the connection before the client has read the reply.
   */
  private answer(reply: Reply, closeWhenWritten = false): void {
    if (this.phase === 'answered') return;
    this.phase = 'answered';
    this.app.end(serializeReply(reply), () => {
      if (closeWhenWritten) this.raw.destroy();
    });
  }

  /** The head is late: 408 and close; after a reply, a client that keeps the connection open is cut off. */
  private onDeadline(): void {
    if (this.phase === 'answered') this.raw.destroy();
    else this.answer(errorReply(408, 'request_timeout', `request head not received within ${this.limits.requestTimeoutMs} ms`), true);
  }

  /** A bug in here must cost one connection a 500, never the process. */
  private guarded(handle: (chunk: Buffer) => void): (chunk: Buffer) => void {
    return (chunk) => {
      try {
        handle(chunk);
      } catch (error) {
        this.logger.error({ peer: this.peerText, err: error instanceof Error ? error.message : String(error) }, 'echo request failed');
        this.answer(errorReply(500, 'internal', 'the echo server failed on this request'), true);
      }
    };
  }
}
