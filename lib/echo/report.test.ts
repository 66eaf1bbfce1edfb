import { describe, expect, it } from 'vitest';
import { formatSocketAddress, renderEchoText, type EchoReport } from './report';

describe('formatSocketAddress', () => {
  it.each([
    [{ address: '192.0.2.1', port: 80 }, '192.0.2.1:80'],
    [{ address: '2001:db8::1', port: 443 }, '[2001:db8::1]:443'],
  ])('%j → %s', (address, text) => {
    expect(formatSocketAddress(address)).toBe(text);
  });
});

describe('renderEchoText', () => {
  it('writes the summary lines, a blank line, then every header line in order', () => {
    const report: EchoReport = {
      kind: 'hopscope-echo',
      peer: { address: '2001:db8::9', port: 40000 },
      local: { address: '10.244.1.10', port: 8443 },
      proxyProtocol: { version: 1, command: 'PROXY', family: 'TCP4', src: '203.0.113.10', dst: '198.51.100.50', srcPort: 5, dstPort: 443 },
      tls: true,
      sni: null,
      request: { method: 'GET', path: '/', httpVersion: '1.1' },
      host: null,
      headers: [
        ['X-Forwarded-For', '1.2.3.4'],
        ['X-Forwarded-For', '203.0.113.10'],
      ],
      identity: { podName: 'echo-5d8f', podNamespace: null, podIp: null, nodeName: 'wk-a' },
      receivedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(renderEchoText(report)).toBe(
      [
        'hopscope echo',
        'peer: [2001:db8::9]:40000',
        'local: 10.244.1.10:8443',
        'proxy-protocol: v1 PROXY TCP4 203.0.113.10:5 -> 198.51.100.50:443',
        'tls: yes, sni (none)',
        'request: GET / HTTP/1.1',
        'host: ',
        'pod: echo-5d8f',
        'namespace: ',
        'pod-ip: ',
        'node: wk-a',
        'received-at: 2026-01-01T00:00:00.000Z',
        '',
        'headers:',
        'X-Forwarded-For: 1.2.3.4',
        'X-Forwarded-For: 203.0.113.10',
        '',
      ].join('\n'),
    );
  });
});
