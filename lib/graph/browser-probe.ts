// The browser as an outside vantage (docs/vantages.md): which planned probes a page may send, what it sends, and how
// what came back (or did not) becomes an OutsideReport. A browser tells far less than a socket: DNS failures,
// refused connections, CORS and private-network refusals all surface as one TypeError, so every one of them is
// reported as `not-sent` with that said, never as a failure of the cluster; only a timeout and an HTTP answer are the
// cluster's. An answer without CORS (a controller's own 400) is told apart by asking again without CORS: it is an
// HTTP answer that is not the echo's. Pure functions, and a sender that takes `fetch` as an argument so it is tested without a browser.
import { probeRefusal } from '@/lib/cli/plan';
import { MAX_PROBE_PAGE_ORIGINS } from '@/lib/http/guard';
import { REFUSED_BY_HOPSCOPE } from '@/lib/probe/wire';
import { fitBody, MAX_REPORT_BODY_JSON_BYTES } from '@/lib/probe/outside-reports';
import { Limiter } from '@/lib/snapshot/limiter';
import type { OutsidePlan, OutsideProbe, OutsideReport, ProbeOutcome } from '@/lib/types';

/** One probe from fetch to last byte; the agent's default (lib/cli/args.ts), so both outside vantages wait as long. */
export const BROWSER_PROBE_TIMEOUT_MS = 3_000;
/** Chromium opens at most six HTTP/1.1 connections per host: more at once would only queue inside the timeout. */
export const BROWSER_CONCURRENCY = 6;
/** More than any echo report; the rest of a bigger answer is counted, not kept. */
export const MAX_BODY_BYTES = 256 * 1024;
const MAX_ERROR_CHARS = 1024;

/** What a page is told when fetch rejects: the browser hides which of these it was. */
export const BROWSER_REFUSED = 'the browser refused or could not connect (DNS, connection, CORS or private-network access)';

const encoder = new TextEncoder();

/** The origin a probe's URL fetches from, or null when the URL is not http(s). */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** The distinct origins a plan's probes fetch from, sorted: what the probe page's connect-src must allow. */
export function planOrigins(probes: readonly OutsideProbe[]): string[] {
  return [...new Set(probes.map((p) => originOf(p.url)).filter((o): o is string => o !== null))].sort();
}

/**
 * Origins in groups whose joined length stays within `maxChars`, so that each group's probe page keeps its address
 * (and its CSP header) small; a trace of many nodes gets several pages, one after the other.
 */
export function originGroups(origins: readonly string[], maxChars = 3_000, maxCount = MAX_PROBE_PAGE_ORIGINS): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const origin of origins) {
    if (current.length > 0 && (length + origin.length + 1 > maxChars || current.length >= maxCount)) {
      groups.push(current);
      current = [];
      length = 0;
    }
    current.push(origin);
    length += origin.length + 1;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * The probes one probe page sends: those of a browser plan whose origin its address names. Null when the address
 * names an origin the plan does not fetch from (its CSP would then allow more than the plan), or the plan is not
 * a browser's.
 */
export function probePageProbes(plan: OutsidePlan, connect: readonly string[]): OutsideProbe[] | null {
  if (plan.vantage.kind !== 'browser') return null;
  const planned = new Set(planOrigins(plan.probes));
  if (connect.length === 0 || connect.some((o) => !planned.has(o))) return null;
  const allowed = new Set(connect);
  return plan.probes.filter((p) => allowed.has(originOf(p.url) ?? ''));
}

/** The page that sends one group's probes: its CSP lets it connect to exactly these origins (lib/http/guard.ts). */
export function probePageHref(traceId: string, origins: readonly string[], apiQuery = ''): string {
  const params = new URLSearchParams(apiQuery.startsWith('?') ? apiQuery.slice(1) : apiQuery);
  for (const origin of origins) params.append('connect', origin);
  return `/probe/${encodeURIComponent(traceId)}?${params.toString()}`;
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : 80);
const bare = (host: string) => host.toLowerCase().replace(/^\[(.*)\]$/, '$1');

/**
 * Mixed content: a page on https may not fetch http (W3C Mixed Content, "a priori authenticated" URLs excepted:
 * loopback addresses and localhost names, which a browser treats as secure).
 */
export function isMixedContent(pageProtocol: string, url: URL): boolean {
  if (pageProtocol !== 'https:' || url.protocol !== 'http:') return false;
  const host = bare(url.hostname);
  const loopback = host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
  return !loopback;
}

/**
 * Null when this page may send the probe as planned, else why it sends nothing. On top of what the agent checks
 * (lib/cli/plan.ts: the request is well-formed, headers only on the spoof test), the URL must go to the probe's own
 * target, because the browser cannot be told where to connect, only what to fetch; and a browser cannot write the
 * PROXY header such a target expects from its load balancer (a request without it would be refused, which says
 * nothing about the path).
 */
export function browserRefusal(probe: OutsideProbe, pageProtocol: string): string | null {
  const planned = probeRefusal(probe);
  if (planned) return planned;
  const url = new URL(probe.url);
  const { target } = probe;
  const port = url.port === '' ? defaultPort(url.protocol) : Number(url.port);
  if (bare(url.hostname) !== bare(target.host ?? target.address) || port !== target.port) {
    return `${REFUSED_BY_HOPSCOPE}: the plan's URL does not go to its target ${target.host ?? target.address}:${target.port}`;
  }
  if (`${url.pathname}${url.search}` !== probe.httpPath) return `${REFUSED_BY_HOPSCOPE}: the plan's URL does not carry the probe's request path`;
  if (target.proxyProtocol) {
    return `not sent: this target expects a PROXY protocol ${target.proxyProtocol} header from its load balancer, which a browser cannot write`;
  }
  if (isMixedContent(pageProtocol, url)) {
    return `not sent: mixed content: this page is served over https and the target is http, which the browser blocks (open the dashboard over http, e.g. through kubectl port-forward, or probe with npx hopscope probe)`;
  }
  return null;
}

/** Said beside a failed fetch of an Ingress URL: the browser's own DNS resolves its host, hopscope cannot. */
export function ingressHint(probe: OutsideProbe): string | null {
  const { host, address, tls } = probe.target;
  if (!host || bare(host) === bare(address)) return null;
  return `does ${host} resolve to ${address} from this browser?${tls ? ' And does the browser accept its certificate?' : ''}`;
}

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
  /** Body bytes received, also past what `body` kept. */
  bytes: number;
  durationMs: number;
  /** The body stopped early (timeout, reset): the head came, so the status stands. */
  cutOff?: string;
}

