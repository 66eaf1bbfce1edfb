import { describe, expect, it } from 'vitest';
import type { OutsideProbe } from '@/lib/types';
import { probeRefusal } from './plan';

const probe = (over: Partial<OutsideProbe> = {}): OutsideProbe => ({
  id: 'p#direct',
  pathId: 'p',
  kind: 'direct',
  target: { address: '192.0.2.10', port: 443, host: 'shop.example.com', tls: true, label: 'ingress-nginx' },
  url: 'https://shop.example.com:443/hopscope-probe?nonce=n1',
  httpPath: '/hopscope-probe?nonce=n1',
  headers: [],
  nonce: 'n1',
  ...over,
});

describe('what the agent agrees to send of a plan', () => {
  it('sends a well-formed probe', () => {
    expect(probeRefusal(probe())).toBeNull();
    expect(probeRefusal(probe({ kind: 'spoof', headers: [['X-Forwarded-For', '198.51.100.66'], ['x-real-ip', '198.51.100.66']] }))).toBeNull();
  });

  it('refuses a control character in the Ingress host, the path or a header (wire.ts)', () => {
    expect(probeRefusal(probe({ target: { ...probe().target, host: 'shop.example.com\nX-Evil: 1' } }))).toMatch(/Ingress host \(Host header and TLS server name\).*U\+000A \(LF\)/);
    expect(probeRefusal(probe({ httpPath: '/a b' }))).toMatch(/request path/);
    expect(probeRefusal(probe({ kind: 'spoof', headers: [['X-Forwarded-For', '1.2.3.4\r\nHost: other']] }))).toMatch(/value of header X-Forwarded-For/);
  });

  it.each([
    ['file:///etc/passwd', 'scheme "file:"'],
    ['javascript:alert(1)', 'scheme "javascript:"'],
    ['not a url', 'does not parse'],
    ['http://shop.example.com/hopscope-probe?nonce=n1', 'the plan\'s URL is http but its target uses TLS'],
  ])('refuses the URL %s', (url, message) => {
    expect(probeRefusal(probe({ url }))).toContain(message);
  });

  it('refuses added headers outside the spoof test, and any header the spoof test does not forge', () => {
    expect(probeRefusal(probe({ headers: [['X-Forwarded-For', '198.51.100.66']] }))).toContain('a direct probe carries no added headers');
    expect(probeRefusal(probe({ kind: 'spoof', headers: [['Host', 'other.example.com']] }))).toContain('the plan asks for header "Host"');
    expect(probeRefusal(probe({ kind: 'spoof', headers: [['Authorization', 'Bearer x']] }))).toContain('"Authorization"');
  });
});
