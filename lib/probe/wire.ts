// What may go into a probe's request line and headers. Values come from cluster objects (an Ingress host becomes
// the Host header and the TLS server name), so a CR or LF in one would let whoever wrote the object add headers or
// a whole second request. Hopscope refuses such a probe and sends nothing; the probe is recorded with the reason.
// Only visible ASCII is allowed: the request is written as latin1, where U+010D would become a bare CR.
import type { ProbeTarget } from '@/lib/types';

/** The start of the error of every probe hopscope refused to send. */
export const REFUSED_BY_HOPSCOPE = 'refused by hopscope, nothing was sent';

/** Characters allowed in the Host header, the TLS server name and the request path: visible ASCII, no space. */
const VISIBLE = /^[\x21-\x7e]$/;
/** Characters allowed in a header value: visible ASCII and space. */
const HEADER_VALUE = /^[\x20-\x7e]$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const NAMES: Record<number, string> = { 0x00: 'NUL', 0x09: 'TAB', 0x0a: 'LF', 0x0d: 'CR', 0x20: 'space', 0x7f: 'DEL' };

function describe(code: number): string {
  const name = NAMES[code] ?? (code < 0x20 || (code >= 0x80 && code < 0xa0) ? 'a control character' : 'not ASCII');
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} (${name})`;
}

/** The value as JSON, at most 120 characters, so an error message can show it safely. */
const shown = (value: string) => JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);

function check(value: string, allowed: RegExp, what: string, mayBeEmpty = false): string | null {
  if (value === '' && !mayBeEmpty) return `${REFUSED_BY_HOPSCOPE}: ${what} is empty`;
  const chars = [...value];
  const index = chars.findIndex((c) => !allowed.test(c));
  if (index < 0) return null;
  return `${REFUSED_BY_HOPSCOPE}: ${what} ${shown(value)} contains ${describe(chars[index]!.codePointAt(0)!)} at position ${index}`;
}

/** The Host header a probe sends: the Ingress host, else the address and port it connects to. */
export function hostHeader(target: ProbeTarget): string {
  return target.host ?? (target.address.includes(':') ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`);
}

/**
 * Null when the request can be written as is; otherwise the error to record instead of sending it. Checks the Host
 * header (and TLS server name), the request path, and every extra header.
 */
export function requestRefusal(request: { target: ProbeTarget; httpPath: string; headers: readonly [string, string][] }): string | null {
  const { target } = request;
  const hostWhat = target.host != null ? `the Ingress host (Host header${target.tls ? ' and TLS server name' : ''})` : 'the Host header';
  const problems = [
    check(hostHeader(target), VISIBLE, hostWhat),
    request.httpPath.startsWith('/') ? check(request.httpPath, VISIBLE, 'the request path') : `${REFUSED_BY_HOPSCOPE}: the request path ${shown(request.httpPath)} does not start with /`,
    ...request.headers.flatMap(([name, value]) => [
      TOKEN.test(name) ? null : `${REFUSED_BY_HOPSCOPE}: the header name ${shown(name)} is not an HTTP token`,
      check(value, HEADER_VALUE, `the value of header ${name}`, true),
    ]),
  ];
  return problems.find((p) => p !== null) ?? null;
}