const base = (probe: OutsideProbe) => ({ probeId: probe.id, nonce: probe.nonce });
const errorText = (text: string) => text.slice(0, MAX_ERROR_CHARS);

/** The report of an HTTP answer: its status decides ok or http-error, as for the agent. */
export function answerReport(probe: OutsideProbe, answer: Answer): OutsideReport {
  const body = fitBody(answer.body, MAX_REPORT_BODY_JSON_BYTES);
  const kept = encoder.encode(body).byteLength;
  const cuts = [
    answer.bytes > MAX_BODY_BYTES ? `the browser read ${MAX_BODY_BYTES} of ${answer.bytes} body bytes` : null,
    body.length < answer.body.length ? `body cut to ${kept} bytes to fit the report` : null,
  ].filter((c): c is string => c !== null);
  const outcome: ProbeOutcome = answer.status >= 200 && answer.status < 300 ? 'ok' : 'http-error';
  return {
    ...base(probe),
    outcome,
    status: answer.status,
    durationMs: Math.max(0, Math.round(answer.durationMs)),
    body,
    contentType: answer.contentType,
    error: answer.cutOff ? errorText(`the answer was cut off: ${answer.cutOff}`) : null,
    localAddress: null,
    bytes: answer.bytes,
    ...(cuts.length > 0 ? { truncated: cuts.join('; ') } : {}),
  };
}

/** A report without an answer. */
export function failureReport(probe: OutsideProbe, outcome: ProbeOutcome, error: string, durationMs: number, status: number | null = null): OutsideReport {
  return { ...base(probe), outcome, status, durationMs: Math.max(0, Math.round(durationMs)), body: null, contentType: null, error: errorText(error), localAddress: null, bytes: 0 };
}

/**
 * What a rejected fetch means. The timeout is ours (AbortSignal.timeout) and is the cluster's doing, like the drop of a
 * `Local` node without endpoints (docs/lab.md#row-9); a cancel is the user's. Everything else the browser reports as
 * one TypeError whatever the cause, so it is `not-sent`: it can neither confirm nor contradict a verdict.
 */
export function rejectionReport(probe: OutsideProbe, error: unknown, durationMs: number, timeoutMs: number): OutsideReport {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
  if (name === 'TimeoutError') return failureReport(probe, 'timeout', `no complete answer within ${timeoutMs} ms`, durationMs);
  if (name === 'AbortError') return failureReport(probe, 'not-sent', 'not sent: probing was cancelled in this browser before an answer came', durationMs);
  const hint = ingressHint(probe);
  return failureReport(probe, 'not-sent', `${BROWSER_REFUSED}${hint ? `: ${hint}` : ''}`, durationMs);
}

export interface BrowserSender {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** The probe page's own protocol (location.protocol). */
  pageProtocol: string;
  timeoutMs?: number;
  /** Aborts every probe still in flight (the user's Cancel). */
  signal?: AbortSignal;
  now?: () => number;
}

