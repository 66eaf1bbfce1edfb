// Property tests: the parsers see bytes from the network and bodies from servers we do not control, so they
// must never throw, whatever arrives, and must agree with the encoders.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitXForwardedFor } from './forwarded';
import { parseRequestHead } from './http-head';
import { parseEchoResponse } from './parse';
import { encodeProxyV1, encodeProxyV2, parseProxyHeader, PROXY_V2_SIGNATURE } from './proxy-protocol';

const RUNS = { numRuns: 2_000 };

const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6();
const port = fc.integer({ min: 0, max: 65535 });
const addresses = fc.oneof(
  fc.record({ src: ipv4, dst: ipv4, srcPort: port, dstPort: port }),
  fc.record({ src: ipv6, dst: ipv6, srcPort: port, dstPort: port }),
);

/** Bytes that look like PROXY headers often enough to reach the deep branches. */
const proxyish = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((tail) => Buffer.concat([PROXY_V2_SIGNATURE, tail])),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 260 })).map(
    ([verCmd, family, body]) => {
      const fixed = Buffer.from([verCmd, family, body.length >> 8, body.length & 0xff]);
      return Buffer.concat([PROXY_V2_SIGNATURE, fixed, body]);
    },
  ),
  fc.string({ maxLength: 140 }).map((text) => Buffer.from(`PROXY ${text}`, 'latin1')),
  fc
    .tuple(fc.constantFrom('TCP4', 'TCP6', 'UNKNOWN', 'tcp4', ''), fc.array(fc.string({ maxLength: 40 }), { maxLength: 6 }))
    .map(([protocol, fields]) => Buffer.from(`PROXY ${protocol} ${fields.join(' ')}\r\n`, 'latin1')),
);

describe('PROXY parser fuzz', () => {
  it('never throws and always returns a known kind with a sane length', () => {
    fc.assert(
      fc.property(proxyish, (bytes) => {
        const result = parseProxyHeader(bytes);
        expect(['incomplete', 'none', 'header', 'malformed']).toContain(result.kind);
        if (result.kind === 'header') {
          expect(result.length).toBeGreaterThan(0);
          expect(result.length).toBeLessThanOrEqual(bytes.length);
        }
      }),
      RUNS,
    );
  });

  it('parses whatever the encoders write, followed by any bytes', () => {
    fc.assert(
      fc.property(addresses, fc.boolean(), fc.uint8Array({ maxLength: 64 }), (address, useV2, tail) => {
        const encoded = useV2 ? encodeProxyV2({ addresses: address }) : encodeProxyV1(address);
        const result = parseProxyHeader(Buffer.concat([encoded, tail]));
        expect(result.kind).toBe('header');
        if (result.kind !== 'header') return;
        expect(result.length).toBe(encoded.length);
        expect([result.header.srcPort, result.header.dstPort]).toEqual([address.srcPort, address.dstPort]);
        expect(result.header.version).toBe(useV2 ? 2 : 1);
      }),
      RUNS,
    );
  });

  it('says "incomplete" for every strict prefix of an encoded header', () => {
    fc.assert(
      fc.property(addresses, fc.boolean(), fc.nat(), (address, useV2, cut) => {
        const encoded = useV2 ? encodeProxyV2({ addresses: address }) : encodeProxyV1(address);
        const prefix = encoded.subarray(0, 1 + (cut % (encoded.length - 1)));
        expect(parseProxyHeader(prefix).kind).toBe('incomplete');
      }),
      RUNS,
    );
  });
});

const headerLines = fc.array(fc.tuple(fc.constantFrom('X-Forwarded-For', 'X-Real-IP', 'Forwarded', 'Host', 'x'), fc.string()), {
  maxLength: 6,
});

/** Lines that steer parseEchoResponse into each text format. */
const MARKER_LINES = [
  'Request Information:',
  'Request Headers:',
  'Pod Information:',
  'CLIENT VALUES:',
  'hopscope echo',
  'headers:',
  '',
  'GET / HTTP/1.1',
  'RemoteAddr: [::1]:5',
  'Hostname: x',
];

describe('echo response parser fuzz', () => {
  const jsonish = fc.oneof(
    fc.json(),
    fc.jsonValue().map((value) => JSON.stringify({ kind: 'hopscope-echo', peer: value, headers: value })),
    fc.record({ host: fc.jsonValue(), request: fc.jsonValue(), environment: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    fc.record({ path: fc.string(), headers: fc.jsonValue(), ip: fc.string(), ips: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    fc.record({ headers: fc.dictionary(fc.string(), fc.array(fc.string())), remoteAddr: fc.string() }).map((v) => JSON.stringify(v)),
  );
  const textish = fc.oneof(
    fc.string({ maxLength: 500 }),
    fc.array(fc.oneof(fc.string(), fc.constantFrom(...MARKER_LINES)), { maxLength: 20 }).map((lines) => lines.join('\n')),
    fc.tuple(fc.string(), headerLines).map(([peer, headers]) =>
      ['hopscope echo', `peer: ${peer}`, `proxy-protocol: v2 PROXY ${peer} -> ${peer}`, '', 'headers:', ...headers.map(([k, v]) => `${k}: ${v}`)].join('\n'),
    ),
    fc.tuple(fc.string(), headerLines).map(([address, headers]) =>
      ['Request Information:', `\tclient_address=${address}`, 'Request Headers:', ...headers.map(([k, v]) => `\t${k.toLowerCase()}=${v}`)].join('\n'),
    ),
  );

  it('never throws and returns an observation or null', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, textish), fc.constantFrom(undefined, null, 'application/json', 'text/plain'), (body, contentType) => {
        const observation = parseEchoResponse(body, contentType);
        if (observation === null) return;
        expect(Array.isArray(observation.headers)).toBe(true);
        expect(observation.xForwardedFor.every((line) => typeof line === 'string')).toBe(true);
      }),
      RUNS,
    );
  });

  it('the X-Forwarded-For splitter never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 4 }), (lines) => {
        splitXForwardedFor(lines);
      }),
      RUNS,
    );
  });

  it('the request head reader never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 200 }), (bytes, text) => {
        parseRequestHead(Buffer.from(bytes), 256);
        parseRequestHead(Buffer.from(`GET / HTTP/1.1\r\n${text}\r\n\r\n`, 'latin1'), 256);
      }),
      RUNS,
    );
  });
});
