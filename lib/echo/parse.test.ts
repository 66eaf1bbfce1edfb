import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEchoResponse, unescapeHtml } from './parse';
import { renderEchoText, type EchoReport } from './report';

const sample = (name: string): string => readFileSync(path.join(import.meta.dirname, 'testdata', name), 'utf8');

describe('registry.k8s.io/echoserver', () => {
  it('reads 1.10 output as documented (two-space indentation)', () => {
    expect(parseEchoResponse(sample('echoserver-1.10-output.txt'), 'text/plain')).toMatchObject({
      format: 'echoserver',
      peer: '172.17.0.1',
      path: '/',
      echoPod: 'hello-minikube-7c77b68cff-8wdzq',
      echoNode: null,
      host: '192.168.99.100:30674',
      xForwardedFor: [],
      headers: [
        ['accept', '*/*'],
        ['host', '192.168.99.100:30674'],
        ['user-agent', 'curl/7.47.0'],
      ],
    });
  });

  it('reads 1.10 output as the server emits it (TAB indentation)', () => {
    const tabbed = sample('echoserver-1.10-output.txt').replace(/^ {2}/gm, '\t');
    expect(tabbed).toContain('\tclient_address=172.17.0.1');
    expect(parseEchoResponse(tabbed)).toMatchObject({ format: 'echoserver', peer: '172.17.0.1', host: '192.168.99.100:30674' });
  });

  it('reads 1.10 pod information, HTML-escaped values, trailing spaces and repeated header lines', () => {
    // The shape docs/domain.md#s1.1 documents for a Deployment that injects the downward-API variables.
    const withPod = sample('echoserver-1.10-output.txt')
      .replace('  -no pod information available-', '\tnode name:\twk-a\n\tpod name:\techo-5d8f\n\tpod namespace:\tdefault\n\tpod IP:\t10.244.1.10')
      .replace(
        '  user-agent=curl/7.47.0',
        '  user-agent=curl/7.47.0  \n  x-forwarded-for=1.2.3.4  \n  x-forwarded-for=203.0.113.10\n  forwarded=for=&quot;[2001:db8::1]:4711&quot;;proto=https\n  x-real-ip=203.0.113.10',
      );
    expect(parseEchoResponse(withPod)).toMatchObject({
      echoPod: 'echo-5d8f',
      echoNode: 'wk-a',
      xForwardedFor: ['1.2.3.4', '203.0.113.10'],
      xRealIp: '203.0.113.10',
      forwarded: ['for="[2001:db8::1]:4711";proto=https'],
    });
  });

  it('keeps reading pod information after a field with an empty value', () => {
    const emptyNode = sample('echoserver-1.10-output.txt').replace(
      '  -no pod information available-',
      '\tnode name:\t\n\tpod name:\techo-5d8f\n\tpod namespace:\tdefault\n\tpod IP:\t',
    );
    expect(parseEchoResponse(emptyNode)).toMatchObject({ echoPod: 'echo-5d8f', echoNode: null, peer: '172.17.0.1' });
  });

  it('reads the 1.4 CLIENT VALUES format with X-Forwarded-For', () => {
    expect(parseEchoResponse(sample('echoserver-1.4-output-with-xff.txt'))).toMatchObject({
      format: 'echoserver',
      peer: '172.17.0.7',
      path: '/',
      echoPod: null,
      host: 'app.example.com',
      xForwardedFor: ['172.17.0.1'],
    });
  });
});

