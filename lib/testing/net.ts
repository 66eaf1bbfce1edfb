// Socket helpers for tests that start real servers on loopback.
import net from 'node:net';

/** A loopback TCP port that was free a moment ago: the kernel picks it, we release it for the server under test. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
