// Findings: why a path ends with its verdict and the concrete change that fixes it. Every code the model emits
// is listed in FINDING_CODES (stable, part of the public API); `diagnose` is the only place that creates findings.
import type { Finding, IngressControllerInfo, ServiceInfo, Severity, Verdict } from '@/lib/types';
import type { ControllerModel } from './controllers';
import type { PathPlan, Run, Stage } from './plan';
import { formatWhatIf } from './whatif';
import type { WhatIf } from './types';

export { FINDING_CODES, type FindingCode } from '@/lib/contract/finding-codes';
import { FINDING_CODES, type FindingCode } from '@/lib/contract/finding-codes';

interface FindingInput {
  message: string;
  fix: string | null;
  tradeOff?: string | null;
  whatIf?: WhatIf[];
  hopId?: string | null;
  severity?: Severity;
}

export function finding(code: FindingCode, input: FindingInput): Finding {
  return {
    severity: input.severity ?? FINDING_CODES[code].severity,
    code,
    message: input.message,
    fix: input.fix,
    tradeOff: input.tradeOff ?? null,
    whatIf: input.whatIf && input.whatIf.length > 0 ? input.whatIf.map(formatWhatIf).join(',') : null,
    hopId: input.hopId ?? null,
  };
}

const ref = (s: ServiceInfo) => `${s.namespace}/${s.name}`;
const patchPolicy = (s: ServiceInfo, policy: 'Local' | 'Cluster') =>
  `kubectl patch service -n ${s.namespace} ${s.name} -p '{"spec":{"externalTrafficPolicy":"${policy}"}}'`;
const policyWhatIf = (s: ServiceInfo, value: 'Local' | 'Cluster'): WhatIf => ({
  target: 'service',
  namespace: s.namespace,
  name: s.name,
  setting: 'externalTrafficPolicy',
  value,
});
const annotate = (s: ServiceInfo, annotations: Record<string, string | null>) =>
  `kubectl annotate service -n ${s.namespace} ${s.name} --overwrite ` +
  Object.entries(annotations)
    .map(([k, v]) => (v === null ? `${k}-` : `${k}=${v}`))
    .join(' ');
const LOCAL_TRADE_OFF =
  'Local sends traffic only to nodes with a ready endpoint: spread follows the pods, not the nodes, and nodes without ' +
  'endpoints fail the LB health check on healthCheckNodePort (NodePort clients hitting them time out).';

const hopIdOf = (plan: PathPlan, role: Stage['role']) => plan.stages.find((s) => s.role === role)?.hop.id ?? null;

function controllerTarget(c: IngressControllerInfo, setting: 'useProxyProtocol' | 'useForwardedHeaders', value: boolean): WhatIf {
  return { target: 'controller', id: c.id, setting, value };
}

/** The what-if that makes a controller accept PROXY from the LB, in its own terms. */
function acceptProxyWhatIf(c: IngressControllerInfo, cidrs: string[]): WhatIf {
  return c.kind === 'traefik'
    ? { target: 'controller', id: c.id, setting: 'proxyProtocolTrustedCIDRs', value: cidrs }
    : controllerTarget(c, 'useProxyProtocol', true);
}