describe('traefik/whoami', () => {
  const expected = {
    format: 'whoami',
    peer: '172.17.0.1',
    peerPort: 41040,
    echoPod: '9c9c93da54b5',
    host: 'localhost:8080',
    path: '/',
    headers: [
      ['Host', 'localhost:8080'],
      ['User-Agent', 'curl/8.5.0'],
      ['Accept', '*/*'],
    ],
  };

  it('reads the README text output', () => {
    expect(parseEchoResponse(sample('whoami-text-output.txt'), 'text/plain; charset=utf-8')).toMatchObject(expected);
  });

  it('reads the text output with the CRLF request dump Go writes, an IPv6 peer and repeated XFF lines', () => {
    const [preamble, dump] = sample('whoami-text-output.txt').split('GET / HTTP/1.1\n') as [string, string];
    const crlfDump = `GET / HTTP/1.1\n${dump}`.replace(/\n/g, '\r\n').replace('Accept: */*\r\n', 'Accept: */*\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 203.0.113.10\r\n');
    const body = `${preamble.replace('RemoteAddr: 172.17.0.1:41040', 'RemoteAddr: [2001:db8::9]:41040')}${crlfDump}\r\n`;
    expect(parseEchoResponse(body)).toMatchObject({
      format: 'whoami',
      peer: '2001:db8::9',
      peerPort: 41040,
      xForwardedFor: ['1.2.3.4', '203.0.113.10'],
    });
  });

  it('reads the /api JSON (openapi Data schema)', () => {
    expect(parseEchoResponse(sample('whoami-api.json'), 'application/json')).toEqual({
      format: 'whoami-json',
      peer: '10.42.0.1',
      peerPort: 54321,
      local: null,
      xForwardedFor: ['198.51.100.23', '203.0.113.9, 10.42.0.1'],
      xRealIp: null,
      forwarded: [],
      proxyProtocol: null,
      echoPod: 'whoami-5b8f9c7d4-abcde',
      echoNode: null,
      host: 'localhost',
      path: '/api',
      headers: [
        ['Host', 'localhost'],
        ['Accept', '*/*'],
        ['User-Agent', 'curl/8.4.0'],
        ['X-Forwarded-For', '198.51.100.23'],
        ['X-Forwarded-For', '203.0.113.9, 10.42.0.1'],
      ],
      derivedClient: null,
      notes: [],
      truncated: [],
    });
  });
});

describe('ealen/echo-server', () => {
  it('turns the IPv4-mapped peer into plain IPv4 and reads pod and node from the environment', () => {
    expect(parseEchoResponse(sample('ealen-response-plain.json'), 'application/json; charset=utf-8')).toMatchObject({
      format: 'ealen',
      peer: '127.0.0.1',
      echoPod: 'echo-7d9c5b6f4-x2k8p',
      echoNode: 'worker-1',
      host: '127.0.0.1:18081',
      path: '/hello?x=1',
      xForwardedFor: [],
    });
  });

  it('reads forwarding headers', () => {
    expect(parseEchoResponse(sample('ealen-response-with-forwarding-headers.json'))).toMatchObject({
      peer: '127.0.0.1',
      xForwardedFor: ['203.0.113.7, 10.42.1.5'],
      xRealIp: '203.0.113.7',
      forwarded: ['for=203.0.113.7;proto=https, for="[2001:db8::1]:4711"'],
    });
  });
});

describe('mendhak/http-https-echo', () => {
  it('has no peer when ip was derived from X-Forwarded-For, and says so', () => {
    const parsed = parseEchoResponse(sample('mendhak-response-with-forwarding-headers.json'), 'application/json');
    expect(parsed).toMatchObject({
      format: 'mendhak',
      peer: null,
      derivedClient: '203.0.113.7',
      echoPod: 'echo-7d9c5b6f4-x2k8p',
      xForwardedFor: ['203.0.113.7, 10.42.1.5'],
      xRealIp: '203.0.113.7',
    });
    expect(parsed?.notes.join(' ')).toMatch(/does not report the TCP peer/);
  });

  it('takes ip as the peer when ips is empty (proxy-addr walked no X-Forwarded-For entry)', () => {
    expect(parseEchoResponse(sample('mendhak-response-plain.json'))).toMatchObject({
      format: 'mendhak',
      peer: '127.0.0.1',
      // Its "path" has no query, so it is not the request target.
      path: null,
      derivedClient: null,
      notes: [expect.stringContaining('"ips" is empty')],
    });
  });
});

