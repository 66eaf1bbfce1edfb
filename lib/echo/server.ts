// The hopscope echo server: a raw-TCP HTTP/1.x responder that reports what this hop saw of the client — TCP
// peer, PROXY header (v1/v2, auto-detected before HTTP on the same port), TLS SNI and every header line.
// Raw sockets instead of node:http: a PROXY preamble arrives before the request, and node:http would refuse it.
// This file listens (plain and TLS port), enforces the connection limit and closes; each connection's phases
// are in ./connection.
import net from 'node:net';
import tls from 'node:tls';
import pino from 'pino';
import { EchoConnection, type ConnectionLimits, type EchoLogger } from './connection';
import type { EchoIdentity } from './report';

export type { EchoLogger } from './connection';
export type { EchoIdentity, EchoReport } from './report';

export interface EchoLimits extends ConnectionLimits {
  /** Connections beyond this are closed as soon as they are accepted, until others end. */
  maxConnections: number;
}

const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_IDLE_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_CONNECTIONS = 512;

export const DEFAULT_ECHO_LIMITS: EchoLimits = {
  maxHeaderBytes: DEFAULT_MAX_HEADER_BYTES,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
};

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
        EchoConnection.serve(socket, { identity, limits, logger, secureContext });
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