function failureFindings(plan: PathPlan, run: Run): Finding[] {
  if (!run.failure) return [];
  const { index, failure } = run.failure;
  const hopId = plan.stages[index]?.hop.id ?? null;
  const ctx = plan.context;
  const svc = ctx.service;
  const c = ctx.controller;
  const fixes = ctx.controllerModel?.fixes ?? null;
  switch (failure.kind) {
    case 'no-controller':
      return [];
    case 'not-announced':
      return [
        finding('lb-address-not-announced', {
          hopId,
          message: `No node announces ${ctx.lbAddress ?? 'the address'}${svc?.loadBalancerPool ? ` (pool ${svc.loadBalancerPool} has no advertisement)` : ''}, so packets to it go nowhere.`,
          fix: svc?.loadBalancerPool
            ? `kubectl apply -f - <<EOF\napiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: ${svc.loadBalancerPool}\n  namespace: metallb-system\nspec:\n  ipAddressPools: [${svc.loadBalancerPool}]\nEOF`
            : null,
          tradeOff: 'Layer 2 sends all traffic for the address through one node; BGP needs a router that peers with the nodes.',
        }),
      ];
    case 'local-drop': {
      const node = ctx.node?.name ?? 'this node';
      const l2 = ctx.provider?.id === 'metallb' && svc?.announcingNode === ctx.node?.name;
      return [
        finding('local-no-endpoint', {
          hopId,
          message: `${node} has no ready endpoint of ${svc ? ref(svc) : 'the Service'}; externalTrafficPolicy: Local drops the packets there, so clients time out.`,
          fix: l2 && svc
            ? `kubectl get servicel2statuses -n metallb-system -l metallb.io/service-name=${svc.name},metallb.io/service-namespace=${svc.namespace}  # the announcing node must run an endpoint; check L2Advertisement nodeSelectors`
            : svc
              ? `Send clients only to nodes that run an endpoint (an LB health check on healthCheckNodePort ${svc.healthCheckNodePort ?? '(LoadBalancer only)'} does this), or run the backend on every node (DaemonSet).`
              : null,
          tradeOff: 'Switching to Cluster makes every node answer but masquerades the client to the node IP.',
          whatIf: svc ? [policyWhatIf(svc, 'Cluster')] : [],
        }),
      ];
    }
    case 'no-endpoints': {
      const target = ctx.backend ?? svc;
      return [
        finding('no-ready-endpoints', {
          hopId,
          message: `${target ? ref(target) : 'The Service'} has no ready endpoint, so nothing answers on this path.`,
          fix: target ? `kubectl get endpointslices -n ${target.namespace} -l kubernetes.io/service-name=${target.name} -o wide` : null,
        }),
      ];
    }
    case 'proxy-protocol-not-expected': {
      const lbCidrs = ctx.nodeCIDRs;
      const undo = svc && ctx.provider?.proxyProtocolAnnotations ? annotate(svc, ctx.provider.proxyProtocolAnnotations('off')) : null;
      return [
        finding('proxy-protocol-not-expected', {
          hopId,
          message: `${ctx.provider?.label ?? 'The load balancer'} sends a PROXY protocol preamble, but ${c ? `${c.kind} (${c.id})` : 'the receiver'} does not expect one: ${failure.message}.`,
          fix: c && fixes ? fixes.enableProxyProtocol(c, lbCidrs) + (undo ? `\nor stop sending it: ${undo}` : '') : undo,
          tradeOff:
            'With PROXY protocol on, every client must come through the LB: in-cluster clients of the VIP and direct NodePort clients fail unless ipMode Proxy or the hostname workaround is used.',
          whatIf: c ? [acceptProxyWhatIf(c, lbCidrs)] : svc ? [{ target: 'service', namespace: svc.namespace, name: svc.name, setting: 'proxyProtocol', value: 'off' }] : [],
        }),
      ];
    }
    case 'proxy-protocol-not-sent': {
      const direct = plan.entry.kind !== 'loadBalancer' && plan.stages.every((s) => s.role !== 'loadBalancer');
      const sender = svc && ctx.provider?.proxyProtocolAnnotations ? annotate(svc, ctx.provider.proxyProtocolAnnotations('v2')) : null;
      return [
        finding('proxy-protocol-not-sent', {
          hopId,
          severity: direct ? 'info' : 'error',
          message: direct
            ? `${c ? c.id : 'The receiver'} expects PROXY protocol, so clients connecting without the load balancer (like this ${plan.entry.kind} path) are cut off — expected when only the LB may connect.`
            : `${c ? c.id : 'The receiver'} expects PROXY protocol but ${ctx.provider?.label ?? 'nothing in front'} does not send it: ${failure.message}.`,
          fix: sender ?? (c && fixes ? fixes.disableProxyProtocol(c) : null),
          tradeOff: direct ? 'Keep NodePorts closed to clients; only the LB should reach them.' : null,
          whatIf: !direct && svc && ctx.provider?.proxyProtocolAnnotations
            ? [{ target: 'service', namespace: svc.namespace, name: svc.name, setting: 'proxyProtocol', value: 'v2' }]
            : c
              ? [controllerTarget(c, 'useProxyProtocol', false)]
              : [],
        }),
      ];
    }
  }
}

