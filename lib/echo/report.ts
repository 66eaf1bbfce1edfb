// What the hopscope echo server answers: the JSON report and its readable text form. Both are read back by
// parse.ts, so the probe engine understands whichever one it gets.
import type { ProxyHeaderInfo } from '../types';

/** Marker field value that identifies a hopscope echo report. */
export const ECHO_REPORT_KIND = 'hopscope-echo';
/** First line of the text form. */
export const ECHO_TEXT_TITLE = 'hopscope echo';

export interface EchoIdentity {
  podName: string | null;
  podNamespace: string | null;
  podIp: string | null;
  nodeName: string | null;
}

export interface SocketAddress {
  /** IPv4-mapped IPv6 peers are reported as plain IPv4. */
  address: string;
  port: number;
}

export interface EchoReport {
  kind: typeof ECHO_REPORT_KIND;
  /** The TCP peer of this connection: the last hop's address, never a claim. */
  peer: SocketAddress;
  /** The address and port the connection arrived at. */
  local: SocketAddress;
  /** A PROXY header the sender put before the request, or null. */
  proxyProtocol: ProxyHeaderInfo | null;
  /** Whether the request came over the TLS port. */
  tls: boolean;
  /** Server name the client sent in its TLS ClientHello; null without TLS or without SNI. */
  sni: string | null;
  /** `path` is the request target as received, query included: an outside probe's nonce comes back in it. */
  request: { method: string; path: string; httpVersion: string };
  host: string | null;
  /** Every header line in arrival order, duplicates kept. */
  headers: [string, string][];
  identity: EchoIdentity;
  receivedAt: string;
}

export function formatSocketAddress({ address, port }: SocketAddress): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function formatProxyLine(proxy: ProxyHeaderInfo | null): string {
  if (!proxy) return 'none';
  const parts = [`v${proxy.version}`, proxy.command, proxy.family];
  if (proxy.src !== null && proxy.dst !== null) {
    const endpoint = (address: string, port: number | null) =>
      port === null ? address : formatSocketAddress({ address, port });
    parts.push(`${endpoint(proxy.src, proxy.srcPort)} -> ${endpoint(proxy.dst, proxy.dstPort)}`);
  }
  return parts.join(' ');
}

/** The readable form (for curl and `?format=text`): "key: value" lines, a blank line, then the header lines. */
export function renderEchoText(report: EchoReport): string {
  const { identity } = report;
  const lines = [
    ECHO_TEXT_TITLE,
    `peer: ${formatSocketAddress(report.peer)}`,
    `local: ${formatSocketAddress(report.local)}`,
    `proxy-protocol: ${formatProxyLine(report.proxyProtocol)}`,
    `tls: ${report.tls ? `yes, sni ${report.sni ?? '(none)'}` : 'no'}`,
    `request: ${report.request.method} ${report.request.path} HTTP/${report.request.httpVersion}`,
    `host: ${report.host ?? ''}`,
    `pod: ${identity.podName ?? ''}`,
    `namespace: ${identity.podNamespace ?? ''}`,
    `pod-ip: ${identity.podIp ?? ''}`,
    `node: ${identity.nodeName ?? ''}`,
    `received-at: ${report.receivedAt}`,
    '',
    'headers:',
    ...report.headers.map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\n')}\n`;
}
