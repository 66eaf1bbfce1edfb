// Reads what an echo server answered into one EchoObservation: the hopscope echo (JSON or text) and the echo
// servers people already run (docs/domain.md#s1): registry.k8s.io/echoserver 1.10 and 1.4, traefik/whoami (text and
// /api JSON), ealen/echo-server and mendhak/http-https-echo.
import { z } from 'zod';
import { ProxyHeaderInfoSchema } from '../contract/schemas';
import type { EchoObservation, ProxyHeaderInfo } from '../types';
import { normalizeIp, parseAddressWithPort } from '../net/ip';
import { headerValues } from './http-head';
import { ECHO_REPORT_KIND, ECHO_TEXT_TITLE } from './report';

/** An observation plus what the reader should know about how far each field can be trusted. */
export interface ParsedEchoObservation extends EchoObservation {
  /** mendhak: the address Express derived from X-Forwarded-For (`ip`); it is a claim, not the TCP peer. */
  derivedClient: string | null;
  notes: string[];
  /** What was cut to the ECHO_LIMITS, one line per kind of cut; empty when nothing was. */
  truncated: string[];
}

/**
 * How much of one answer an observation keeps, so that an echo lookalike answering with huge or countless headers
 * cannot grow traces. Every cut value ends (or, where the right end matters, starts) with a marker.
 */
export const ECHO_LIMITS = {
  /** Characters of one value: a header value, an X-Forwarded-For line, a pod name, a PROXY TLV. */
  valueChars: 1024,
  /** Characters of a header name. */
  nameChars: 128,
  /** Header lines kept, in order; also the number of X-Forwarded-For and Forwarded lines. */
  headerLines: 64,
  /** PROXY v2 TLVs kept. */
  tlvs: 16,
} as const;

/** Cuts values to the limits and remembers what it cut. */
class Cutter {
  private values = 0;
  private readonly dropped = new Map<string, number>();

  /** `value` within `max` characters; `keep: 'tail'` keeps the right end (X-Forwarded-For: the right-most entries count). */
  text(value: string, max: number = ECHO_LIMITS.valueChars, keep: 'head' | 'tail' = 'head'): string {
    if (value.length <= max) return value;
    this.values++;
    const marker = `[${value.length - max} characters cut by hopscope]`;
    return keep === 'head' ? `${value.slice(0, max)}…${marker}` : `${marker}…${value.slice(value.length - max)}`;
  }

  nullable(value: string | null): string | null {
    return value === null ? null : this.text(value);
  }

  /** At most `max` items, the first ones (or the last ones with `keep: 'tail'`). */
  list<T>(items: readonly T[], max: number, what: string, keep: 'head' | 'tail' = 'head'): T[] {
    if (items.length <= max) return [...items];
    this.dropped.set(what, (this.dropped.get(what) ?? 0) + items.length - max);
    return keep === 'head' ? items.slice(0, max) : items.slice(items.length - max);
  }

  report(): string[] {
    const lines = [...this.dropped].map(([what, count]) => `${count} ${what} not kept`);
    if (this.values > 0) lines.unshift(`${this.values} value(s) cut to their limit (${ECHO_LIMITS.valueChars} characters, ${ECHO_LIMITS.nameChars} for header names)`);
    return lines;
  }
}

function cutProxyHeader(proxy: ProxyHeaderInfo | null | undefined, cut: Cutter): ProxyHeaderInfo | null {
  if (!proxy) return null;
  const { tlvs, ...rest } = proxy;
  return {
    ...rest,
    family: cut.text(rest.family, 64),
    src: cut.nullable(rest.src),
    dst: cut.nullable(rest.dst),
    ...(tlvs
      ? { tlvs: cut.list(tlvs, ECHO_LIMITS.tlvs, 'PROXY TLVs past the first 16').map((tlv) => ({ type: tlv.type, name: cut.text(tlv.name, 64), value: cut.text(tlv.value) })) }
      : {}),
  };
}

interface ObservationBase {
  peer: string | null;
  peerPort?: number | null;
  local?: string | null;
  proxyProtocol?: ProxyHeaderInfo | null;
  echoPod?: string | null;
  echoNode?: string | null;
  host?: string | null;
  /** The request target (path and query) as the echo server received it, where its format reports it. */
  path?: string | null;
  derivedClient?: string | null;
  notes?: string[];
}

const nonEmpty = (value: string | null | undefined): string | null => (value ? value : null);

/**
 * The one way an observation is made: the header-derived fields are read from every header line, then everything
 * is cut to ECHO_LIMITS.
 */