function spoofFindings(plan: PathPlan, forged: Run): Finding[] {
  const index = forged.arrivals.findIndex((a) => a?.believed.role === 'attacker');
  if (index < 0) return [];
  const stage = plan.stages[index]!;
  const c = plan.context.controller;
  const model: ControllerModel | undefined = plan.context.controllerModel;
  if (stage.role === 'controller' && c && model?.trustsEveryone(c)) {
    const cidrs = plan.context.nodeCIDRs;
    return [
      finding('forwarded-headers-trust-all', {
        hopId: stage.hop.id,
        message: `${c.id} takes the client address from X-Forwarded-For or a PROXY header sent by any address (proxy-real-ip-cidr / trustedIPs covers everything), so a client that sends "X-Forwarded-For: <any IP>" becomes that IP.`,
        fix: model.fixes
          ? [
              model.fixes.trustOnly(c, cidrs),
              ...(plan.context.behaviour?.xForwardedFor ? [] : ['or, as nothing in front writes X-Forwarded-For:', model.fixes.ignoreForwardedHeaders(c)]),
            ].join('\n')
          : null,
        tradeOff:
          'List every proxy in front (the LB\'s source range, and the node range while Cluster policy masquerades). If nothing in front writes X-Forwarded-For, set use-forwarded-headers: "false" instead.',
        whatIf: [{ target: 'controller', id: c.id, setting: 'trustedCIDRs', value: cidrs }],
      }),
    ];
  }
  const header = forged.arrivals[index]?.xRealIp?.role === 'attacker' ? 'X-Real-IP' : 'X-Forwarded-For';
  const peer = forged.arrivals[index]?.peer;
  const svc = plan.context.service;
  if (stage.role === 'controller' && c && peer?.role === 'node' && plan.context.policy === 'Cluster' && svc) {
    return [
      finding('forwarded-headers-trust-nodes', {
        hopId: stage.hop.id,
        message: `${c.id} trusts X-Forwarded-For from node addresses, and ${ref(svc)} uses externalTrafficPolicy: Cluster, so a client that connects to a NodePort directly arrives from a node address and chooses its own client address.`,
        fix: patchPolicy(svc, 'Local'),
        tradeOff: `${LOCAL_TRADE_OFF} Alternatively keep NodePorts unreachable from outside (firewall) so only the LB can connect.`,
        whatIf: [policyWhatIf(svc, 'Local')],
      }),
    ];
  }
  return [
    finding('forged-header-passed', {
      hopId: stage.hop.id,
      message: `A client-supplied ${header} passes the hops in front of ${stage.hop.name} unchanged and is taken as the client: the load balancer does not overwrite it and ${c ? c.id : 'the next proxy'} keeps it from a trusted peer.`,
      fix:
        c?.kind === 'traefik'
          ? `Drop the client's header before the app reads it (Traefik Middleware on the route):\napiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata:\n  name: drop-x-real-ip\nspec:\n  headers:\n    customRequestHeaders:\n      X-Real-Ip: ""`
          : 'Make the first trusted proxy overwrite X-Real-IP, and have the app take the right-most untrusted X-Forwarded-For entry.',
      tradeOff: 'Apps must then read the right-most X-Forwarded-For entry written by the load balancer.',
    }),
  ];
}

