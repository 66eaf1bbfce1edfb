// TLS over a socket whose first bytes were already read: on the TLS port a PROXY preamble comes before the
// handshake, so the bytes read while looking for it may already hold the start of the ClientHello.
import type net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

/** The echo speaks HTTP/1.x only; ALPN says so to clients that would otherwise try h2. */
const ALPN_PROTOCOLS = ['http/1.1'];

/**
 * Feeds decrypted TLS to the HTTP reader. A Duplex in between (rather than handing the raw socket to
 * TLSSocket) lets the bytes already read while looking for a PROXY header go into the TLS handshake.
 */
export function wrapTls(raw: net.Socket, initial: Buffer, secureContext: tls.SecureContext): tls.TLSSocket {
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
  return new tls.TLSSocket(transport, { isServer: true, secureContext, ALPNProtocols: ALPN_PROTOCOLS });
}
