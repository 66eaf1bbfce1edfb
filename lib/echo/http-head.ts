// Reads an HTTP/1.x request head from raw bytes, keeping every header line in order with duplicates, which is
// what the echo must show (several X-Forwarded-For lines stay visible, docs/domain.md#s9).

export interface RequestHead {
  method: string;
  /** The request target as sent (origin-form path with query, or absolute-form). */
  target: string;
  httpVersion: string;
  headers: [string, string][];
}

export type HeadParseResult =
  | { kind: 'incomplete' }
  | { kind: 'too-large' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'head'; head: RequestHead; length: number };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/([0-9])\.([0-9])$/;
const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Parses the head once it has fully arrived. `maxBytes` bounds the head (request line + headers); beyond it
 * the answer is "too-large" (HTTP 431, RFC 6585 §5) so a client cannot make the server buffer without end.
 */
export function parseRequestHead(buffer: Buffer, maxBytes: number): HeadParseResult {
  // RFC 9112 §2.2: a server should ignore at least one empty line before the request line.
  let start = 0;
  while (buffer[start] === 0x0d && buffer[start + 1] === 0x0a) start += 2;
  const end = buffer.indexOf(END_OF_HEAD, start);
  if (end < 0) return buffer.length - start > maxBytes ? { kind: 'too-large' } : { kind: 'incomplete' };
  if (end - start > maxBytes) return { kind: 'too-large' };
  const lines = buffer.subarray(start, end).toString('latin1').split('\r\n');
  const requestLine = REQUEST_LINE.exec(lines[0] ?? '');
  if (!requestLine) return { kind: 'invalid', reason: 'not an HTTP/1.x request line' };
  const [, method = '', target = '', major, minor] = requestLine;
  if (major !== '1') return { kind: 'invalid', reason: `unsupported HTTP version ${major}.${minor}` };
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    // Obsolete line folding is refused rather than guessed at (RFC 9112 §5.2).
    if (line.startsWith(' ') || line.startsWith('\t')) return { kind: 'invalid', reason: 'obsolete header line folding' };
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) return { kind: 'invalid', reason: 'malformed header line' };
    headers.push([name, line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }
  return { kind: 'head', head: { method, target, httpVersion: `${major}.${minor}`, headers }, length: end + 4 };
}

/** All values of a header (case-insensitive name), in order. */
export function headerValues(headers: readonly [string, string][], name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter(([key]) => key.toLowerCase() === wanted).map(([, value]) => value);
}
