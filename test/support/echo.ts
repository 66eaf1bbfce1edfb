// Test support for the echo server: a raw HTTP/1.x exchange over a real socket (so tests control every byte,
// duplicate header lines and PROXY preambles included) and a logger that records its lines.
import net from 'node:net';
import { Writable } from 'node:stream';
import tls from 'node:tls';
import pino from 'pino';

export interface RawResponse {
  status: number;
  headers: [string, string][];
  body: string;
  /** Whether the server closed the connection without a byte of reply. */
  empty: boolean;
  /** The client's own port, to compare with what a proxy reports as the source port. */
  localPort: number;
}

export function header(response: RawResponse, name: string): string | null {
  return response.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? null;
}

function parseResponse(bytes: Buffer, localPort: number): RawResponse {
  if (bytes.length === 0) return { status: 0, headers: [], body: '', empty: true, localPort };
  const text = bytes.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split < 0 ? text.length : split).split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const body = split < 0 ? '' : text.slice(split + 4);
  return { status: Number(statusLine.split(' ')[1]), headers, body, empty: false, localPort };
}

export interface ExchangeOptions {
  host?: string;
  /** Written one after another, each after the previous one was flushed to the socket. */
  chunks: (string | Buffer)[];
  /** Wrap the connection in TLS after the first chunk is written (a PROXY header goes before TLS). */
  tls?: { servername?: string; afterFirstChunk?: boolean };
}

/** Sends the chunks and reads until the server closes; resolves with the parsed reply. */
export function exchange(
  port: number,
  { host = '127.0.0.1', chunks, tls: tlsOptions }: ExchangeOptions,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    const raw = net.connect({ port, host });
    raw.on('error', reject);
    let localPort = 0;
    const finish = () => resolve(parseResponse(Buffer.concat(received), localPort));
    const writeAll = async (socket: net.Socket, list: (string | Buffer)[]) => {
      for (const chunk of list) {
        await new Promise<void>((done, fail) => socket.write(chunk, (error) => (error ? fail(error) : done())));
      }
    };
    raw.once('connect', () => {
      localPort = raw.localPort ?? 0;
      void (async () => {
        let socket: net.Socket = raw;
        let pending = chunks;
        if (tlsOptions?.afterFirstChunk && chunks.length > 0) {
          await writeAll(raw, chunks.slice(0, 1));
          pending = chunks.slice(1);
        }
        if (tlsOptions) {
          const secure = tls.connect({ socket: raw, servername: tlsOptions.servername, rejectUnauthorized: false });
          secure.on('error', reject);
          await new Promise<void>((done) => secure.once('secureConnect', () => done()));
          socket = secure;
        }
        socket.on('data', (chunk: Buffer) => received.push(chunk));
        socket.on('end', finish);
        await writeAll(socket, pending);
      })().catch(reject);
    });
  });
}

export interface CapturedLogger {
  logger: pino.Logger;
  lines: () => Record<string, unknown>[];
}

/** A real pino logger writing JSON lines into memory. */
export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return {
    logger: pino({ level: 'debug' }, sink),
    lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
