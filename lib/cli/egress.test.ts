// The egress echo on 127.0.0.1 only.
import http from 'node:http';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { main } from './main';
import { egressEchoNotice, egressEchoValues, requestLineOf } from './egress';
import type { CliIo } from './probe';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;

const interfaces = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  eth0: [iface('192.0.2.10', 'IPv4'), iface('2001:db8::10', 'IPv6'), iface('fe80::1', 'IPv6')],
  wlan0: [iface('198.51.100.7', 'IPv4')],
};

describe('the HOPSCOPE_EGRESS_ECHO value', () => {
  it('is the bound address, or every outside address of the wildcard family', () => {
    expect(egressEchoValues(interfaces, '192.0.2.10', 8080)).toEqual(['192.0.2.10:8080']);
    expect(egressEchoValues(interfaces, '2001:db8::10', 8080)).toEqual(['[2001:db8::10]:8080']);
    expect(egressEchoValues(interfaces, '0.0.0.0', 8080)).toEqual(['192.0.2.10:8080', '198.51.100.7:8080']);
    expect(egressEchoValues(interfaces, '::', 8080)).toEqual(['192.0.2.10:8080', '[2001:db8::10]:8080', '198.51.100.7:8080']);
    expect(egressEchoValues({ lo: interfaces.lo }, '0.0.0.0', 8080)).toEqual([]);
  });

  it('is printed for the operator to set', () => {
    const notice = egressEchoNotice({ port: 8080, address: '0.0.0.0' }, 8080, ['192.0.2.10:8080']);
    expect(notice).toContain('egress echo listening on 0.0.0.0:8080');
    expect(notice).toContain('\n  HOPSCOPE_EGRESS_ECHO=192.0.2.10:8080\n');
    expect(egressEchoNotice({ port: 8080, address: '0.0.0.0' }, 8080, [])).toContain('HOPSCOPE_EGRESS_ECHO=<address the cluster reaches it by>:8080');
  });

  it('is followed by one line per request, escaped', () => {
    expect(requestLineOf({ msg: 'echo request', method: 'GET', path: '/', peer: '192.0.2.12:4000', proxy: 'v2 203.0.113.7', xff: ['203.0.113.7\u001b[0m'], status: 200 })).toBe(
      'egress echo: GET / from 192.0.2.12:4000, PROXY v2 203.0.113.7, X-Forwarded-For 203.0.113.7\\u{1B}[0m, answered 200',
    );
    expect(requestLineOf({ msg: 'echo listening' })).toBeNull();
  });
});

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/hopscope-probe' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('hopscope echo', () => {
  it('answers as the hopscope echo until stopped, then closes', async () => {
    let err = '';
    let port = 0;
    let statusWhileRunning = 0;
    const io: CliIo = {
      out: () => undefined,
      err: (t) => void (err += t),
      interfaces: () => ({}),
      untilStopped: async () => {
        port = Number(/HOPSCOPE_EGRESS_ECHO=127\.0\.0\.1:(\d+)/.exec(err)?.[1]);
        statusWhileRunning = await get(port);
      },
    };
    expect(await main(['echo', '--listen', '0', '--listen-address', '127.0.0.1'], io, 'h')).toBe(0);
    expect(statusWhileRunning).toBe(200);
    expect(err).toMatch(/egress echo: GET \/hopscope-probe from 127\.0\.0\.1:\d+, answered 200\n/);
    await expect(get(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('exits 2 with a clear message when the port is taken', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    let err = '';
    const io: CliIo = { out: () => undefined, err: (t) => void (err += t), interfaces: () => ({}), untilStopped: () => Promise.resolve() };
    try {
      expect(await main(['echo', '--listen', String(port), '--listen-address', '127.0.0.1'], io, 'h')).toBe(2);
      expect(err).toBe(`hopscope: cannot listen on 127.0.0.1:${port}: EADDRINUSE\nhint: pick another --listen port\n`);
    } finally {
      taken.close();
    }
  });
});