/** Reads at most MAX_BODY_BYTES of the body and counts the rest; a failure mid-body keeps what came. */
async function readBody(response: Response): Promise<{ text: string; bytes: number; cutOff?: string }> {
  if (!response.body) return { text: '', bytes: 0 };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let bytes = 0;
  let cutOff: string | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (kept < MAX_BODY_BYTES) {
        const part = value.subarray(0, MAX_BODY_BYTES - kept);
        chunks.push(part);
        kept += part.byteLength;
      }
    }
  } catch (error) {
    cutOff = error instanceof Error && error.name === 'TimeoutError' ? 'the timeout passed while the body came' : String(error instanceof Error ? error.message : error);
  }
  const all = new Uint8Array(kept);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(all), bytes, ...(cutOff ? { cutOff } : {}) };
}

/** What every request of a probe page is: a GET that carries no cookies, no referrer and nothing from a cache. */
const PROBE_FETCH = { method: 'GET', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' } as const satisfies RequestInit;

/**
 * Sends one planned probe from this page: a CORS GET of the plan's URL, with the spoof test's forged headers (the
 * echo's preflight allows them), no cookies, no referrer, no redirect followed. Never throws.
 */
export async function sendBrowserProbe(probe: OutsideProbe, sender: BrowserSender): Promise<OutsideReport> {
  const refusal = browserRefusal(probe, sender.pageProtocol);
  if (refusal) return failureReport(probe, 'not-sent', refusal, 0);
  const now = sender.now ?? (() => performance.now());
  const timeoutMs = sender.timeoutMs ?? BROWSER_PROBE_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = sender.signal ? AbortSignal.any([timeout, sender.signal]) : timeout;
  const headers = new Headers({ Accept: 'application/json' });
  for (const [name, value] of probe.headers) headers.append(name, value);
  const started = now();
  let response: Response;
  try {
    response = await sender.fetch(probe.url, { ...PROBE_FETCH, mode: 'cors', redirect: 'manual', headers, signal });
  } catch (error) {
    // A cancel and our timeout both abort the signal; the signal says which it was.
    const reason: unknown = timeout.aborted ? timeout.reason : sender.signal?.aborted ? sender.signal.reason : error;
    if (timeout.aborted || sender.signal?.aborted) return rejectionReport(probe, reason ?? error, now() - started, timeoutMs);
    return (await opaqueAnswer(probe, sender, signal, now, started)) ?? rejectionReport(probe, reason ?? error, now() - started, timeoutMs);
  }
  if (response.type === 'opaqueredirect') {
    // Chromium hides a redirect's status and target from a page; an echo never redirects (ingress-nginx does, to https).
    return failureReport(probe, 'http-error', 'the answer was a redirect, whose status and target a browser does not show', now() - started);
  }
  const body = await readBody(response);
  return answerReport(probe, {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: body.text,
    bytes: body.bytes,
    durationMs: now() - started,
    ...(body.cutOff ? { cutOff: body.cutOff } : {}),
  });
}

/** Said of an answer the browser may not read: it came, but not from the echo, which always answers its probe path with CORS. */
export const OPAQUE_ANSWER =
  'an HTTP answer came without the echo\'s CORS headers, so it is not the echo\'s (an ingress controller\'s or load balancer\'s own answer); the browser shows neither its status nor its body';

/**
 * After a CORS fetch was rejected: the same request without CORS (and without forged headers, which such a request
 * may not carry). An opaque answer means a server answered over HTTP but not as the echo does, so the request did not
 * reach the echo: an HTTP error whose status this browser cannot see, as curl would see a 400 or 502. A second
 * rejection leaves the first report standing (DNS, connection, private-network access: not sent). Null then.
 */
async function opaqueAnswer(probe: OutsideProbe, sender: BrowserSender, signal: AbortSignal, now: () => number, started: number): Promise<OutsideReport | null> {
  try {
    // A no-cors fetch must follow redirects (Chromium rejects 'manual' there); the page's CSP still keeps it to the
    // plan's origins, and nothing of an opaque answer is read.
    const response = await sender.fetch(probe.url, { ...PROBE_FETCH, mode: 'no-cors', redirect: 'follow', signal });
    if (response.type !== 'opaque' && response.type !== 'opaqueredirect') return null;
    return failureReport(probe, 'http-error', OPAQUE_ANSWER, now() - started);
  } catch {
    return null;
  }
}

/** Sends every probe (at most BROWSER_CONCURRENCY at once) and keeps the plan's order; `onReport` sees each as it lands. */
export function sendBrowserProbes(probes: readonly OutsideProbe[], sender: BrowserSender, onReport?: (report: OutsideReport) => void): Promise<OutsideReport[]> {
  const limiter = new Limiter(BROWSER_CONCURRENCY);
  return limiter.map(probes, async (probe) => {
    const report = await sendBrowserProbe(probe, sender);
    onReport?.(report);
    return report;
  });
}
