// X-Forwarded-For and RFC 7239 Forwarded parsing, and picking the client from them (DOMAIN §9).
import { createCidrMatcher, type CidrMatcher } from '../net/cidr';
import { normalizeIp, parseAddressWithPort } from '../net/ip';

export interface XffEntry {
  /** The entry as sent, trimmed. */
  raw: string;
  /** Normalised IP address, or null when the entry is not an address (garbage, "unknown", a hostname). */
  address: string | null;
  port: number | null;
}

/**
 * Splits X-Forwarded-For header lines into entries. Several lines are one list, concatenated in order
 * (RFC 7230 §3.2.2; DOMAIN §9); entries may carry ports ("192.0.2.1:4711", "[2001:db8::1]:80") or garbage.
 */
export function splitXForwardedFor(lines: readonly string[]): XffEntry[] {
  const entries: XffEntry[] = [];
  for (const line of lines) {
    for (const part of line.split(',')) {
      const raw = part.trim();
      if (raw === '') continue;
      const parsed = parseAddressWithPort(raw);
      entries.push({ raw, address: parsed?.address ?? null, port: parsed?.port ?? null });
    }
  }
  return entries;
}

export type ForwardedNodeKind = 'ip' | 'unknown' | 'obfuscated' | 'invalid';

export interface ForwardedNode {
  raw: string;
  /** RFC 7239 §6: an IP (IPv6 quoted in brackets), "unknown", or an obfuscated "_token". */
  kind: ForwardedNodeKind;
  address: string | null;
  port: number | null;
  /** An obfuscated port ("_abc") as sent. */
  obfuscatedPort: string | null;
}

export interface ForwardedElement {
  for: ForwardedNode | null;
  by: ForwardedNode | null;
  host: string | null;
  proto: string | null;
  /** Other parameters (extensions), by lowercase name. */
  extensions: Record<string, string>;
  /** Pairs that do not follow the grammar, kept for display. */
  errors: string[];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const OBFUSCATED = /^_[A-Za-z0-9._-]+$/;

/** Splits on `separator` outside double-quoted strings (which may contain backslash escapes). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (!quoted && char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** A token, or a quoted-string with its quotes and backslash escapes removed; null when neither. */
function unquote(value: string): string | null {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return TOKEN.test(value) ? value : null;
}

/** RFC 7239 §6 node: nodename [":" node-port]; IPv6 in brackets; ports are 1–5 digits or "_obfuscated". */
export function parseForwardedNode(raw: string): ForwardedNode {
  const node: ForwardedNode = { raw, kind: 'invalid', address: null, port: null, obfuscatedPort: null };
  let name = raw;
  let portText: string | null = null;
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close < 0) return node;
    name = raw.slice(0, close + 1);
    const rest = raw.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return node;
      portText = rest.slice(1);
    }
  } else {
    const colon = raw.indexOf(':');
    if (colon >= 0) {
      name = raw.slice(0, colon);
      portText = raw.slice(colon + 1);
    }
  }
  if (portText !== null) {
    if (OBFUSCATED.test(portText)) node.obfuscatedPort = portText;
    else if (/^[0-9]{1,5}$/.test(portText) && Number(portText) <= 65535) node.port = Number(portText);
    else return node;
  }
  if (name.toLowerCase() === 'unknown') return { ...node, kind: 'unknown' };
  if (OBFUSCATED.test(name)) return { ...node, kind: 'obfuscated' };
  const bracketed = name.startsWith('[') && name.endsWith(']');
  const address = normalizeIp(name);
  // IPv6 must be bracketed, IPv4 must not be (RFC 7239 §6).
  if (!address || bracketed !== name.slice(bracketed ? 1 : 0).includes(':')) return node;
  return { ...node, kind: 'ip', address };
}

/** Parses `Forwarded` header lines into elements, one per proxy, in order (lines concatenate like XFF). */
export function parseForwarded(lines: readonly string[]): ForwardedElement[] {
  const elements: ForwardedElement[] = [];
  for (const line of lines) {
    for (const elementText of splitOutsideQuotes(line, ',')) {
      if (elementText.trim() === '') continue;
      const element: ForwardedElement = { for: null, by: null, host: null, proto: null, extensions: {}, errors: [] };
      for (const pairText of splitOutsideQuotes(elementText, ';')) {
        const pair = pairText.trim();
        if (pair === '') continue;
        const equals = pair.indexOf('=');
        const name = equals > 0 ? pair.slice(0, equals).trim().toLowerCase() : '';
        const value = equals > 0 ? unquote(pair.slice(equals + 1).trim()) : null;
        if (!TOKEN.test(name) || value === null) {
          element.errors.push(pair);
          continue;
        }
        // Parameter names are case-insensitive (RFC 7239 §4).
        if (name === 'for' || name === 'by') element[name] = parseForwardedNode(value);
        else if (name === 'host' || name === 'proto') element[name] = value;
        else element.extensions[name] = value;
      }
      elements.push(element);
    }
  }
  return elements;
}

/**
 * The client as "rightmost untrusted": walk from the right, skip addresses of trusted proxies, take the first
 * one that is not trusted (MDN X-Forwarded-For "Selecting an IP address"; nginx real_ip_recursive). An entry
 * that is not an address stops the walk and is returned, since nothing behind it can be trusted. Returns null
 * when every entry is a trusted proxy. Only meaningful when the socket peer itself is trusted (DOMAIN §9).
 */
export function rightmostUntrusted<T extends { address: string | null }>(
  entries: readonly T[],
  trusted: readonly string[] | CidrMatcher,
): T | null {
  const matcher = 'matches' in trusted ? trusted : createCidrMatcher(trusted);
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.address === null || !matcher.matches(entry.address)) return entry;
  }
  return null;
}

/** Forwarded elements as entries for rightmostUntrusted: the `for` node of each element. */
export function forwardedForEntries(elements: readonly ForwardedElement[]): XffEntry[] {
  return elements.map((element) => ({
    raw: element.for?.raw ?? '',
    address: element.for?.kind === 'ip' ? element.for.address : null,
    port: element.for?.port ?? null,
  }));
}
