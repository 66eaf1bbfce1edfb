import { describe, expect, it } from 'vitest';
import { hostHeader, REFUSED_BY_HOPSCOPE, requestRefusal } from './wire';

const target = (extra = {}) => ({ address: '192.0.2.11', port: 80, label: 'node1', ...extra });
const request = (extra: Partial<Parameters<typeof requestRefusal>[0]> = {}) => ({ target: target(), httpPath: '/', headers: [] as [string, string][], ...extra });

describe('requestRefusal', () => {
  it.each([
    ['an IPv4 target', request()],
    ['an IPv6 target', request({ target: target({ address: '2001:db8::1' }) })],
    ['an Ingress host over TLS', request({ target: target({ host: 'shop.example.com', tls: true }) })],
    ['a wildcard-looking host', request({ target: target({ host: 'a-b.c_d.example:8080' }) })],
    ['the spoof headers', request({ headers: [['X-Forwarded-For', '198.51.100.66'], ['X-Real-IP', '198.51.100.66']] })],
    ['the health-check path', request({ httpPath: '/healthz' })],
  ])('lets %s through', (_what, r) => {
    expect(requestRefusal(r)).toBeNull();
  });

  it.each([
    ['CR LF in the Ingress host', { target: target({ host: 'shop.example.com\r\nX-Injected: 1' }) }, /the Ingress host \(Host header\) "shop\.example\.com\\r\\nX-Injected: 1" contains U\+000D \(CR\) at position 16/],
    ['a bare LF', { target: target({ host: 'a\nb' }) }, /U\+000A \(LF\) at position 1/],
    ['NUL', { target: target({ host: 'a\u0000b', tls: true }) }, /Host header and TLS server name.*U\+0000 \(NUL\)/],
    ['DEL', { target: target({ host: 'a\u007fb' }) }, /U\+007F \(DEL\)/],
    ['a C1 control character', { target: target({ host: 'a\u0085b' }) }, /U\+0085 \(a control character\)/],
    // Written as latin1, U+010D would go out as 0x0D (CR).
    ['a character that becomes CR in latin1', { target: target({ host: 'a\u010d\u010aHost: evil' }) }, /U\+010D \(not ASCII\)/],
    ['a space in the host', { target: target({ host: 'a b' }) }, /U\+0020 \(space\)/],
    ['an empty host', { target: target({ host: '' }) }, /the Ingress host \(Host header\) is empty/],
    ['a space in the path', { httpPath: '/ HTTP/1.0\r\n' }, /the request path/],
    ['a path without /', { httpPath: 'healthz' }, /does not start with \//],
    ['CR in a header value', { headers: [['X-Real-IP', '1.2.3.4\r\nX: y']] as [string, string][] }, /the value of header X-Real-IP/],
    ['a header name that is not a token', { headers: [['X Real IP', '1.2.3.4']] as [string, string][] }, /header name "X Real IP" is not an HTTP token/],
  ])('refuses %s, saying what and where', (_what, extra, message) => {
    const refusal = requestRefusal(request(extra));
    expect(refusal?.startsWith(`${REFUSED_BY_HOPSCOPE}: `)).toBe(true);
    expect(refusal).toMatch(message);
    // The message shows the value escaped, so it carries no control character itself.
    expect(refusal).not.toMatch(/[\r\n\u0000]/);
  });

  it('builds the Host header from the address when no host is given', () => {
    expect(hostHeader(target())).toBe('192.0.2.11:80');
    expect(hostHeader(target({ address: '2001:db8::1' }))).toBe('[2001:db8::1]:80');
    expect(hostHeader(target({ host: 'shop.example.com' }))).toBe('shop.example.com');
  });
});
