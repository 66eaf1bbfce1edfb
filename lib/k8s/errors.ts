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
