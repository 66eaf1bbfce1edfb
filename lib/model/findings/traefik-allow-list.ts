// A Traefik ipAllowList (ipWhiteList) checks one address per request (docs/domain.md#s6.2.5): with ipStrategy.depth the
// depth-th X-Forwarded-For entry from the right, with excludedIPs the rightmost entry outside them, else the connection's
// address after the entry point's PROXY handling. Where that address is a node, load balancer or pod on the path, the
// list cannot tell clients apart: it blocks them all or lets them all in.
import type { Finding, PredictedAddress, TraefikAllowList } from '@/lib/types';
import { traefikRequest } from '../controllers/traefik';
import { type Flow, isInfrastructure } from '../flow';
import type { PathPlan, Run } from '../plan';
import { isCatchAll, isTrusted, type TrustContext } from '../trust';
import { finding, hopIdOf } from './finding';

/** The address the list checks for a request arriving as `flow`; null when its strategy finds none (then it rejects). */
export function checkedAddress(flow: Flow, c: Parameters<typeof traefikRequest>[1], list: TraefikAllowList, ctx: TrustContext): PredictedAddress | null {
  const { remote, headersTrusted } = traefikRequest(flow, c, ctx);
  // forwardedHeaders deletes an untrusted sender's X-Forwarded-For before any middleware runs.
  const xff = headersTrusted ? flow.xForwardedFor.map((claim) => claim.address) : [];
  if (list.depth > 0) return xff.length >= list.depth ? xff[xff.length - list.depth]! : null;
  if (list.excludedIPs.length > 0) return [...xff].reverse().find((a) => !isTrusted(a, list.excludedIPs, ctx)) ?? null;
  return remote;
}

const named = (a: PredictedAddress) => `${a.role === 'loadBalancer' ? 'the load balancer' : a.role === 'svclb' ? 'the svclb pod' : `the ${a.role}`}${a.address ? ` ${a.address}` : ''}`;

export function traefikAllowListFindings(plan: PathPlan, honest: Run): Finding[] {
  const ctx = plan.context;
  const c = ctx.controller;
  const lists = ctx.allowLists ?? [];
  const at = plan.stages.findIndex((s) => s.role === 'controller');
  if (!c || c.kind !== 'traefik' || lists.length === 0 || at <= 0 || !ctx.trust) return [];
  if (honest.failure && honest.failure.index <= at) return [];
  const flow = honest.results[at - 1]?.next;
  if (!flow) return [];
  const out: Finding[] = [];
  for (const list of lists) {
    const checked = checkedAddress(flow, c, list, ctx.trust);
    if (checked && !isInfrastructure(checked.role)) continue;
    // An LB's own address is out of sight (docs/domain.md#s6): then either outcome is possible, both broken.
    const unknown = checked !== null && checked.address === null && !isCatchAll(list.sourceRange);
    const lets = checked !== null && !unknown && isTrusted(checked, list.sourceRange, ctx.trust);
    const outcome = unknown
      ? `blocks every client (403), or, if sourceRange covers ${named(checked)}'s own addresses, lets every client in`
      : lets
        ? 'lets every client in'
        : 'blocks every client (403)';
    const what = list.depth > 0 ? `X-Forwarded-For at depth ${list.depth}` : list.excludedIPs.length > 0 ? 'the rightmost X-Forwarded-For entry outside excludedIPs' : 'the connection\'s address';
    const seen = checked ? named(checked) : 'no address (X-Forwarded-For is shorter than the strategy needs), which it rejects';
    // Where the client does arrive in X-Forwarded-For, the depth that picks it.
    const xff = traefikRequest(flow, c, ctx.trust).headersTrusted ? flow.xForwardedFor : [];
    const clientAt = [...xff].reverse().findIndex((claim) => claim.address.role === 'client');
    const fix =
      clientAt >= 0
        ? `Set ipStrategy.depth: ${clientAt + 1} on Middleware ${list.namespace}/${list.name} (spec.${list.field}), so it checks the client's entry of X-Forwarded-For.`
        : `The client address does not reach Traefik's entry point "${c.settings.entryPoint ?? 'web'}" on this path: fix the client-address chain first (the other findings of this path: externalTrafficPolicy Local, PROXY protocol or forwardedHeaders.trustedIPs), then choose ipStrategy to match.`;
    out.push(
      finding('traefik-allow-list-checks-infrastructure', {
        hopId: hopIdOf(plan, 'controller'),
        message: `Middleware ${list.namespace}/${list.name} (${list.field} ${list.sourceRange.join(', ') || '(empty)'}) checks ${what}, which on this path is ${seen}: it ${outcome}.`,
        fix,
        tradeOff: 'ipStrategy.depth trusts X-Forwarded-For: it is only as good as the proxies that write it, and must count exactly the hops in front of Traefik.',
      }),
    );
  }
  return out;
}

