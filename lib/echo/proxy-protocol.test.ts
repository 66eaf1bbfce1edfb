import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  crc32c,
  encodeProxyV1,
  encodeProxyV2,
  parseProxyHeader,
  PROXY_V2_SIGNATURE,
  toProxyHeaderInfo,
  type ProxyHeader,
  type ProxyParseResult,
} from './proxy-protocol';

// Vectors written from the spec (haproxy doc/proxy-protocol.txt); see testdata/README.md.
function readVectors(): Map<string, Buffer> {
  const text = readFileSync(path.join(import.meta.dirname, 'testdata', 'proxy-protocol-test-vectors.txt'), 'utf8');
  const vectors = new Map<string, Buffer>();
  for (const line of text.split('\n')) {
    const v1 = /^(v1 \S+) : b'(.*)'$/.exec(line);
    if (v1) vectors.set(v1[1]!, Buffer.from(v1[2]!.replace(/\\r/g, '\r').replace(/\\n/g, '\n'), 'latin1'));
    const v2 = /^(v2 \S+ \S+).*: ([0-9a-f]+)$/.exec(line);
    if (v2) vectors.set(v2[1]!, Buffer.from(v2[2]!, 'hex'));
  }
  return vectors;
}

const vectors = readVectors();
const vector = (name: string): Buffer => {
  const bytes = vectors.get(name);
  if (!bytes) throw new Error(`vector ${name} missing from testdata`);
  return bytes;
};

function parsedHeader(result: ProxyParseResult): { header: ProxyHeader; length: number } {
  if (result.kind !== 'header') throw new Error(`expected a header, got ${JSON.stringify(result)}`);
  return result;
}

describe('parseProxyHeader on the spec vectors', () => {
  it('finds all six vectors in the testdata file', () => {
    expect([...vectors.keys()].sort()).toEqual(
      ['v1 TCP4', 'v1 TCP6', 'v1 UNKNOWN', 'v2 LOCAL (health', 'v2 PROXY TCP4', 'v2 PROXY TCP6'].sort(),
    );
  });

  it.each([
    ['v1 TCP4', { version: 1, command: 'PROXY', family: 'TCP4', src: '192.0.2.10', dst: '10.42.0.15', srcPort: 56324, dstPort: 443 }],
    ['v1 TCP6', { version: 1, command: 'PROXY', family: 'TCP6', src: '2001:db8::7', dst: '2001:db8::1', srcPort: 4711, dstPort: 80 }],
    ['v1 UNKNOWN', { version: 1, command: 'UNKNOWN', family: 'UNKNOWN', src: null, dst: null, srcPort: null, dstPort: null }],
    ['v2 PROXY TCP4', { version: 2, command: 'PROXY', family: 'TCP4', src: '192.0.2.10', dst: '10.42.0.15', srcPort: 56324, dstPort: 443 }],
    ['v2 PROXY TCP6', { version: 2, command: 'PROXY', family: 'TCP6', src: '2001:db8::7', dst: '2001:db8::1', srcPort: 4711, dstPort: 80 }],
    ['v2 LOCAL (health', { version: 2, command: 'LOCAL', family: 'UNSPEC', src: null, dst: null, srcPort: null, dstPort: null }],
  ])('%s', (name, expected) => {
    const bytes = vector(name);
    const request = Buffer.from('GET / HTTP/1.1\r\n\r\n');
    const { header, length } = parsedHeader(parseProxyHeader(Buffer.concat([bytes, request])));
    expect(header).toMatchObject({ ...expected, tlvs: [] });
    expect(length).toBe(bytes.length);
  });

  it.each([...vectors.keys()])('%s: every strict prefix asks for more bytes', (name) => {
    const bytes = vector(name);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parseProxyHeader(bytes.subarray(0, cut)).kind, `prefix of ${cut} bytes`).toBe('incomplete');
    }
  });
});