function observation(
  format: EchoObservation['format'],
  headers: [string, string][],
  base: ObservationBase,
): ParsedEchoObservation {
  const cut = new Cutter();
  const lines = (name: string) =>
    cut.list(headerValues(headers, name), ECHO_LIMITS.headerLines, `${name} lines before the last ${ECHO_LIMITS.headerLines}`, 'tail').map((v) => cut.text(v, ECHO_LIMITS.valueChars, 'tail'));
  const xForwardedFor = lines('x-forwarded-for');
  const forwarded = lines('forwarded');
  const host = base.host !== undefined ? nonEmpty(base.host) : (headerValues(headers, 'host')[0] ?? null);
  const result = {
    format,
    peer: cut.nullable(base.peer),
    peerPort: base.peerPort ?? null,
    local: cut.nullable(base.local ?? null),
    xForwardedFor,
    xRealIp: cut.nullable(headerValues(headers, 'x-real-ip')[0] ?? null),
    forwarded,
    proxyProtocol: cutProxyHeader(base.proxyProtocol, cut),
    echoPod: cut.nullable(nonEmpty(base.echoPod)),
    echoNode: cut.nullable(nonEmpty(base.echoNode)),
    host: cut.nullable(host),
    headers: cut
      .list(headers, ECHO_LIMITS.headerLines, `header lines past the first ${ECHO_LIMITS.headerLines}`)
      .map(([name, value]): [string, string] => [cut.text(name, ECHO_LIMITS.nameChars), cut.text(value)]),
    path: cut.nullable(nonEmpty(base.path)),
    derivedClient: cut.nullable(base.derivedClient ?? null),
    notes: (base.notes ?? []).map((note) => cut.text(note)),
  };
  return { ...result, truncated: cut.report() };
}

/** "ip:port" / "[ip]:port" / "ip" → address and port; anything else leaves the peer unknown. */
function peerFrom(text: string | null | undefined): { peer: string | null; peerPort: number | null } {
  const parsed = text ? parseAddressWithPort(text) : null;
  return { peer: parsed?.address ?? null, peerPort: parsed?.port ?? null };
}

/** Header objects (name → value or values) as ordered pairs, one pair per value. */
function headerPairs(headers: Record<string, string | string[]>): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
  );
}

// ───────────────────────────── JSON formats ─────────────────────────────

const SocketAddressSchema = z.object({ address: z.string(), port: z.number() });

