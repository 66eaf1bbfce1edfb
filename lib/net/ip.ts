// Generic IP address parsing and formatting, without Node built-ins so the UI can use it too.

export type IpFamily = 4 | 6;

export interface ParsedIp {
  family: IpFamily;
  /** Network-order bytes: 4 for IPv4, 16 for IPv6. */
  bytes: Uint8Array;
}

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Strict dotted quad: four decimal octets 0–255 without leading zeros (PROXY v1 rule, docs/domain.md#s8). */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    if (!DECIMAL_OCTET.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

/** Any RFC 4291 textual IPv6 form (compressed, mixed with a trailing IPv4); no brackets, no zone. */
export function parseIPv6(text: string): Uint8Array | null {
  if (text.length < 2 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const pieces = part.split(':');
    const groups: number[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] ?? '';
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (!v4) return null;
        groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else if (HEX_GROUP.test(piece)) {
        groups.push(parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const compressed = halves.length === 2;
  const present = head.length + tail.length;
  if (compressed ? present > 7 : present !== 8) return null;
  const groups = [...head, ...new Array<number>(8 - present).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

export function parseIp(text: string): ParsedIp | null {
  const v4 = parseIPv4(text);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(text);
  if (v6) return { family: 6, bytes: v6 };
  return null;
}

export const isIPv4 = (text: string): boolean => parseIPv4(text) !== null;
export const isIPv6 = (text: string): boolean => parseIPv6(text) !== null;

export function formatIPv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join('.');
}

/** RFC 5952 canonical text: lowercase, no leading zeros, longest run (≥2) of zero groups as "::", mapped IPv4 dotted. */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes.subarray(12, 16))}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function formatIp(ip: ParsedIp): string {
  return ip.family === 4 ? formatIPv4(ip.bytes) : formatIPv6(ip.bytes);
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it carries, else the address unchanged. */
export function unmapIPv4(ip: ParsedIp): ParsedIp {
  if (ip.family !== 6) return ip;
  const mapped = ip.bytes.subarray(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
  return mapped ? { family: 4, bytes: ip.bytes.slice(12, 16) } : ip;
}

/**
 * One canonical text per address, for comparing addresses from different sources: brackets and an IPv6 zone
 * are dropped, IPv4-mapped IPv6 (what Node reports for IPv4 peers on a dual-stack socket) becomes plain IPv4,
 * IPv6 follows RFC 5952. Returns null for anything that is not an IP address.
 */
export function normalizeIp(text: string): string | null {
  let candidate = text.trim();
  if (candidate.startsWith('[') && candidate.endsWith(']')) candidate = candidate.slice(1, -1);
  const zone = candidate.indexOf('%');
  if (zone > 0 && candidate.includes(':')) candidate = candidate.slice(0, zone);
  const parsed = parseIp(candidate);
  return parsed ? formatIp(unmapIPv4(parsed)) : null;
}

const PORT = /^(0|[1-9][0-9]{0,4})$/;

/** A decimal TCP/UDP port 0–65535 without leading zeros, else null. */
export function parsePort(text: string): number | null {
  if (!PORT.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

export interface HostPort {
  /** Normalised address (see normalizeIp). */
  address: string;
  port: number | null;
}

/** "192.0.2.1", "192.0.2.1:80", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:80"; null for anything else. */
export function parseAddressWithPort(text: string): HostPort | null {
  const value = text.trim();
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return null;
    const address = parseIPv6(value.slice(1, close)) ? normalizeIp(value.slice(1, close)) : null;
    const rest = value.slice(close + 1);
    if (!address) return null;
    if (rest === '') return { address, port: null };
    if (!rest.startsWith(':')) return null;
    const port = parsePort(rest.slice(1));
    return port === null ? null : { address, port };
  }
  const whole = normalizeIp(value);
  if (whole) return { address: whole, port: null };
  const colon = value.lastIndexOf(':');
  if (colon < 0 || value.indexOf(':') !== colon) return null;
  const v4 = parseIPv4(value.slice(0, colon));
  const port = parsePort(value.slice(colon + 1));
  return v4 && port !== null ? { address: formatIPv4(v4), port } : null;
}