/** Explains a `lost` verdict by the first hop that dropped the client address. */
function lostFindings(plan: PathPlan): Finding[] {
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
        message: `k3s ServiceLB (svclb) forwards ${ref(svc)} with MASQUERADE, so the backend sees the svclb pod or node address whatever externalTrafficPolicy says.`,
        fix: `k3s server --disable=servicelb   # then install MetalLB and:\n${patchPolicy(svc, 'Local')}`,
        tradeOff: 'Replacing ServiceLB means running MetalLB (or another LB); Local then needs an endpoint on the announcing node.',
      }),
    ];
  }
  if (behaviour?.mode === 'proxy' && !behaviour.proxyProtocol && !behaviour.xForwardedFor && svc && ctx.provider) {
    const pp = ctx.provider.proxyProtocolAnnotations;
    const whatIf: WhatIf[] = pp ? [{ target: 'service', namespace: svc.namespace, name: svc.name, setting: 'proxyProtocol', value: 'v2' }] : [];
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
          whatIf: [policyWhatIf(svc, 'Local')],
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
          whatIf: [controllerTarget(c, 'useForwardedHeaders', true), { target: 'controller', id: c.id, setting: 'trustedCIDRs', value: ctx.nodeCIDRs }],
        }),
      ];
    }
  }
  if (ctx.policy === 'Cluster' && svc && plan.stages.some((s) => s.role === 'node')) {
    return [
      finding('snat-cluster-policy', {
        hopId: hopIdOf(plan, 'node'),
        message: `${ref(svc)} uses externalTrafficPolicy: Cluster, so node ${ctx.node?.name ?? ''} masquerades the client to its own IP (even when the endpoint is local).`,
        fix: patchPolicy(svc, 'Local'),
        tradeOff: LOCAL_TRADE_OFF,
        whatIf: [policyWhatIf(svc, 'Local')],
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

function contextFindings(plan: PathPlan, honest: Run): Finding[] {
  const out: Finding[] = [];
  const ctx = plan.context;
  const svc = ctx.service;
  const lbHop = hopIdOf(plan, 'loadBalancer');
  for (const key of ctx.behaviour?.misspelledAnnotations ?? []) {
    out.push(
      finding('lb-annotation-misspelled', {
        hopId: lbHop,
        message: `Annotation ${key} is not read by ${ctx.provider?.label ?? 'the cloud controller'}.`,
        fix: svc ? `${annotate(svc, { [key]: null, 'loadbalancer.openstack.org/x-forwarded-for': 'true' })}` : null,
        tradeOff: 'x-forwarded-for forces an HTTP listener on Octavia: TLS must terminate at the LB, or use PROXY protocol instead.',
        whatIf: svc ? [{ target: 'service', namespace: svc.namespace, name: svc.name, setting: 'xForwardedFor', value: true }] : [],
      }),
    );
  }
  if (ctx.provider?.id === 'unknown') {
    out.push(
      finding('lb-provider-unknown', {
        hopId: lbHop,
        message: 'No load balancer provider was identified for this Service; it is assumed to pass packets through unchanged.',
        fix: null,
      }),
    );
  }
  if (ctx.skippedNodes && ctx.skippedNodes.length > 0 && svc) {
    out.push(
      finding('lb-skips-nodes-without-endpoints', {
        hopId: lbHop,
        message: `Nodes ${ctx.skippedNodes.join(', ')} have no ready endpoint of ${ref(svc)}; with Local they answer 503 on healthCheckNodePort ${svc.healthCheckNodePort ?? ''} and the LB leaves them out.`,
        fix: null,
      }),
    );
  }
  if (plan.inClusterNote && svc && ctx.behaviour?.proxyProtocol && !honest.failure) {
    out.push(
      finding('in-cluster-proxy-protocol-short-circuit', {
        hopId: lbHop,
        message: `Pods that connect to ${ctx.lbAddress} are routed by kube-proxy straight to the endpoints and send no PROXY preamble, so they fail (for example cert-manager's HTTP-01 self-check).`,
        fix: ctx.provider?.hostnameWorkaround
          ? ctx.provider.hostnameWorkaround
          : `Have the cloud controller publish status.loadBalancer.ingress[].ipMode: Proxy for ${ref(svc)} (Kubernetes ≥ 1.30).`,
        tradeOff: 'In-cluster traffic then goes out to the LB and back (latency, LB traffic cost); a hostname needs DNS for the LB.',
        whatIf: [{ target: 'service', namespace: svc.namespace, name: svc.name, setting: 'ipMode', value: 'Proxy' }],
      }),
    );
  }
  const appIndex = plan.stages.findIndex((s) => s.role === 'app');
  const appArrival = appIndex >= 0 ? honest.arrivals[appIndex] : null;
  if (appArrival?.proxyProtocol && !ctx.appPod?.roles.includes('echo')) {
    out.push(
      finding('proxy-protocol-app-must-parse', {
        hopId: plan.stages[appIndex]!.hop.id,
        message: 'The PROXY preamble reaches the application pod itself; unless it parses PROXY protocol, every request fails.',
        fix: svc && ctx.provider?.proxyProtocolAnnotations ? annotate(svc, ctx.provider.proxyProtocolAnnotations('off')) : null,
        tradeOff: 'Without PROXY the app sees only the LB; put an ingress controller that speaks PROXY in front instead.',
      }),
    );
  }
  if (ctx.controller && ctx.controllerModel?.fixes === null) {
    out.push(
      finding('controller-not-modelled', {
        hopId: hopIdOf(plan, 'controller'),
        message: `${ctx.controller.kind} has no dedicated model; the usual proxy behaviour is assumed: PROXY only when configured, X-Forwarded-For from trusted peers, the peer appended.`,
        fix: null,
      }),
    );
  }
  return out;
}

/** All findings of one path, from its plan and the honest / forged runs. */
export function diagnose(plan: PathPlan, honest: Run, forged: Run | null, verdict: Verdict): Finding[] {
  const out = [...failureFindings(plan, honest)];
  if (verdict === 'spoofable' && forged) out.push(...spoofFindings(plan, forged));
  if (verdict === 'lost' && plan.entry.kind !== 'egress') out.push(...lostFindings(plan));
  out.push(...contextFindings(plan, honest), ...(plan.extraFindings ?? []));
  return out;
}

