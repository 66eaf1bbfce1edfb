// A small, strict PROXY protocol v1/v2 parser and encoder (haproxy doc/proxy-protocol.txt; docs/domain.md#s8).
// The parser is streaming-safe: give it whatever prefix of the connection has arrived and it says whether it
// needs more bytes, found no PROXY header, found a malformed one, or parsed one and how many bytes it used.
import type { ProxyHeaderInfo } from '../types';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, parsePort } from '../net/ip';

export const PROXY_V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** v1: the whole line including CRLF is at most 107 bytes (spec §2.1). */
export const PROXY_V1_MAX_LENGTH = 107;
const V1_PREFIX = Buffer.from('PROXY', 'latin1');

/** v1 protocol names, and v2 family+transport under the same naming (TCP4 = v2 0x11, …). */
export type ProxyFamily = 'TCP4' | 'TCP6' | 'UDP4' | 'UDP6' | 'UNIX_STREAM' | 'UNIX_DGRAM' | 'UNSPEC' | 'UNKNOWN';

export interface ProxyTlv {
  type: number;
  name: string;
  value: Buffer;
}

export interface ProxyHeader {
  version: 1 | 2;
  /** LOCAL (v2 health checks) and v1 UNKNOWN mean: use the real connection endpoints. */
  command: ProxyHeaderInfo['command'];
  family: ProxyFamily;
  /** Canonical IP text, or a UNIX socket path; null when the header carries no address. */
  src: string | null;
  dst: string | null;
  srcPort: number | null;
  dstPort: number | null;
  tlvs: ProxyTlv[];
}

export type ProxyParseResult =
  | { kind: 'incomplete' }
  | { kind: 'none' }
  | { kind: 'header'; header: ProxyHeader; length: number }
  | { kind: 'malformed'; version: 1 | 2; reason: string };

const INCOMPLETE: ProxyParseResult = { kind: 'incomplete' };
const NONE: ProxyParseResult = { kind: 'none' };
const malformed = (version: 1 | 2, reason: string): ProxyParseResult => ({ kind: 'malformed', version, reason });

