// Socket helpers for tests that start real servers on loopback.
import net from 'node:net';
import { socketTransport, type ProbeTransport } from '@/lib/probe/transport';

/** A loopback TCP port that was free a moment ago: the kernel picks it, we release it for the server under test. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The real probe transport, refusing any target off loopback (DESIGN.md safety rules: outside the lab's namespaces,
 * tests probe only 127.0.0.0/8). A stray target fails the test before a packet is sent.
 */
export const loopbackOnlyTransport: ProbeTransport = (request) => {
  if (!request.target.address.startsWith('127.')) {
    throw new Error(`test probe to ${request.target.address}:${request.target.port} refused: tests probe loopback only`);
  }
  return socketTransport(request);
};
