// What the echo answers to a request head, and how an answer goes on the wire: HTTP/1.1, always
// `Connection: close` (one request per connection), never cached, readable cross-origin.
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
    // Any page (the hopscope UI included) may read the report from a browser.
    ['Access-Control-Allow-Origin', '*'],
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

/** The report is built only for the routes that show it. */
export function routeRequest(head: RequestHead, report: () => EchoReport): Reply {
  if (head.method === 'OPTIONS') {
    // CORS preflight: allow whatever the page asks for, so a browser can send its own X-Forwarded-For to test spoofing.
    const requested = headerValues(head.headers, 'access-control-request-headers').join(', ');
    return {
      status: 204,
      body: '',
      headers: [
        ['Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS'],
        ['Access-Control-Allow-Headers', requested || '*'],
        ['Access-Control-Max-Age', '600'],
        ['Allow', 'GET, HEAD, POST, OPTIONS'],
      ],
    };
  }
  if (pathOf(head.target) === '/healthz') {
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n', omitBody: head.method === 'HEAD' };
  }
  const built = report();
  const reply: Reply = wantsText(head)
    ? { status: 200, contentType: 'text/plain; charset=utf-8', body: renderEchoText(built) }
    : jsonReply(200, built);
  return { ...reply, omitBody: head.method === 'HEAD' };
}