/** True while `data` is still a possible start of `prefix` (or starts with it). */
function matchesPrefix(data: Uint8Array, prefix: Buffer): boolean {
  const length = Math.min(data.length, prefix.length);
  for (let i = 0; i < length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

/**
 * Detects and parses a PROXY header at the start of a connection (spec §2 detection: the v2 signature, else
 * "PROXY", else no header). Never throws.
 */
export function parseProxyHeader(data: Uint8Array): ProxyParseResult {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buffer.length === 0) return INCOMPLETE;
  if (matchesPrefix(buffer, PROXY_V2_SIGNATURE)) {
    return buffer.length < PROXY_V2_SIGNATURE.length ? INCOMPLETE : parseV2(buffer);
  }
  if (matchesPrefix(buffer, V1_PREFIX)) {
    return buffer.length < V1_PREFIX.length ? INCOMPLETE : parseV1(buffer);
  }
  return NONE;
}

// ───────────────────────────── v1 ─────────────────────────────

// "PROXY TCP4|TCP6|UNKNOWN <src> <dst> <sport> <dport>\r\n", single spaces, ≤107 bytes with CRLF (spec §2.1).
function parseV1(buffer: Buffer): ProxyParseResult {
  const window = buffer.subarray(0, PROXY_V1_MAX_LENGTH);
  let end = -1;
  for (let i = 0; i < window.length; i++) {
    const byte = window[i]!;
    if (byte === 0x0d) {
      if (i + 1 >= window.length) break;
      if (window[i + 1] !== 0x0a) return malformed(1, 'CR not followed by LF');
      end = i;
      break;
    }
    if (byte === 0x0a) return malformed(1, 'line ends in a bare LF, not CRLF');
    if (byte < 0x20 || byte > 0x7e) return malformed(1, 'non-printable byte in the header line');
  }
  if (end < 0) {
    return buffer.length >= PROXY_V1_MAX_LENGTH ? malformed(1, 'no CRLF within 107 bytes') : INCOMPLETE;
  }
  const length = end + 2;
  const fields = window.subarray(0, end).toString('latin1').split(' ');
  if (fields[0] !== 'PROXY') return malformed(1, 'PROXY must be followed by a single space');
  const protocol = fields[1];
  // "PROXY UNKNOWN" may carry anything up to CRLF; the receiver ignores it and uses the real endpoints.
  if (protocol === 'UNKNOWN') {
    return { kind: 'header', length, header: emptyHeader(1, 'UNKNOWN', 'UNKNOWN') };
  }
  if (protocol !== 'TCP4' && protocol !== 'TCP6') return malformed(1, `unsupported protocol "${protocol ?? ''}"`);
  if (fields.length !== 6) return malformed(1, `expected 6 single-space separated fields, got ${fields.length}`);
  const [, , srcText = '', dstText = '', srcPortText = '', dstPortText = ''] = fields;
  const parseAddress = protocol === 'TCP4' ? parseIPv4 : parseIPv6;
  const format = protocol === 'TCP4' ? formatIPv4 : formatIPv6;
  const src = parseAddress(srcText);
  const dst = parseAddress(dstText);
  if (!src) return malformed(1, `invalid ${protocol} source address "${srcText}"`);
  if (!dst) return malformed(1, `invalid ${protocol} destination address "${dstText}"`);
  const srcPort = parsePort(srcPortText);
  const dstPort = parsePort(dstPortText);
  if (srcPort === null) return malformed(1, `invalid source port "${srcPortText}"`);
  if (dstPort === null) return malformed(1, `invalid destination port "${dstPortText}"`);
  return {
    kind: 'header',
    length,
    header: {
      version: 1,
      command: 'PROXY',
      family: protocol,
      src: format(src),
      dst: format(dst),
      srcPort,
      dstPort,
      tlvs: [],
    },
  };
}

// ───────────────────────────── v2 ─────────────────────────────

const V2_FAMILIES: Record<number, ProxyFamily> = {
  0x00: 'UNSPEC',
  0x11: 'TCP4',
  0x12: 'UDP4',
  0x21: 'TCP6',
  0x22: 'UDP6',
  0x31: 'UNIX_STREAM',
  0x32: 'UNIX_DGRAM',
};

/** Address block sizes per address family nibble (spec §2.2: INET 12, INET6 36, UNIX 216 bytes). */
const ADDRESS_BLOCK_LENGTH: Record<number, number> = { 0x0: 0, 0x1: 12, 0x2: 36, 0x3: 216 };

/** Registered TLV types (spec §2.2.1–2.2.8); 0xE0–0xEF are for custom use (AWS puts its VPC endpoint id there). */
const TLV_NAMES: Record<number, string> = {
  0x01: 'ALPN',
  0x02: 'AUTHORITY',
  0x03: 'CRC32C',
  0x04: 'NOOP',
  0x05: 'UNIQUE_ID',
  0x20: 'SSL',
  0x21: 'SSL_VERSION',
  0x22: 'SSL_CN',
  0x23: 'SSL_CIPHER',
  0x24: 'SSL_SIG_ALG',
  0x25: 'SSL_KEY_ALG',
  0x30: 'NETNS',
};

export function tlvName(type: number): string {
  const hex = type.toString(16).padStart(2, '0');
  return TLV_NAMES[type] ?? (type >= 0xe0 && type <= 0xef ? `CUSTOM_0x${hex}` : `0x${hex}`);
}

function parseV2(buffer: Buffer): ProxyParseResult {
  if (buffer.length < 16) return INCOMPLETE;
  const verCmd = buffer[12]!;
  // Only version 2 exists; only LOCAL (0) and PROXY (1) commands; anything else must be dropped (spec §2.2).
  if (verCmd >> 4 !== 0x2) return malformed(2, `unsupported version nibble 0x${(verCmd >> 4).toString(16)}`);
  const commandBits = verCmd & 0x0f;
  if (commandBits > 1) return malformed(2, `unsupported command 0x${commandBits.toString(16)}`);
  const familyByte = buffer[13]!;
  const family = V2_FAMILIES[familyByte];
  if (!family) {
    return malformed(2, `unsupported address family/transport byte 0x${familyByte.toString(16).padStart(2, '0')}`);
  }
  const payloadLength = buffer.readUInt16BE(14);
  const length = 16 + payloadLength;
  // Always honour len, even for LOCAL, so the application data that follows is not misread.
  if (buffer.length < length) return INCOMPLETE;
  const payload = buffer.subarray(16, length);
  const command = commandBits === 0 ? 'LOCAL' : 'PROXY';
  if (command === 'LOCAL') {
    // The receiver discards the address block and uses the real endpoints (spec §2.2, LOCAL).
    return { kind: 'header', length, header: emptyHeader(2, 'LOCAL', family) };
  }
  const addressLength = ADDRESS_BLOCK_LENGTH[familyByte >> 4] ?? 0;
  if (payload.length < addressLength) {
    return malformed(2, `len ${payloadLength} is shorter than the ${addressLength}-byte ${family} address block`);
  }
  const header: ProxyHeader = { ...emptyHeader(2, 'PROXY', family), ...readAddresses(familyByte >> 4, payload) };
  const tlvs = readTlvs(payload.subarray(addressLength));
  if (typeof tlvs === 'string') return malformed(2, tlvs);
  const crc = tlvs.find((tlv) => tlv.type === 0x03);
  if (crc && !checksumMatches(buffer.subarray(0, length), crc)) return malformed(2, 'CRC32C TLV does not match the header');
  header.tlvs = tlvs;
  return { kind: 'header', length, header };
}

function emptyHeader(version: 1 | 2, command: ProxyHeader['command'], family: ProxyFamily): ProxyHeader {
  return { version, command, family, src: null, dst: null, srcPort: null, dstPort: null, tlvs: [] };
}

function readAddresses(addressFamily: number, payload: Buffer): Partial<ProxyHeader> {
  switch (addressFamily) {
    case 0x1:
      return {
        src: formatIPv4(payload.subarray(0, 4)),
        dst: formatIPv4(payload.subarray(4, 8)),
        srcPort: payload.readUInt16BE(8),
        dstPort: payload.readUInt16BE(10),
      };
    case 0x2:
      return {
        src: formatIPv6(payload.subarray(0, 16)),
        dst: formatIPv6(payload.subarray(16, 32)),
        srcPort: payload.readUInt16BE(32),
        dstPort: payload.readUInt16BE(34),
      };
    case 0x3:
      return { src: unixPath(payload.subarray(0, 108)), dst: unixPath(payload.subarray(108, 216)) };
    default:
      return {};
  }
}

function unixPath(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.subarray(0, nul < 0 ? bytes.length : nul).toString('utf8');
}

/** type(1) length(2, BE) value; the SSL TLV nests sub-TLVs after client(1) + verify(4) (spec §2.2.5). */
function readTlvs(block: Buffer): ProxyTlv[] | string {
  const tlvs: ProxyTlv[] = [];
  let offset = 0;
  while (offset < block.length) {
    if (block.length - offset < 3) return `truncated TLV header at offset ${offset}`;
    const type = block[offset]!;
    const valueLength = block.readUInt16BE(offset + 1);
    const end = offset + 3 + valueLength;
    if (end > block.length) return `TLV ${tlvName(type)} overruns the header (${valueLength} bytes declared)`;
    const value = block.subarray(offset + 3, end);
    tlvs.push({ type, name: tlvName(type), value });
    if (type === 0x20) {
      if (value.length < 5) return 'SSL TLV shorter than its 5-byte client/verify fields';
      const nested = readTlvs(value.subarray(5));
      if (typeof nested === 'string') return `in SSL TLV: ${nested}`;
      tlvs.push(...nested);
    }
    offset = end;
  }
  return tlvs;
}

// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), computed over the whole header with the CRC field zeroed.
let crcTable: Uint32Array | null = null;

export function crc32c(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksumMatches(header: Buffer, tlv: ProxyTlv): boolean {
  if (tlv.value.length !== 4) return false;
  const copy = Buffer.from(header);
  const valueOffset = tlv.value.byteOffset - header.byteOffset;
  copy.fill(0, valueOffset, valueOffset + 4);
  return crc32c(copy) === tlv.value.readUInt32BE(0);
}

// ───────────────────────────── encoders ─────────────────────────────

export interface ProxyAddresses {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
}

function familyOf(addresses: ProxyAddresses): 4 | 6 {
  const srcIs4 = parseIPv4(addresses.src) !== null;
  const dstIs4 = parseIPv4(addresses.dst) !== null;
  const srcIs6 = !srcIs4 && parseIPv6(addresses.src) !== null;
  const dstIs6 = !dstIs4 && parseIPv6(addresses.dst) !== null;
  if (srcIs4 && dstIs4) return 4;
  if (srcIs6 && dstIs6) return 6;
  throw new RangeError(`PROXY header needs two addresses of one family, got "${addresses.src}" and "${addresses.dst}"`);
}

function checkPorts(addresses: ProxyAddresses): void {
  for (const port of [addresses.srcPort, addresses.dstPort]) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`invalid port ${port}`);
  }
}

