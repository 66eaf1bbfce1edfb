// What the echo answers to a request head, and how an answer goes on the wire: HTTP/1.1, always
// `Connection: close` (one request per connection), never cached. Only the probe path is readable cross-origin.
import { headerValues, type RequestHead } from './http-head';
import { renderEchoText, type EchoReport } from './report';

export interface Reply {
  status: number;
  headers?: [string, string][];
  contentType?: string;
  body: string;
  omitBody?: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

export function serializeReply(reply: Reply): Buffer {
  const body = reply.omitBody ? Buffer.alloc(0) : Buffer.from(reply.body, 'utf8');
  const headers: [string, string][] = [
    ...(reply.contentType ? ([['Content-Type', reply.contentType]] as [string, string][]) : []),
    ['Content-Length', String(reply.omitBody ? Buffer.byteLength(reply.body) : body.length)],
    ['Connection', 'close'],
    ['Cache-Control', 'no-store'],
    ['X-Content-Type-Options', 'nosniff'],
    ...(reply.headers ?? []),
  ];
  const head = [`HTTP/1.1 ${reply.status} ${STATUS_TEXT[reply.status] ?? ''}`, ...headers.map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

const jsonReply = (status: number, value: unknown): Reply => ({
  status,
  contentType: 'application/json',
  body: `${JSON.stringify(value, null, 2)}\n`,
});

export const errorReply = (status: number, code: string, message: string, hint: string | null = null): Reply =>
  jsonReply(status, { error: { code, message, hint } });

/** `?format=` wins; then an Accept that prefers text/plain over JSON; then curl, whose users read it. */
function wantsText(head: RequestHead): boolean {
  const query = head.target.includes('?') ? new URLSearchParams(head.target.slice(head.target.indexOf('?') + 1)) : null;
  const format = query?.get('format');
  if (format === 'text') return true;
  if (format === 'json') return false;
  const accept = headerValues(head.headers, 'accept').join(',').toLowerCase();
  if (accept.includes('application/json')) return false;
  if (accept.includes('text/plain')) return true;
  return headerValues(head.headers, 'user-agent').some((ua) => ua.toLowerCase().startsWith('curl/'));
}

function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}

/**
 * The path outside vantages probe (docs/vantages.md), with the probe's nonce in the query. It is the only path a page
 * on another origin may read, so a browser can run the probes the dashboard planned and nothing else is exposed.
 */
export const PROBE_PATH = '/hopscope-probe';

const ANY_ORIGIN: [string, string] = ['Access-Control-Allow-Origin', '*'];

/**
 * The CORS preflight of the probe path. It allows exactly the spoof test's forged headers, private-network access
 * (Chromium asks before a public page reaches a private address) and is never cached, so each spoof probe's
 * preflight reaches the echo like its request.
 */
const PROBE_PREFLIGHT: Reply = {
  status: 204,
  body: '',
  headers: [
    ANY_ORIGIN,
    ['Access-Control-Allow-Methods', 'GET'],
    ['Access-Control-Allow-Headers', 'X-Forwarded-For, X-Real-IP'],
    ['Access-Control-Allow-Private-Network', 'true'],
    ['Access-Control-Max-Age', '0'],
  ],
};

/** The report is built only for the routes that show it. */
export function routeRequest(head: RequestHead, report: () => EchoReport): Reply {
  const path = pathOf(head.target);
  const omitBody = head.method === 'HEAD';
  if (path === PROBE_PATH) {
    if (head.method === 'OPTIONS') return PROBE_PREFLIGHT;
    // Always JSON: what a probe reads back is parsed, whoever sends it.
    const reply = jsonReply(200, report());
    return { ...reply, headers: [ANY_ORIGIN], omitBody };
  }
  if (path === '/healthz') {
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n', omitBody };
  }
  const built = report();
  const reply: Reply = wantsText(head)
    ? { status: 200, contentType: 'text/plain; charset=utf-8', body: renderEchoText(built) }
    : jsonReply(200, built);
  return { ...reply, omitBody };
}