describe('parseProxyHeader detection', () => {
  it.each([
    ['GET / HTTP/1.1\r\n', 'none'],
    ['\x16\x03\x01\x02\x00', 'none'], // TLS ClientHello
    ['P', 'incomplete'],
    ['PRO', 'incomplete'],
    ['POST / HTTP/1.1\r\n', 'none'],
    ['\r\n\r\n\x00', 'incomplete'],
    ['\r\n\r\nX', 'none'],
    ['', 'incomplete'],
  ])('%j → %s', (text, kind) => {
    expect(parseProxyHeader(Buffer.from(text, 'latin1')).kind).toBe(kind);
  });
});

describe('parseProxyHeader v1 strictness (docs/domain.md#s8)', () => {
  it.each([
    ['PROXY TCP4 192.0.2.10 10.42.0.15 56324 443\n', 'bare LF'],
    ['PROXY TCP4 192.0.2.10 10.42.0.15 56324 443\rX', 'CR not followed by LF'],
    ['PROXY  TCP4 192.0.2.10 10.42.0.15 56324 443\r\n', 'unsupported protocol'],
    ['PROXY TCP4 192.0.2.10  10.42.0.15 56324 443\r\n', 'expected 6'],
    ['PROXY TCP4 192.0.2.010 10.42.0.15 56324 443\r\n', 'invalid TCP4 source address'],
    ['PROXY TCP4 192.0.2.10 10.42.0.15 056324 443\r\n', 'invalid source port'],
    ['PROXY TCP4 192.0.2.10 10.42.0.15 56324 65536\r\n', 'invalid destination port'],
    ['PROXY TCP4 2001:db8::7 10.42.0.15 56324 443\r\n', 'invalid TCP4 source address'],
    ['PROXY TCP6 192.0.2.10 2001:db8::1 1 2\r\n', 'invalid TCP6 source address'],
    ['PROXY TCP5 192.0.2.10 10.42.0.15 1 2\r\n', 'unsupported protocol "TCP5"'],
    ['PROXYTCP4 192.0.2.10 10.42.0.15 1 2\r\n', 'single space'],
    ['PROXY TCP4 192.0.2.10 10.42.0.15 1 2 \r\n', 'expected 6'],
    ['PROXY TCP4 192.0.2.10\x00 10.42.0.15 1 2\r\n', 'non-printable'],
    [`PROXY UNKNOWN ${'x'.repeat(120)}\r\n`, 'no CRLF within 107 bytes'],
  ])('%j is malformed (%s)', (text, reason) => {
    const result = parseProxyHeader(Buffer.from(text, 'latin1'));
    expect(result).toMatchObject({ kind: 'malformed', version: 1 });
    expect(result.kind === 'malformed' && result.reason).toContain(reason);
  });

  it('accepts the longest legal line (107 bytes with CRLF) and refuses one byte more', () => {
    const longest = `PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n`;
    expect(longest.length).toBe(104);
    const padded = `PROXY UNKNOWN ${'x'.repeat(107 - 16)}\r\n`;
    expect(padded.length).toBe(107);
    expect(parsedHeader(parseProxyHeader(Buffer.from(padded))).length).toBe(107);
    expect(parseProxyHeader(Buffer.from(`PROXY UNKNOWN ${'x'.repeat(107 - 15)}\r\n`)).kind).toBe('malformed');
    expect(parsedHeader(parseProxyHeader(Buffer.from(longest))).header.src).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
  });

  it('canonicalises TCP6 addresses (RFC 5952)', () => {
    const { header } = parsedHeader(parseProxyHeader(Buffer.from('PROXY TCP6 2001:DB8:0:0::7 ::1 1 2\r\n')));
    expect([header.src, header.dst]).toEqual(['2001:db8::7', '::1']);
  });
});

function v2(verCmd: number, family: number, payload: Buffer): Buffer {
  const fixed = Buffer.from([verCmd, family, 0, 0]);
  fixed.writeUInt16BE(payload.length, 2);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, payload]);
}

