// Allow-lists that check a node / LB / proxy address instead of the client (docs/domain.md#s10): which one keeps
// everyone out or lets everyone in, the object and field that holds it, and the change that makes its hop see the
// client. A list whose hop sees the client gets no finding.
import type { AddressRole, Finding } from '@/lib/types';
import { type AllowListCheck, allowListChecks } from '../allow-lists';
import { ALLOWLIST, WHITELIST } from '../allow-lists/ingress-nginx';
import { listContains, rangeText } from '../allow-lists/verdict';
import { renderAddress } from '../flow';
import type { PathPlan, Run } from '../plan';
import type { PredictedAddress, WhatIf } from '../types';
import { finding, ref } from './finding';
import { annotate, LOCAL_TRADE_OFF, patchPolicy, serviceWhatIf } from './fixes';

const KIND_LABEL: Record<AllowListCheck['kind'], string> = {
  'load-balancer-source-ranges': 'loadBalancerSourceRanges',
  'ingress-nginx': 'ingress-nginx source-range list',
  'network-policy': 'NetworkPolicy ipBlock',
};

const objectText = (c: AllowListCheck) => `${c.object.kind} ${c.object.namespace ? `${c.object.namespace}/` : ''}${c.object.name} ${c.field}`;
const rangesText = (c: AllowListCheck) => c.list.ranges.map(rangeText).join(', ');

const ROLE_TEXT: Partial<Record<AddressRole, string>> = { loadBalancer: 'load balancer', ingressController: 'ingress controller pod', svclb: 'svclb pod' };

function seenText(seen: PredictedAddress): string {
  const who = ROLE_TEXT[seen.role] ?? seen.role;
  return seen.address ? `${seen.address} (the ${who})` : `the ${who}'s address`;
}

interface Fix {
  fix: string;
  tradeOff?: string;
  whatIf?: WhatIf[];
}

/** The change that makes the list's hop see the client; for an admits-everyone list also the range to take out. */
function fixFor(plan: PathPlan, c: AllowListCheck): Fix {
  const ctx = plan.context;
  const svc = ctx.service;
  const seen = c.seen;
  const tail = (text: string) => {
    const matching = seen.address ? c.list.ranges.filter((r) => listContains([r], seen.address!)).map(rangeText) : [];
    return c.verdict === 'admits-everyone' && c.list.mode === 'allow' && matching.length > 0 ? `${text}\nthen remove ${matching.join(', ')} from ${c.field}` : text;
  };
  if (c.kind === 'network-policy' && (seen.role === 'ingressController' || seen.role === 'pod')) {
    const controller = ctx.controller;
    const ingress = ctx.ingress;
    const allow = ingress && controller?.kind === 'ingress-nginx'
      ? `kubectl annotate ingress -n ${ingress.namespace} ${ingress.name} --overwrite ${ALLOWLIST}=${c.list.ranges.map((r) => r.cidr).join(',')}`
      : 'filter the client ranges at the proxy that sees the client';
    const ns = controller?.namespace ?? 'the proxy namespace';
    return {
      fix: `${allow}\nand let ${c.object.name} admit the proxy instead of client ranges:\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${ns}}}`,
      tradeOff: 'The client check moves to the proxy, which sees the client only if it trusts what the LB in front passes on.',
    };
  }
  if (seen.role === 'node' && svc && (ctx.policy ?? 'Cluster') === 'Cluster') {
    return { fix: tail(patchPolicy(svc, 'Local')), tradeOff: LOCAL_TRADE_OFF, whatIf: [serviceWhatIf(svc, 'externalTrafficPolicy', 'Local')] };
  }
  if (seen.role === 'loadBalancer' && c.kind === 'ingress-nginx' && svc && ctx.controller && ctx.controllerModel?.fixes) {
    const fixes = ctx.controllerModel.fixes;
    if (ctx.behaviour?.xForwardedFor) return { fix: tail(fixes.useForwardedHeaders(ctx.controller, ctx.nodeCIDRs)) };
    const pp = ctx.provider?.proxyProtocolAnnotations;
    if (pp) {
      return {
        fix: tail(`${annotate(svc, pp('v2'))}\n${fixes.enableProxyProtocol(ctx.controller, ctx.nodeCIDRs)}`),
        tradeOff: 'PROXY protocol must be enabled on both ends at once.',
        whatIf: [serviceWhatIf(svc, 'proxyProtocol', 'v2')],
      };
    }
  }
  if (seen.role === 'loadBalancer') {
    return { fix: tail(`Use a pass-through load balancer for ${svc ? ref(svc) : 'this Service'}, or move the check to an HTTP proxy that reads the client from PROXY protocol or X-Forwarded-For (ingress-nginx ${ALLOWLIST}).`) };
  }
  return { fix: tail(`Make ${plan.stages[c.stageIndex]?.hop.name ?? 'this hop'} see the client: the finding on the hop that rewrites the source says how.`) };
}

