// The agent as an egress echo: the hopscope echo on this machine, which the dashboard's own prober connects out to
// only when its operator lists it in HOPSCOPE_EGRESS_ECHO (docs/vantages.md, "Egress") — an address no request
// can supply. This prints the value to set and one line per request the echo answers.
import type { NetworkInterfaceInfo } from 'node:os';
import pino from 'pino';
import { formatSocketAddress } from '../echo/report';
import { startEchoServer, type EchoServer } from '../echo/server';
import type { Listen } from './args';
import { CliError } from './errors';
import { terminalText } from './text';

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/**
 * The `host:port` values under which this machine's echo may be reachable: the bound address, or for a wildcard
 * bind every non-internal address of its family (IPv6 link-local ones need a zone, which a host:port cannot say).
 */
export function egressEchoValues(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>, address: string, port: number): string[] {
  if (!UNSPECIFIED.has(address)) return [formatSocketAddress({ address, port })];
  const wanted = address === '0.0.0.0' ? ['IPv4'] : ['IPv4', 'IPv6'];
  const values = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => !i.internal && wanted.includes(i.family) && !(i.family === 'IPv6' && /^fe80:/i.test(i.address)))
    .map((i) => formatSocketAddress({ address: i.address, port }));
  return [...new Set(values)];
}

/** Tells the operator what to set; `values` from egressEchoValues. */
export function egressEchoNotice(listen: Listen, port: number, values: readonly string[]): string {
  const bound = formatSocketAddress({ address: listen.address, port });
  const lines = [`egress echo listening on ${bound}`];
  if (values.length === 0) {
    lines.push('this machine shows no address outside loopback; set HOPSCOPE_EGRESS_ECHO=<address the cluster reaches it by>:' + port);
  } else {
    lines.push(
      "the dashboard's prober connects out to it only when its operator sets (with the address the cluster reaches",
      'this machine by; behind NAT, the public one):',
      ...values.map((v) => `  HOPSCOPE_EGRESS_ECHO=${v}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

interface EchoRequestLine {
  msg?: string;
  peer?: string;
  proxy?: string | null;
  method?: string;
  path?: string;
  xff?: string[];
  status?: number;
}

/** One readable line per answered request, from the echo's own log record. */
export function requestLineOf(record: EchoRequestLine): string | null {
  if (record.msg !== 'echo request') return null;
  const parts = [`egress echo: ${record.method ?? '?'} ${record.path ?? '?'} from ${record.peer ?? '?'}`];
  if (record.proxy) parts.push(`PROXY ${record.proxy}`);
  if (record.xff && record.xff.length > 0) parts.push(`X-Forwarded-For ${record.xff.join(' | ')}`);
  parts.push(`answered ${record.status ?? '?'}`);
  return terminalText(parts.join(', '));
}

export interface EgressEcho {
  server: EchoServer;
  values: string[];
}

/** Starts the echo on `listen` and says what to set; requests are reported through `log`. */
export async function startEgressEcho(listen: Listen, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>, log: (line: string) => void): Promise<EgressEcho> {
  const logger = pino(
    { level: 'info', base: null, timestamp: false },
    {
      write(line: string) {
        try {
          const text = requestLineOf(JSON.parse(line) as EchoRequestLine);
          if (text) log(`${text}\n`);
        } catch {
          // Not a JSON record: pino writes nothing else.
        }
      },
    },
  );
  let server: EchoServer;
  try {
    server = await startEchoServer({ port: listen.port, host: listen.address, logger });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new CliError(`cannot listen on ${formatSocketAddress({ address: listen.address, port: listen.port })}: ${code}`, code === 'EADDRINUSE' ? 'pick another --listen port' : null);
  }
  const values = egressEchoValues(interfaces, listen.address, server.port);
  log(egressEchoNotice(listen, server.port, values));
  return { server, values };
}