const TCP4_BLOCK = Buffer.from('c000020a0a2a000fdc0401bb', 'hex');
const tlv = (type: number, value: Buffer): Buffer => {
  const head = Buffer.from([type, 0, 0]);
  head.writeUInt16BE(value.length, 1);
  return Buffer.concat([head, value]);
};

describe('parseProxyHeader v2 strictness (docs/domain.md#s8)', () => {
  it.each([
    [v2(0x11, 0x11, TCP4_BLOCK), 'version nibble'],
    [v2(0x22, 0x11, TCP4_BLOCK), 'command'],
    [v2(0x21, 0x13, TCP4_BLOCK), 'family'],
    [v2(0x21, 0x41, TCP4_BLOCK), 'family'],
    [v2(0x21, 0x11, TCP4_BLOCK.subarray(0, 11)), 'shorter than the 12-byte TCP4 address block'],
    [v2(0x21, 0x21, TCP4_BLOCK), 'shorter than the 36-byte TCP6 address block'],
    [v2(0x21, 0x11, Buffer.concat([TCP4_BLOCK, Buffer.from([0x01, 0x00])])), 'truncated TLV'],
    [v2(0x21, 0x11, Buffer.concat([TCP4_BLOCK, Buffer.from([0x01, 0x00, 0x05, 0x68])])), 'overruns'],
    [v2(0x21, 0x11, Buffer.concat([TCP4_BLOCK, tlv(0x20, Buffer.from([1, 0, 0]))])), 'SSL TLV shorter'],
    [v2(0x21, 0x11, Buffer.concat([TCP4_BLOCK, tlv(0x03, Buffer.from([1, 2, 3, 4]))])), 'CRC32C'],
  ])('%#: malformed (%s)', (bytes, reason) => {
    const result = parseProxyHeader(bytes);
    expect(result).toMatchObject({ kind: 'malformed', version: 2 });
    expect(result.kind === 'malformed' && result.reason).toContain(reason);
  });

  it('honours len for LOCAL and ignores the address block it carries', () => {
    const bytes = v2(0x20, 0x11, TCP4_BLOCK);
    const { header, length } = parsedHeader(parseProxyHeader(Buffer.concat([bytes, Buffer.from('GET')])));
    expect(length).toBe(28);
    expect(header).toMatchObject({ command: 'LOCAL', family: 'TCP4', src: null, srcPort: null });
  });

  it('waits for the whole declared length', () => {
    const bytes = v2(0x21, 0x11, Buffer.concat([TCP4_BLOCK, tlv(0x04, Buffer.alloc(200))]));
    expect(parseProxyHeader(bytes.subarray(0, bytes.length - 1)).kind).toBe('incomplete');
    expect(parsedHeader(parseProxyHeader(bytes)).length).toBe(bytes.length);
  });

  it('reads UNIX socket paths', () => {
    const block = Buffer.alloc(216);
    block.write('/run/lb.sock', 0);
    block.write('/run/app.sock', 108);
    const { header } = parsedHeader(parseProxyHeader(v2(0x21, 0x31, block)));
    expect(header).toMatchObject({ family: 'UNIX_STREAM', src: '/run/lb.sock', dst: '/run/app.sock', srcPort: null });
  });

  it('accepts PROXY with UNSPEC family (use the real endpoints)', () => {
    const { header } = parsedHeader(parseProxyHeader(v2(0x21, 0x00, Buffer.alloc(0))));
    expect(header).toMatchObject({ command: 'PROXY', family: 'UNSPEC', src: null });
  });

  it('names TLVs, flattens SSL sub-TLVs and checks a correct CRC32C', () => {
    const ssl = Buffer.concat([Buffer.from([0x07, 0, 0, 0, 0]), tlv(0x21, Buffer.from('TLSv1.3')), tlv(0x22, Buffer.from('client.example'))]);
    const body = Buffer.concat([
      TCP4_BLOCK,
      tlv(0x01, Buffer.from('h2')),
      tlv(0x02, Buffer.from('shop.example.com')),
      tlv(0x05, Buffer.from([0xde, 0xad])),
      tlv(0x20, ssl),
      tlv(0xea, Buffer.from('vpce-0123')),
      tlv(0x03, Buffer.alloc(4)),
    ]);
    const withZeroCrc = v2(0x21, 0x11, body);
    withZeroCrc.writeUInt32BE(crc32c(withZeroCrc), withZeroCrc.length - 4);
    const { header } = parsedHeader(parseProxyHeader(withZeroCrc));
    expect(toProxyHeaderInfo(header).tlvs).toEqual([
      { type: 0x01, name: 'ALPN', value: 'h2' },
      { type: 0x02, name: 'AUTHORITY', value: 'shop.example.com' },
      { type: 0x05, name: 'UNIQUE_ID', value: '0xdead' },
      { type: 0x20, name: 'SSL', value: `0x${ssl.toString('hex')}` },
      { type: 0x21, name: 'SSL_VERSION', value: 'TLSv1.3' },
      { type: 0x22, name: 'SSL_CN', value: 'client.example' },
      { type: 0xea, name: 'CUSTOM_0xea', value: 'vpce-0123' },
      { type: 0x03, name: 'CRC32C', value: `0x${withZeroCrc.subarray(-4).toString('hex')}` },
    ]);
  });

  it('computes CRC32C like RFC 3720 (check value of "123456789")', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
  });
});

