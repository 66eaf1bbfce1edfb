// Why the client address is lost: the first hop that drops it, and how to carry it on.
import type { Finding } from '@/lib/types';
import { ciliumForwarding, FORWARDING_MODE_ANNOTATION } from '../cilium';
import type { PathPlan } from '../plan';
import type { WhatIf } from '../types';
import { finding, hopIdOf, ref } from './finding';
import { acceptProxyWhatIf, annotate, controllerWhatIf, LOCAL_TRADE_OFF, patchPolicy, serviceWhatIf } from './fixes';

/** Explains a `lost` verdict by the first hop that dropped the client address. */
export function lostFindings(plan: PathPlan): Finding[] {
  const ctx = plan.context;
  const svc = ctx.service;
  const c = ctx.controller;
  const fixes = ctx.controllerModel?.fixes ?? null;
  const behaviour = ctx.behaviour;
  const lbHop = hopIdOf(plan, 'loadBalancer');
  const controllerHop = hopIdOf(plan, 'controller');

  if (behaviour?.mode === 'svclb' && svc) {
    return [
      finding('servicelb-masquerade', {
        hopId: lbHop,
        message: `${ctx.lbAddress ?? 'The address'} of ${ref(svc)} is a node's ExternalIP, taken to be NAT'd in front of the node: the packet arrives for its InternalIP, meets the k3s ServiceLB (svclb) hostPort, and klipper-lb forwards it with MASQUERADE, so the backend sees the svclb pod or node address whatever externalTrafficPolicy says. Assumed: if the address is on the node's own interface, kube-proxy takes it first and externalTrafficPolicy applies.`,
        fix: `k3s server --disable=servicelb   # then install MetalLB and:\n${patchPolicy(svc, 'Local')}`,
        tradeOff: 'Replacing ServiceLB means running MetalLB (or another LB); Local then needs an endpoint on the announcing node.',
      }),
    ];
  }
  if (behaviour?.mode === 'proxy' && !behaviour.proxyProtocol && !behaviour.xForwardedFor && svc && ctx.provider) {
    const pp = ctx.provider.proxyProtocolAnnotations;
    const whatIf: WhatIf[] = pp ? [serviceWhatIf(svc, 'proxyProtocol', 'v2')] : [];
    if (pp && c) whatIf.push(acceptProxyWhatIf(c, ctx.nodeCIDRs));
    return [
      finding('proxy-lb-hides-client', {
        hopId: lbHop,
        message: `${ctx.provider.label} proxies ${ref(svc)}: the next hop sees the LB, and neither PROXY protocol nor X-Forwarded-For carries the client.`,
        fix: pp
          ? [annotate(svc, pp('v2')), c && fixes ? fixes.enableProxyProtocol(c, ctx.nodeCIDRs) : 'and make the backend parse PROXY protocol'].join('\n')
          : 'Use a pass-through load balancer type for this Service.',
        tradeOff: 'PROXY protocol must be enabled on both ends at once; in-cluster clients of the VIP then need ipMode Proxy or the hostname workaround.',
        whatIf,
      }),
    ];
  }
  const controllerArrival = plan.stages.findIndex((s) => s.role === 'controller');
  if (c && fixes && controllerArrival >= 0 && behaviour && (behaviour.xForwardedFor || behaviour.proxyProtocol)) {
    const realIpOn = c.settings.useForwardedHeaders || c.settings.useProxyProtocol || Boolean(c.settings.enableRealIp);
    if (ctx.policy === 'Cluster' && realIpOn && svc) {
      return [
        finding('trusted-proxy-snat-mismatch', {
          hopId: controllerHop,
          message: `${ref(svc)} uses externalTrafficPolicy: Cluster, so ${c.id} sees node ${ctx.node?.name ?? ''} as its TCP peer instead of the LB and refuses the LB's ${behaviour.proxyProtocol ? 'PROXY header' : 'X-Forwarded-For'}.`,
          fix: `${patchPolicy(svc, 'Local')}\nor trust the node range too:\n${fixes.trustOnly(c, ctx.nodeCIDRs)}`,
          tradeOff: `${LOCAL_TRADE_OFF} Trusting the node range instead also trusts anything that can reach the controller from a node.`,
          whatIf: [serviceWhatIf(svc, 'externalTrafficPolicy', 'Local')],
        }),
      ];
    }
    if (behaviour.xForwardedFor && !c.settings.useForwardedHeaders && c.kind === 'ingress-nginx') {
      return [
        finding('xff-ignored-by-controller', {
          hopId: controllerHop,
          message: `${ctx.provider?.label ?? 'The LB'} writes X-Forwarded-For, but ${c.id} ignores incoming forwarded headers and replaces them with its TCP peer (the LB).`,
          fix: fixes.useForwardedHeaders(c, ctx.nodeCIDRs),
          tradeOff: 'Only trust the LB\'s range: with the default proxy-real-ip-cidr 0.0.0.0/0 every client could forge its address.',
          whatIf: [controllerWhatIf(c, 'useForwardedHeaders', true), controllerWhatIf(c, 'trustedCIDRs', ctx.nodeCIDRs)],
        }),
      ];
    }
  }
  // Cilium in place of kube-proxy: its SNAT mode, not kube-proxy, writes the node's address (docs/domain.md#s2.10.2).
  if (ctx.policy === 'Cluster' && svc && ctx.cilium?.info.replacesKubeProxy && plan.stages.some((s) => s.role === 'node')) {
    const { info, protocol } = ctx.cilium;
    const forwarding = ciliumForwarding(info, svc, protocol);
    const byAnnotation = forwarding.setBy.startsWith(FORWARDING_MODE_ANNOTATION);
    const hybridUdp = info.lbMode === 'hybrid' && !byAnnotation;
    const modeFix = byAnnotation
      ? `# ${FORWARDING_MODE_ANNOTATION} is read when the Service is created: recreate it with the annotation at dsr\nkubectl get service -n ${svc.namespace} ${svc.name} -o yaml | sed -e 's|${FORWARDING_MODE_ANNOTATION}: snat|${FORWARDING_MODE_ANNOTATION}: dsr|' > ${svc.name}.yaml\nkubectl replace --force -f ${svc.name}.yaml`
      : hybridUdp
        ? `# hybrid is DSR for TCP only; DSR for UDP too:\nhelm upgrade cilium cilium/cilium -n kube-system --reuse-values --set loadBalancer.mode=dsr   # bpf-lb-mode: dsr in cilium-config`
        : `helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set routingMode=native --set loadBalancer.mode=dsr   # bpf-lb-mode: dsr in cilium-config`;
    return [
      finding('cilium-snat-mode', {
        hopId: hopIdOf(plan, 'node'),
        message: `${ref(svc)} uses externalTrafficPolicy: Cluster and Cilium's eBPF load balancer forwards it with SNAT (${forwarding.setBy}${byAnnotation ? ', bpf-lb-mode-annotation on' : ''}): a request node ${ctx.node?.name ?? ''} sends to a backend on another node carries ${ctx.node?.name ?? 'the node'}'s address; only a backend on the receiving node sees the client.`,
        fix: `${modeFix}\nor keep the mode and:\n${patchPolicy(svc, 'Local')}`,
        tradeOff: `DSR keeps the client under Cluster: backends answer the client directly, so every node must be able to reach it, the dispatch (opt needs native routing; geneve needs the geneve tunnel) costs MTU, and clouds with source/destination checks must have them off. ${LOCAL_TRADE_OFF}`,
        whatIf: [serviceWhatIf(svc, 'externalTrafficPolicy', 'Local')],
      }),
    ];
  }
  if (ctx.policy === 'Cluster' && svc && plan.stages.some((s) => s.role === 'node')) {
    return [
      finding('snat-cluster-policy', {
        hopId: hopIdOf(plan, 'node'),
        message: `${ref(svc)} uses externalTrafficPolicy: Cluster, so node ${ctx.node?.name ?? ''} masquerades the client to its own IP (even when the endpoint is local).`,
        fix: patchPolicy(svc, 'Local'),
        tradeOff: LOCAL_TRADE_OFF,
        whatIf: [serviceWhatIf(svc, 'externalTrafficPolicy', 'Local')],
      }),
    ];
  }
  return [
    finding('client-address-lost', {
      hopId: plan.stages.at(-1)?.hop.id ?? null,
      message: 'Only an infrastructure address reaches the last hop; no header carries the client.',
      fix: null,
    }),
  ];
}