/** `PROXY TCP4|TCP6 src dst sport dport\r\n`, or `PROXY UNKNOWN\r\n` when `addresses` is null. */
export function encodeProxyV1(addresses: ProxyAddresses | null): Buffer {
  if (!addresses) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  checkPorts(addresses);
  const family = familyOf(addresses);
  const format = family === 4 ? (t: string) => formatIPv4(parseIPv4(t)!) : (t: string) => formatIPv6(parseIPv6(t)!);
  const fields = [`TCP${family}`, format(addresses.src), format(addresses.dst), addresses.srcPort, addresses.dstPort];
  return Buffer.from(`PROXY ${fields.join(' ')}\r\n`, 'latin1');
}

export interface ProxyV2Options {
  /** LOCAL (a health check from the proxy itself) when null. */
  addresses: ProxyAddresses | null;
  tlvs?: { type: number; value: Uint8Array | string }[];
}

/** Binary v2 header over TCP (STREAM); LOCAL carries family UNSPEC and no address block. */
export function encodeProxyV2({ addresses, tlvs = [] }: ProxyV2Options): Buffer {
  let familyByte = 0x00;
  let addressBlock = Buffer.alloc(0);
  if (addresses) {
    checkPorts(addresses);
    const family = familyOf(addresses);
    const parse = family === 4 ? parseIPv4 : parseIPv6;
    familyByte = family === 4 ? 0x11 : 0x21;
    const ports = Buffer.alloc(4);
    ports.writeUInt16BE(addresses.srcPort, 0);
    ports.writeUInt16BE(addresses.dstPort, 2);
    addressBlock = Buffer.concat([parse(addresses.src)!, parse(addresses.dst)!, ports]);
  }
  const tlvBlock = Buffer.concat(
    tlvs.map(({ type, value }) => {
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
      const head = Buffer.alloc(3);
      head[0] = type;
      head.writeUInt16BE(bytes.length, 1);
      return Buffer.concat([head, bytes]);
    }),
  );
  const fixed = Buffer.alloc(4);
  fixed[0] = addresses ? 0x21 : 0x20;
  fixed[1] = familyByte;
  const payloadLength = addressBlock.length + tlvBlock.length;
  if (payloadLength > 0xffff) throw new RangeError('PROXY v2 payload exceeds 65535 bytes');
  fixed.writeUInt16BE(payloadLength, 2);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, addressBlock, tlvBlock]);
}

// ───────────────────────────── public view ─────────────────────────────

/** TLV values as text when they are printable ASCII, else as "0x…" hex. */
function tlvText(value: Buffer): string {
  const printable = value.length > 0 && value.every((b) => b >= 0x20 && b <= 0x7e);
  return printable ? value.toString('latin1') : `0x${value.toString('hex')}`;
}

/** The serialisable form used in echo reports and observations (lib/types ProxyHeaderInfo). */
export function toProxyHeaderInfo(header: ProxyHeader): ProxyHeaderInfo {
  return {
    version: header.version,
    command: header.command,
    family: header.family,
    src: header.src,
    dst: header.dst,
    srcPort: header.srcPort,
    dstPort: header.dstPort,
    tlvs: header.tlvs.map((tlv) => ({ type: tlv.type, name: tlv.name, value: tlvText(tlv.value) })),
  };
}
