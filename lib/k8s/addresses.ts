import { isIPv4, isIPv6 } from 'node:net';

// Address ranges as MetalLB writes them in IPAddressPool.spec.addresses and the legacy ConfigMap:
// CIDRs ("198.51.100.0/24") or inclusive ranges ("198.51.100.10-198.51.100.20") (docs/domain.md#s4).

function ipToBigInt(ip: string): bigint | null {
  if (isIPv4(ip)) return ip.split('.').reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n);
  if (!isIPv6(ip)) return null;
  const [head = '', tail = ''] = ip.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  let headGroups = parse(head);
  let tailGroups = ip.includes('::') ? parse(tail) : [];
  const last = (ip.includes('::') ? tailGroups : headGroups).at(-1);
  if (last?.includes('.')) {
    // IPv4-mapped suffix: the dotted quad is the last two groups.
    const v4 = ipToBigInt(last)!;
    const groups = [((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16)];
    if (ip.includes('::')) tailGroups = [...tailGroups.slice(0, -1), ...groups];
    else headGroups = [...headGroups.slice(0, -1), ...groups];
  }
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** Whether `ip` lies in one MetalLB-style address entry (CIDR or a-b range). */
export function addressInRange(ip: string, range: string): boolean {
  const value = ipToBigInt(ip);
  if (value === null) return false;
  const v6 = isIPv6(ip);
  const dash = range.indexOf('-');
  if (dash > 0) {
    const low = ipToBigInt(range.slice(0, dash).trim());
    const high = ipToBigInt(range.slice(dash + 1).trim());
    if (low === null || high === null || isIPv6(range.slice(0, dash).trim()) !== v6) return false;
    return value >= low && value <= high;
  }
  const [base = '', prefixText] = range.split('/');
  const network = ipToBigInt(base);
  if (network === null || isIPv6(base) !== v6) return false;
  const bits = v6 ? 128 : 32;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return false;
  const shift = BigInt(bits - prefix);
  return value >> shift === network >> shift;
}