const HopscopeJson = z.object({
  kind: z.literal(ECHO_REPORT_KIND),
  peer: SocketAddressSchema,
  local: SocketAddressSchema.nullish(),
  proxyProtocol: ProxyHeaderInfoSchema.nullable(),
  host: z.string().nullish(),
  request: z.object({ path: z.string() }).nullish(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  identity: z
    .object({ podName: z.string().nullish(), podNamespace: z.string().nullish(), nodeName: z.string().nullish() })
    .nullish(),
});

// traefik/whoami /api (openapi.yaml `Data`): header values are arrays; Host is not among them but in `host`.
const WhoamiJson = z.object({
  hostname: z.string().optional(),
  ip: z.array(z.string()).optional(),
  headers: z.record(z.string(), z.array(z.string())),
  host: z.string().optional(),
  method: z.string().optional(),
  url: z.string().optional(),
  remoteAddr: z.string().optional(),
});

const StringHeaders = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

// ealen/echo-server: Express without `trust proxy`, so host.ip is the socket peer (often ::ffff:-mapped).
const EalenJson = z.object({
  host: z.object({ hostname: z.string().optional(), ip: z.string(), ips: z.array(z.string()).optional() }),
  http: z.object({ originalUrl: z.string().optional() }).optional(),
  request: z.object({ headers: StringHeaders }),
  environment: z.record(z.string(), z.string()).optional(),
});

// mendhak/http-https-echo: Express with `trust proxy` = loopback, linklocal, uniquelocal.
const MendhakJson = z.object({
  path: z.string(),
  headers: StringHeaders,
  ip: z.string(),
  ips: z.array(z.string()),
  os: z.object({ hostname: z.string().optional() }).optional(),
});

function fromJson(value: unknown): ParsedEchoObservation | null {
  const hopscope = HopscopeJson.safeParse(value);
  if (hopscope.success) {
    const report = hopscope.data;
    return observation('hopscope', report.headers, {
      peer: normalizeIp(report.peer.address),
      peerPort: report.peer.port,
      local: report.local ? normalizeIp(report.local.address) : null,
      proxyProtocol: report.proxyProtocol,
      echoPod: report.identity?.podName,
      echoNode: report.identity?.nodeName,
      host: report.host ?? null,
      path: report.request?.path,
    });
  }
  const ealen = EalenJson.safeParse(value);
  if (ealen.success) {
    const { host, http, request, environment } = ealen.data;
    return observation('ealen', headerPairs(request.headers), {
      peer: normalizeIp(host.ip),
      path: http?.originalUrl,
      echoPod: environment?.HOSTNAME,
      echoNode: environment?.NODE_NAME,
    });
  }
  const mendhak = MendhakJson.safeParse(value);
  if (mendhak.success) {
    const { headers, ip, ips, os } = mendhak.data;
    const address = normalizeIp(ip);
    // proxy-addr: `ips` lists the X-Forwarded-For addresses it walked through; when it is empty, `ip` is the
    // socket address itself, otherwise `ip` came out of X-Forwarded-For and the peer is not reported.
    const derived = ips.length > 0;
    return observation('mendhak', headerPairs(headers), {
      peer: derived ? null : address,
      echoPod: os?.hostname,
      derivedClient: derived ? address : null,
      notes: derived
        ? [
            `mendhak/http-https-echo does not report the TCP peer: its "ip" (${ip}) is derived from X-Forwarded-For ` +
              'because the peer is in its trusted ranges (loopback, link-local, unique-local)',
          ]
        : ['mendhak/http-https-echo: peer read from "ip", which is the socket address because "ips" is empty'],
    });
  }
  const whoami = WhoamiJson.safeParse(value);
  if (whoami.success) {
    const data = whoami.data;
    const headers = headerPairs(data.headers);
    if (data.host) headers.unshift(['Host', data.host]);
    return observation('whoami-json', headers, {
      ...peerFrom(data.remoteAddr),
      path: data.url,
      echoPod: data.hostname,
      notes: data.remoteAddr ? [] : ['traefik/whoami before v1.10.0 does not report remoteAddr in /api'],
    });
  }
  return null;
}

// ───────────────────────────── text formats ─────────────────────────────

/** lua-resty-template `{{ }}` escaping as used by echoserver 1.10 (docs/domain.md#s1.1). */
export function unescapeHtml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (entity, body: string) => {
    if (!body.startsWith('#')) return named[body] ?? entity;
    const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

function textLines(body: string): string[] {
  return body.split('\n').map((line) => line.replace(/\r$/, ''));
}

function splitOnce(text: string, separator: string): [string, string] | null {
  const at = text.indexOf(separator);
  return at < 0 ? null : [text.slice(0, at), text.slice(at + separator.length)];
}

// echoserver 1.10: sections "Pod Information:", "Request Information:", "Request Headers:" with TAB- (or, in
// docs, space-) indented lines; header values HTML-escaped, some builds add trailing spaces (docs/domain.md#s1.1).
// echoserver 1.4: "CLIENT VALUES:", "HEADERS RECEIVED:", "BODY:" with unindented key=value lines.
const ECHOSERVER_SECTIONS = new Set([
  'pod information',
  'server values',
  'request information',
  'request headers',
  'request body',
  'client values',
  'headers received',
  'body',
]);

/** echoserver's request_uri is absolute ("http://host:8080/path?q"): its path and query are the request target. */
function targetOfUri(uri: string | undefined): string | null {
  if (!uri) return null;
  try {
    const url = new URL(uri);
    return `${url.pathname}${url.search}`;
  } catch {
    return null;
  }
}

function fromEchoserver(lines: string[]): ParsedEchoObservation | null {
  let section = '';
  let hostname: string | null = null;
  const values = new Map<string, string>();
  const pod = new Map<string, string>();
  const headers: [string, string][] = [];
  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line === '') continue;
    // "pod IP:<TAB>" with an empty value looks like a section title; only the known titles are.
    if (line.endsWith(':') && ECHOSERVER_SECTIONS.has(line.slice(0, -1).toLowerCase())) {
      section = line.slice(0, -1).toLowerCase();
      continue;
    }
    if (section === '' && line.startsWith('Hostname:')) {
      hostname = line.slice('Hostname:'.length).trim();
    } else if (section === 'pod information') {
      const pair = splitOnce(line, ':');
      if (pair) pod.set(pair[0].trim(), pair[1].trim());
    } else if (section === 'request headers' || section === 'headers received') {
      const pair = splitOnce(line, '=');
      if (pair) headers.push([pair[0], section === 'request headers' ? unescapeHtml(pair[1]) : pair[1]]);
    } else if (section === 'request information' || section === 'client values') {
      const pair = splitOnce(line, '=');
      if (pair) values.set(pair[0], pair[1]);
    }
  }
  const clientAddress = values.get('client_address');
  if (clientAddress === undefined) return null;
  const modern = lines.some((line) => line.trim() === 'Request Information:');
  return observation('echoserver', headers, {
    peer: normalizeIp(clientAddress),
    path: targetOfUri(values.get('request_uri')),
    echoPod: pod.get('pod name') ?? (hostname === 'N/A' ? null : hostname),
    echoNode: pod.get('node name'),
    notes: modern ? [] : ['echoserver 1.4 format (CLIENT VALUES): no pod or node information'],
  });
}

