import type { DiscoveryError, DiscoveryReason } from '../types';

// Failed Kubernetes calls become named, partial errors (Backstage KubernetesFetcher style): the inventory
// still carries everything that did answer, and each failure says what is missing and what to do.

export interface ResourceCall {
  /** Display name: "ipaddresspools.metallb.io", "configmaps kube-system/kube-proxy". */
  resource: string;
  group: string;
  plural: string;
  verb: 'list' | 'get';
  namespace?: string;
  /** Optional resources (CRDs, well-known ConfigMaps) that may simply not exist: 404 = absent, not an error. */
  optional: boolean;
}

export interface CallContext {
  server: string;
  context: string;
  timeoutMs: number;
}

export type CallFailure = { absent: true } | { absent: false; error: DiscoveryError };

/** Raised by the per-call deadline (see client.ts) so timeouts are told apart from refused connections. */
export class DeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** Raised by the whole-discovery deadline (see discover.ts): every call still under way stops. */
export class DiscoveryDeadlineExceeded extends Error {
  constructor(readonly deadlineMs: number) {
    super(`discovery did not finish within ${deadlineMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** An answer whose body grew past the byte limit; it was abandoned while streaming in (see client.ts). */
export class ResponseTooLarge extends Error {
  constructor(
    readonly limitBytes: number,
    /** Its size as announced by Content-Length, or "more than …" when it was cut while streaming. */
    size: string,
  ) {
    super(`the answer exceeded ${limitBytes} bytes (it is ${size}) and was abandoned`);
    this.name = 'ResponseTooLarge';
  }
}

/**
 * Why a list stopped before its last page: too many pages, too many items, a page over the byte limit, the whole
 * discovery's deadline, or one page's own deadline (HOPSCOPE_K8S_TIMEOUT_MS).
 */
export type TruncatedBy = 'pages' | 'items' | 'bytes' | 'deadline' | 'timeout';

/** A list stopped at one of its bounds after `pages` pages; `kept` holds what those pages had. */
export class ListTruncated<T = unknown> extends Error {
  constructor(
    readonly kept: T[],
    readonly by: TruncatedBy,
    /** The bound: pages, items, bytes, or milliseconds (deadline, timeout). */
    readonly limit: number,
    readonly pages: number,
  ) {
    super(truncatedMessage(kept.length, by, limit, pages));
    this.name = 'ListTruncated';
  }
}

function truncatedMessage(kept: number, by: TruncatedBy, limit: number, pages: number): string {
  const before = `${kept} items of the ${pages} page${pages === 1 ? '' : 's'} before kept`;
  switch (by) {
    case 'pages':
    case 'items':
      return `stopped after ${pages} page${pages === 1 ? '' : 's'} at the bound of ${limit} ${by}; ${kept} items kept`;
    case 'bytes':
      return `page ${pages + 1} exceeded ${limit} bytes and was abandoned; ${before}`;
    case 'deadline':
      return `discovery did not finish within ${limit} ms, during page ${pages + 1}; ${before}`;
    case 'timeout':
      return `no answer within ${limit} ms to page ${pages + 1}; ${before}`;
  }
}

/** The setting that raises each bound (lib/config.ts). */
const BOUND_SETTINGS: Record<TruncatedBy, string> = {
  pages: 'HOPSCOPE_DISCOVERY_MAX_PAGES',
  items: 'HOPSCOPE_DISCOVERY_MAX_ITEMS',
  bytes: 'HOPSCOPE_K8S_MAX_RESPONSE_BYTES',
  deadline: 'HOPSCOPE_DISCOVERY_DEADLINE_MS',
  timeout: 'HOPSCOPE_K8S_TIMEOUT_MS',
};

/** ApiException from @kubernetes/client-node, recognised by shape so this module stays free of the client. */
export function httpStatus(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && 'body' in err ? code : null;
}

/** The Status message the apiserver sent with an error, if any. */
export function statusMessage(err: unknown): string | null {
  const body = (err as { body?: unknown }).body;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The innermost cause's code (ECONNREFUSED, ENOTFOUND, UND_ERR_CONNECT_TIMEOUT, CERT_…) of a fetch failure. */
function causeCode(err: unknown): string | null {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export function isTimeout(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  const code = causeCode(err);
  return name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT';
}

function rbacRule(call: ResourceCall): string {
  const scope = call.namespace ? `a Role in namespace ${call.namespace}` : 'the ClusterRole';
  return `grant ${call.verb} on ${call.group ? `${call.plural}.${call.group}` : call.plural} to the hopscope ServiceAccount (${scope}: apiGroups ["${call.group}"], resources ["${call.plural}"], verbs ["get", "list", "watch"])`;
}

/** Maps one failed call to "absent" (404 on an optional resource) or a named DiscoveryError. */
export function classifyFailure(err: unknown, call: ResourceCall, ctx: CallContext): CallFailure {
  if (call.optional && httpStatus(err) === 404) return { absent: true };
  return { absent: false, error: describeFailure(err, call, ctx) };
}

/** A named DiscoveryError with a hint for one failed call. */
export function describeFailure(err: unknown, call: ResourceCall, ctx: CallContext): DiscoveryError {
  const status = httpStatus(err);
  const where = `${ctx.server} (context ${ctx.context})`;
  if (err instanceof ListTruncated) return describeTruncated(err, call, where);
  if (err instanceof ResponseTooLarge) {
    return { resource: call.resource, status: 200, message: err.message, hint: tooMuchHint(where, 'nothing of it is shown', 'bytes'), reason: 'too-large' };
  }
  if (err instanceof DiscoveryDeadlineExceeded) {
    return { resource: call.resource, status: 0, message: err.message, hint: deadlineHint(where, 'nothing of it is shown'), reason: 'timeout' };
  }
  if (status !== null) {
    const message = statusMessage(err) ?? `HTTP ${status}`;
    const error = (reason: DiscoveryReason, hint: string): DiscoveryError => ({ resource: call.resource, status, message, hint, reason });
    if (status === 401) return error('unauthorized', `the credentials of context ${ctx.context} were rejected by ${ctx.server}: refresh the token or kubeconfig`);
    if (status === 403) return error('forbidden', rbacRule(call));
    if (status === 404) return error('not-found', `${call.resource} is not served by ${where}`);
    if (status >= 500) return error('server-error', `the apiserver at ${where} failed; retry, and check the apiserver and aggregated APIs`);
    return error('invalid', `the apiserver at ${where} rejected the request`);
  }
  if (isTimeout(err)) {
    return {
      resource: call.resource,
      status: 0,
      message: `no answer within ${ctx.timeoutMs} ms`,
      hint: `${where} is slow or unreachable; raise HOPSCOPE_K8S_TIMEOUT_MS if it is just slow`,
      reason: 'timeout',
    };
  }
  const code = causeCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  return {
    resource: call.resource,
    status: 0,
    message: code ? `${detail} (${code})` : detail,
    hint: `check that ${where} is reachable from hopscope and its certificate is trusted`,
    reason: 'unreachable',
  };
}

const tooMuchHint = (where: string, shown: string, by: 'pages' | 'items' | 'bytes') =>
  `${where} answered more than hopscope reads at once (${shown}); an apiserver or proxy that pages forever or sends huge bodies looks like this too; raise ${BOUND_SETTINGS[by]} if the cluster is really this big`;

const deadlineHint = (where: string, shown: string) =>
  `${where} answered too slowly for the whole discovery to finish in time (${shown}); raise ${BOUND_SETTINGS.deadline} if it is just slow or big`;

/**
 * A list cut at a bound after some pages. Its status is that of the page it stopped at: 200 when that page came
 * (too many pages or items, too big), 0 when it did not come in time.
 */
function describeTruncated(err: ListTruncated, call: ResourceCall, where: string): DiscoveryError {
  const shown = err.kept.length > 0 ? 'only what came before is shown' : 'nothing of it is shown';
  const named = (status: number, reason: DiscoveryReason, hint: string): DiscoveryError => ({ resource: call.resource, status, message: err.message, hint, reason });
  switch (err.by) {
    case 'pages':
    case 'items':
      return named(200, 'truncated', tooMuchHint(where, shown, err.by));
    case 'bytes':
      return named(200, 'too-large', tooMuchHint(where, shown, 'bytes'));
    case 'deadline':
      return named(0, 'timeout', deadlineHint(where, shown));
    case 'timeout':
      return named(0, 'timeout', `${where} is slow or unreachable (${shown}); raise ${BOUND_SETTINGS.timeout} if it is just slow`);
  }
}