describe('hopscope echo', () => {
  const report: EchoReport = {
    kind: 'hopscope-echo',
    peer: { address: '192.0.2.1', port: 40312 },
    local: { address: '10.244.1.10', port: 8080 },
    proxyProtocol: { version: 2, command: 'PROXY', family: 'TCP6', src: '2001:db8::7', dst: '2001:db8::1', srcPort: 4711, dstPort: 80, tlvs: [] },
    tls: true,
    sni: 'shop.example.com',
    request: { method: 'GET', path: '/hopscope-probe?nonce=n1&x=1', httpVersion: '1.1' },
    host: 'shop.example.com',
    headers: [
      ['Host', 'shop.example.com'],
      ['X-Forwarded-For', '1.2.3.4'],
      ['X-Forwarded-For', '203.0.113.10'],
      ['X-Real-IP', '203.0.113.10'],
    ],
    identity: { podName: 'echo-5d8f', podNamespace: 'default', podIp: '10.244.1.10', nodeName: 'wk-a' },
    receivedAt: '2026-01-01T00:00:00.000Z',
  };
  const expected = {
    format: 'hopscope',
    peer: '192.0.2.1',
    peerPort: 40312,
    local: '10.244.1.10',
    xForwardedFor: ['1.2.3.4', '203.0.113.10'],
    xRealIp: '203.0.113.10',
    forwarded: [],
    proxyProtocol: { version: 2, command: 'PROXY', family: 'TCP6', src: '2001:db8::7', dst: '2001:db8::1', srcPort: 4711, dstPort: 80 },
    echoPod: 'echo-5d8f',
    echoNode: 'wk-a',
    host: 'shop.example.com',
    path: '/hopscope-probe?nonce=n1&x=1',
    headers: report.headers,
  };

  it('reads the JSON report', () => {
    expect(parseEchoResponse(JSON.stringify(report), 'application/json')).toMatchObject(expected);
  });

  it('reads the text report to the same observation', () => {
    expect(parseEchoResponse(renderEchoText(report), 'text/plain')).toMatchObject(expected);
  });

  it('has no request target when the report names none', () => {
    const { request: _request, ...withoutRequest } = report;
    expect(parseEchoResponse(JSON.stringify(withoutRequest), 'application/json')?.path).toBeNull();
    expect(parseEchoResponse(renderEchoText(report).replace(/^request: .*$/m, 'request: '), 'text/plain')?.path).toBeNull();
  });

  it.each([
    [null, 'none'],
    [{ version: 1, command: 'UNKNOWN', family: 'UNKNOWN', src: null, dst: null, srcPort: null, dstPort: null }, 'v1 UNKNOWN UNKNOWN'],
    [{ version: 2, command: 'LOCAL', family: 'UNSPEC', src: null, dst: null, srcPort: null, dstPort: null }, 'v2 LOCAL UNSPEC'],
    [{ version: 1, command: 'PROXY', family: 'TCP4', src: '203.0.113.10', dst: '198.51.100.50', srcPort: 5, dstPort: 80 }, 'v1 PROXY TCP4 203.0.113.10:5 -> 198.51.100.50:80'],
  ] as const)('text round-trips the PROXY line %#', (proxyProtocol, line) => {
    const text = renderEchoText({ ...report, proxyProtocol });
    expect(text).toContain(`proxy-protocol: ${line}\n`);
    expect(parseEchoResponse(text)?.proxyProtocol).toEqual(proxyProtocol);
  });
});

describe('anything else', () => {
  it.each([
    ['', null],
    ['<html>hello</html>', 'text/html'],
    ['{"not":"an echo"}', 'application/json'],
    ['{broken json', 'application/json'],
    ['[]', 'application/json'],
    ['null', 'application/json'],
    ['Hostname: x\nno request line', null],
  ])('%j → null', (body, contentType) => {
    expect(parseEchoResponse(body, contentType)).toBeNull();
  });
});

describe('unescapeHtml', () => {
  it.each([
    ['for=&quot;[2001:db8::1]&quot;', 'for="[2001:db8::1]"'],
    ['a&amp;b &lt;c&gt; &#39;d&#39; &#x2F; &#47;', "a&b <c> 'd' / /"],
    ['&unknown; &#xFFFFFFF;', '&unknown; &#xFFFFFFF;'],
  ])('%s', (escaped, plain) => {
    expect(unescapeHtml(escaped)).toBe(plain);
  });
});