// traefik/whoami text: "Hostname:", "IP:" and "RemoteAddr:" lines, then Go's Request.Write dump (CRLF lines,
// Host first, the rest sorted by canonical name, one line per value).
const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ \S+ HTTP\/[0-9]\.[0-9]$/;

function fromWhoamiText(lines: string[]): ParsedEchoObservation | null {
  const start = lines.findIndex((line) => REQUEST_LINE.test(line));
  if (start < 0) return null;
  const preamble = new Map<string, string>();
  for (const line of lines.slice(0, start)) {
    const pair = splitOnce(line, ': ');
    if (pair && !preamble.has(pair[0])) preamble.set(pair[0], pair[1].trim());
  }
  if (!preamble.has('Hostname') && !preamble.has('RemoteAddr')) return null;
  const headers: [string, string][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === '') break;
    const pair = splitOnce(line, ':');
    if (pair) headers.push([pair[0], pair[1].trim()]);
  }
  return observation('whoami', headers, {
    ...peerFrom(preamble.get('RemoteAddr')),
    path: lines[start]!.split(' ')[1],
    echoPod: preamble.get('Hostname'),
  });
}

function parseProxyLine(text: string): ProxyHeaderInfo | null {
  const match = /^v([12]) (PROXY|LOCAL|UNKNOWN) (\S+)(?: (\S+) -> (\S+))?$/.exec(text);
  if (!match) return null;
  const [, version, command, family, src, dst] = match;
  const endpoint = (value: string | undefined) => {
    if (value === undefined) return { address: null, port: null };
    const parsed = parseAddressWithPort(value);
    return parsed ? { address: parsed.address, port: parsed.port } : { address: value, port: null };
  };
  const source = endpoint(src);
  const destination = endpoint(dst);
  return {
    version: version === '1' ? 1 : 2,
    command: command as ProxyHeaderInfo['command'],
    family: family ?? '',
    src: source.address,
    dst: destination.address,
    srcPort: source.port,
    dstPort: destination.port,
  };
}

// The hopscope echo's own text form (report.ts renderEchoText).
function fromHopscopeText(lines: string[]): ParsedEchoObservation | null {
  const fields = new Map<string, string>();
  let index = 1;
  for (; index < lines.length && lines[index] !== ''; index++) {
    const pair = splitOnce(lines[index]!, ': ');
    if (pair) fields.set(pair[0], pair[1]);
    else fields.set(lines[index]!.replace(/:$/, ''), '');
  }
  const headers: [string, string][] = [];
  if (lines[index + 1] === 'headers:') {
    for (const line of lines.slice(index + 2)) {
      if (line === '') break;
      const pair = splitOnce(line, ': ');
      if (pair) headers.push(pair);
    }
  }
  const peer = peerFrom(fields.get('peer'));
  const local = fields.get('local');
  // "request: GET /path?query HTTP/1.1"
  const requestLine = fields.get('request')?.split(' ') ?? [];
  return observation('hopscope', headers, {
    ...peer,
    path: requestLine.length === 3 ? requestLine[1] : null,
    local: local ? (parseAddressWithPort(local)?.address ?? null) : null,
    proxyProtocol: parseProxyLine(fields.get('proxy-protocol') ?? ''),
    echoPod: fields.get('pod'),
    echoNode: fields.get('node'),
    host: fields.get('host') ?? null,
  });
}

function fromText(body: string): ParsedEchoObservation | null {
  const lines = textLines(body.replace(/^\s*\n/, ''));
  if (lines[0] === ECHO_TEXT_TITLE) return fromHopscopeText(lines);
  if (lines.some((line) => /^\s*client_address=/.test(line))) return fromEchoserver(lines);
  return fromWhoamiText(lines);
}

/**
 * Reads an echo server's answer. `contentType` helps choose between JSON and text; without it the body decides.
 * Returns null when the body is none of the supported formats. Never throws.
 */
export function parseEchoResponse(body: string, contentType?: string | null): ParsedEchoObservation | null {
  const declaredJson = /\bjson\b/i.test(contentType ?? '');
  const trimmed = body.trim();
  if (declaredJson || trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return null;
    }
    return fromJson(value);
  }
  return fromText(body);
}
