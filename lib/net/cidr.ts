// CIDR parsing and matching for IPv4 and IPv6 (trusted-proxy lists such as nginx proxy-real-ip-cidr).
import { formatIp, parseIp, unmapIPv4, type IpFamily, type ParsedIp } from './ip';

export interface Cidr {
  family: IpFamily;
  /** Network bytes with the host bits cleared. */
  network: Uint8Array;
  prefixLength: number;
}

function maskBytes(bytes: Uint8Array, prefixLength: number): Uint8Array {
  const masked = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bitsInByte = Math.max(0, Math.min(8, prefixLength - i * 8));
    masked[i] = (bytes[i] ?? 0) & ((0xff << (8 - bitsInByte)) & 0xff);
  }
  return masked;
}

/**
 * "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128). Host bits are cleared, as nginx
 * `set_real_ip_from` does. An IPv4-mapped IPv6 network (::ffff:0:0/96 and longer) is read as the IPv4 network.
 */
export function parseCidr(text: string): Cidr | null {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || addressText === undefined) return null;
  const parsed = parseIp(addressText);
  if (!parsed) return null;
  const maxLength = parsed.family === 4 ? 32 : 128;
  let prefixLength = maxLength;
  if (prefixText !== undefined) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return null;
    prefixLength = Number(prefixText);
    if (prefixLength > maxLength) return null;
  }
  const unmapped = unmapIPv4(parsed);
  if (unmapped.family === 4 && parsed.family === 6 && prefixLength >= 96) {
    return { family: 4, network: maskBytes(unmapped.bytes, prefixLength - 96), prefixLength: prefixLength - 96 };
  }
  return { family: parsed.family, network: maskBytes(parsed.bytes, prefixLength), prefixLength };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ family: cidr.family, bytes: cidr.network })}/${cidr.prefixLength}`;
}

function containsParsed(cidr: Cidr, ip: ParsedIp): boolean {
  const address = unmapIPv4(ip);
  if (address.family !== cidr.family) return false;
  const masked = maskBytes(address.bytes, cidr.prefixLength);
  return masked.every((byte, i) => byte === cidr.network[i]);
}

/** Whether `address` lies in `cidr`; IPv4-mapped IPv6 addresses match IPv4 networks. False for non-addresses. */
export function cidrContains(cidr: Cidr | string, address: string): boolean {
  const network = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const ip = parseIp(address.trim());
  return network !== null && ip !== null && containsParsed(network, ip);
}

/**
 * The first address after the network address ("10.244.1.1" for 10.244.1.0/24): where host-local IPAM puts a pod
 * subnet's gateway by default (docs/domain.md#s2.9). Null for a CIDR without such an address (/31, /32, /127, /128).
 */
export function firstHostAddress(cidr: Cidr | string): string | null {
  const network = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  if (!network || network.prefixLength >= network.network.length * 8 - 1) return null;
  const bytes = new Uint8Array(network.network);
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = (bytes[i]! + 1) & 0xff;
    if (bytes[i] !== 0) break;
  }
  return formatIp({ family: network.family, bytes });
}

/**
 * The network address itself ("10.244.1.0" for 10.244.1.0/24): flannel's VXLAN backend puts it on flannel.1 as a /32
 * (docs/domain.md#s2.12), so no pod has it. Null for a host route (/32, /128) or an unparsable CIDR.
 */
export function networkAddress(cidr: Cidr | string): string | null {
  const network = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  if (!network || network.prefixLength >= network.network.length * 8) return null;
  return formatIp({ family: network.family, bytes: new Uint8Array(network.network) });
}

export interface CidrMatcher {
  matches(address: string): boolean;
  /** Entries that are not CIDRs or addresses: shown to the user rather than silently trusted or dropped. */
  invalid: string[];
}

/** Compiles a CIDR list once for repeated matching. */
export function createCidrMatcher(cidrs: readonly string[]): CidrMatcher {
  const networks: Cidr[] = [];
  const invalid: string[] = [];
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (cidr) networks.push(cidr);
    else invalid.push(text);
  }
  return {
    matches(address) {
      const ip = parseIp(address.trim());
      return ip !== null && networks.some((network) => containsParsed(network, ip));
    },
    invalid,
  };
}