describe('encoders', () => {
  it.each([
    ['v1 TCP4', encodeProxyV1({ src: '192.0.2.10', dst: '10.42.0.15', srcPort: 56324, dstPort: 443 })],
    ['v1 TCP6', encodeProxyV1({ src: '2001:db8::7', dst: '2001:db8::1', srcPort: 4711, dstPort: 80 })],
    ['v1 UNKNOWN', encodeProxyV1(null)],
    ['v2 PROXY TCP4', encodeProxyV2({ addresses: { src: '192.0.2.10', dst: '10.42.0.15', srcPort: 56324, dstPort: 443 } })],
    ['v2 PROXY TCP6', encodeProxyV2({ addresses: { src: '2001:db8::7', dst: '2001:db8::1', srcPort: 4711, dstPort: 80 } })],
    ['v2 LOCAL (health', encodeProxyV2({ addresses: null })],
  ])('%s produces the spec bytes', (name, encoded) => {
    expect(encoded.toString('hex')).toBe(vector(name).toString('hex'));
  });

  it('round-trips TLVs through the parser', () => {
    const encoded = encodeProxyV2({
      addresses: { src: '203.0.113.10', dst: '198.51.100.50', srcPort: 40000, dstPort: 80 },
      tlvs: [{ type: 0x02, value: 'shop.example.com' }, { type: 0x04, value: new Uint8Array(3) }],
    });
    const { header } = parsedHeader(parseProxyHeader(encoded));
    expect(toProxyHeaderInfo(header)).toEqual({
      version: 2,
      command: 'PROXY',
      family: 'TCP4',
      src: '203.0.113.10',
      dst: '198.51.100.50',
      srcPort: 40000,
      dstPort: 80,
      tlvs: [
        { type: 0x02, name: 'AUTHORITY', value: 'shop.example.com' },
        { type: 0x04, name: 'NOOP', value: '0x000000' },
      ],
    });
  });

  it.each([
    [{ src: '192.0.2.1', dst: '2001:db8::1', srcPort: 1, dstPort: 2 }, /one family/],
    [{ src: 'example.com', dst: '192.0.2.1', srcPort: 1, dstPort: 2 }, /one family/],
    [{ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 70000, dstPort: 2 }, /invalid port/],
  ])('refuses %j', (addresses, message) => {
    expect(() => encodeProxyV1(addresses)).toThrow(message);
    expect(() => encodeProxyV2({ addresses })).toThrow(message);
  });
});