/** Move an unread list to where its reader looks: the Service field, or the annotation name an older controller reads. */
function unreadFix(plan: PathPlan, c: AllowListCheck): string | null {
  const cidrs = c.list.ranges.map((r) => r.cidr);
  if (c.object.kind === 'Service') return `kubectl patch service -n ${c.object.namespace} ${c.object.name} -p '${JSON.stringify({ spec: { loadBalancerSourceRanges: cidrs } })}'`;
  if (c.object.kind === 'Ingress' && c.list.mode === 'deny') return `Upgrade ${plan.context.controller?.id ?? 'the controller'} to controller-v1.7.0 or later, which reads ${c.field.replace(/^metadata\.annotations\["|"\]$/g, '')}.`;
  if (c.object.kind === 'Ingress') return `kubectl annotate ingress -n ${c.object.namespace} ${c.object.name} --overwrite ${WHITELIST}=${cidrs.join(',')}`;
  return null;
}

/** How to see whether the cloud LB applies the ranges itself (the only place they can hold behind a proxying LB). */
function checkAtTheLoadBalancer(plan: PathPlan, c: AllowListCheck): string {
  const provider = plan.context.provider;
  const ranges = c.list.ranges.map((r) => r.cidr).join(',');
  if (provider?.id === 'openstack' || provider?.id === 'ovh') {
    return `openstack loadbalancer listener list --loadbalancer <the LB of ${plan.context.lbAddress ?? 'this Service'}>\nopenstack loadbalancer listener show <listener> -c allowed_cidrs   # expect ${ranges}`;
  }
  return `Check that ${provider?.label ?? 'the load balancer'} lists ${ranges} as the allowed sources of its listener (its firewall or ACL), or use a pass-through load balancer so kube-proxy applies the list.`;
}

function checkFinding(plan: PathPlan, c: AllowListCheck): Finding | null {
  const hopId = plan.stages[c.stageIndex]?.hop.id ?? null;
  const allowList = { verdict: c.verdict, object: c.object, field: c.field, ranges: c.list.ranges.map(rangeText), seen: c.seen };
  const what = `${KIND_LABEL[c.kind]} ${objectText(c)} (${c.list.mode} ${rangesText(c)})`;
  if (c.unread) {
    return finding('allow-list-admits-everyone', {
      allowList,
      hopId,
      message: `${what} is applied by no one: ${c.unread}. Every client gets in.`,
      fix: unreadFix(plan, c),
    });
  }
  if (c.verdict === 'checks-client') return null;
  if (c.verdict === 'unknown') {
    const why = c.assumption ?? `it is checked by ${c.enforcedBy ?? 'its hop'} against ${seenText(c.seen)}, which no Kubernetes object names, so hopscope cannot tell whether the list holds it: if it does, every client gets in, if not, nobody does.`;
    return finding('allow-list-address-unknown', {
      allowList,
      hopId,
      message: `${what}: ${why}`,
      fix: c.kind === 'load-balancer-source-ranges' ? checkAtTheLoadBalancer(plan, c) : c.seen.role === 'loadBalancer' && c.seen.address === null ? fixFor(plan, c).fix : null,
    });
  }
  const seen = renderAddress(c.seen) ?? 'an infrastructure address';
  const blocks = c.verdict === 'blocks-everyone';
  const why = c.list.mode === 'allow'
    ? blocks ? `${seen} is not in it, so every client is refused` : `${seen} is in it, so every client is let in`
    : blocks ? `${seen} is in it, so every client is refused` : `${seen} is not in it and no client address ever reaches the check, so the list refuses no one`;
  const { fix, tradeOff, whatIf } = fixFor(plan, c);
  return finding(blocks ? 'allow-list-blocks-everyone' : 'allow-list-admits-everyone', {
    allowList,
    hopId,
    message: `${what} is checked by ${c.enforcedBy ?? 'its hop'} against ${seenText(c.seen)}, the address every client arrives with there: ${why}.`,
    fix,
    tradeOff,
    whatIf,
  });
}

export function allowListFindings(plan: PathPlan, honest: Run): Finding[] {
  return allowListChecks(plan, honest).flatMap((c) => {
    const f = checkFinding(plan, c);
    return f ? [f] : [];
  });
}
