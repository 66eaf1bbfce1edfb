// Findings that hold whatever the verdict: settings the provider ignores, assumptions the model makes, and
// clients the path treats differently.
import { isCloudL7 } from '../controllers/cloud-l7';
import type { Finding } from '@/lib/types';
import { dsrConfigRejection } from '../cilium';
import { isShortCircuitedInCluster } from '../kubeproxy';
import { isTrustAssumed } from '../trust';
import type { PathPlan, Run } from '../plan';
import { finding, hopIdOf, ref } from './finding';
import { annotate, serviceWhatIf } from './fixes';

export function contextFindings(plan: PathPlan, honest: Run): Finding[] {
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
        whatIf: svc ? [serviceWhatIf(svc, 'xForwardedFor', true)] : [],
      }),
    );
  }
  if (ctx.behaviour?.assumption && svc) {
    out.push(
      finding('lb-type-assumed', {
        hopId: lbHop,
        message: `${ref(svc)}: ${ctx.behaviour.assumption}.`,
        fix: `Set the type explicitly: kubectl annotate service -n ${svc.namespace} ${svc.name} service.beta.kubernetes.io/do-loadbalancer-type=REGIONAL_NETWORK   # pass-through (client kept with Local); REGIONAL proxies`,
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
  // isTrusted takes a listed range outside the pod network to name the LB, whose member address nobody can read.
  const controllerAt = plan.stages.findIndex((s) => s.role === 'controller');
  const peer = controllerAt >= 0 ? honest.arrivals[controllerAt]?.peer : undefined;
  const c = ctx.controller;
  if (c && peer && ctx.trust) {
    const s = c.settings;
    const lists = [s.useForwardedHeaders || s.useProxyProtocol || s.enableRealIp ? s.trustedCIDRs : [], s.proxyProtocolTrustedCIDRs ?? []];
    const assumedIn = lists.find((list) => isTrustAssumed(peer, list, ctx.trust!));
    if (assumedIn) {
      out.push(
        finding('trust-assumed-for-lb', {
          hopId: hopIdOf(plan, 'controller'),
          message: `${ctx.controllerModel?.label ?? c.kind} trusts ${assumedIn.join(', ')}; the connection comes from ${ctx.provider?.label ?? 'the load balancer'}, whose source address is not discoverable, so hopscope assumes the list covers it. If it does not, the controller ignores the client address the LB passes on and uses the LB's.`,
          fix: `Check the addresses ${ctx.provider?.label ?? 'the load balancer'} connects from (its subnet or member ports) lie inside ${assumedIn.join(', ')}.`,
        }),
      );
    }
  }
  const ipvs = ctx.ipvsWithoutStrictARP;
  if (ipvs && svc) {
    const configMap = ipvs.configMap ?? 'kube-system/kube-proxy';
    const [namespace, name] = configMap.split('/');
    const local = (ctx.policy ?? 'Cluster') === 'Local';
    out.push(
      finding('ipvs-strict-arp-off', {
        hopId: lbHop,
        message: `kube-proxy runs in IPVS mode without ipvs.strictARP (${configMap}): every node binds ${ctx.lbAddress ?? 'the address'} to kube-ipvs0 and answers ARP for it, so clients reach whichever node answered last rather than the node MetalLB announces from${local ? `; with externalTrafficPolicy Local, a node without an endpoint of ${ref(svc)} drops what reaches it` : ''}.`,
        fix: `kubectl get configmap ${name} -n ${namespace} -o yaml | sed -e "s/strictARP: false/strictARP: true/" | kubectl apply -f - -n ${namespace}   # or add ipvs.strictARP: true to the configuration\nkubectl rollout restart daemonset kube-proxy -n ${namespace}`,
        tradeOff: 'strictARP makes the kernel answer ARP only for addresses on the receiving interface; it is what MetalLB requires, and it changes nothing for Services without an external address.',
      }),
    );
  }
  // Pods never meet an LB address kube-proxy intercepts (docs/domain.md#s2.6): the preamble it would add is missing.
  const intercepted = svc !== undefined && ctx.lbAddress !== undefined && isShortCircuitedInCluster(svc, ctx.lbAddress);
  if (intercepted && ctx.behaviour?.proxyProtocol && !honest.failure) {
    out.push(
      finding('in-cluster-proxy-protocol-short-circuit', {
        hopId: lbHop,
        message: `Pods that connect to ${ctx.lbAddress} are routed by kube-proxy straight to the endpoints and send no PROXY preamble, so they fail (for example cert-manager's HTTP-01 self-check).`,
        fix: ctx.provider?.hostnameWorkaround
          ? ctx.provider.hostnameWorkaround
          : `Have the cloud controller publish status.loadBalancer.ingress[].ipMode: Proxy for ${ref(svc)} (Kubernetes ≥ 1.30).`,
        tradeOff: 'In-cluster traffic then goes out to the LB and back (latency, LB traffic cost); a hostname needs DNS for the LB.',
        whatIf: [serviceWhatIf(svc, 'ipMode', 'Proxy')],
      }),
    );
  }
  // docs/domain.md#s2.5: internalTrafficPolicy Local drops ClusterIP traffic on nodes without a local endpoint.
  if (svc && plan.entry.kind === 'clusterIP' && ctx.nodesWithoutLocalEndpoint && ctx.nodesWithoutLocalEndpoint.length > 0) {
    out.push(
      finding('internal-traffic-local', {
        hopId: hopIdOf(plan, 'service'),
        message: `${ref(svc)} has internalTrafficPolicy: Local: pods on ${ctx.nodesWithoutLocalEndpoint.join(', ')} (no ready endpoint there) have their requests to ${svc.clusterIP ?? 'the ClusterIP'} dropped.`,
        fix: `kubectl patch service -n ${svc.namespace} ${svc.name} -p '{"spec":{"internalTrafficPolicy":"Cluster"}}'  # or run an endpoint on every node the callers run on (a DaemonSet)`,
        tradeOff: 'Cluster spreads ClusterIP traffic over every endpoint; Local keeps it on the node (node-local caches, DNS) but only where an endpoint runs.',
      }),
    );
  }
  out.push(...ciliumFindings(plan));
  const assumed = ctx.controller ? (ctx.controllerModel?.assumption?.(ctx.controller) ?? null) : null;
  if (assumed && ctx.controller) {
    out.push(
      finding('controller-version-assumed', {
        hopId: hopIdOf(plan, 'controller'),
        message: `${ctx.controller.id}: ${assumed}`,
        fix: `kubectl get pods -n ${ctx.controller.namespace} -o jsonpath='{.items[*].spec.containers[*].image}'  # run a tagged controller image (…/controller:v1.13.x) so the version is known`,
      }),
    );
  }
  if (ctx.controller && ctx.controllerModel?.fixes === null && !isCloudL7(ctx.controller.kind)) {
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

/** What a path through a Cilium node rests on: defaults assumed, DSR the agent refuses, an announcer not known (docs/domain.md#s2.10). */
function ciliumFindings(plan: PathPlan): Finding[] {
  const ctx = plan.context;
  const info = ctx.cilium?.info;
  if (!info || !plan.stages.some((s) => s.role === 'node')) return [];
  const out: Finding[] = [];
  const nodeHop = hopIdOf(plan, 'node');
  if (info.assumed.length > 0) {
    const handler = info.replacesKubeProxy ? "Cilium's eBPF load balancer" : 'kube-proxy (Cilium not replacing it)';
    out.push(
      finding('cilium-config-assumed', {
        hopId: nodeHop,
        message: `Cilium runs; the node hop is predicted for ${handler} with ${info.assumed.join('; ')}.`,
        fix: 'kubectl get configmap cilium-config -n kube-system -o yaml   # and grant hopscope get on it (rbac.configMapNames: cilium-config)',
      }),
    );
  }
  const rejected = dsrConfigRejection(info);
  if (rejected) {
    out.push(
      finding('cilium-dsr-config-rejected', {
        hopId: nodeHop,
        message: `cilium-config: ${rejected}, so the Cilium agent refuses to start and no Service traffic is handled on its nodes; the prediction shows the configured mode.`,
        fix: 'helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set routingMode=native   # DSR with opt dispatch, or: --set tunnelProtocol=geneve --set loadBalancer.dsrDispatch=geneve',
        tradeOff: 'Native routing needs the network to route pod CIDRs between nodes; geneve dispatch needs the geneve tunnel.',
      }),
    );
  }
  const svc = ctx.service;
  if (ctx.provider?.id === 'cilium' && svc && !svc.announcingNode) {
    out.push(
      finding('cilium-announcer-unknown', {
        hopId: hopIdOf(plan, 'loadBalancer'),
        message: `Cilium LB IPAM gave ${ref(svc)} ${ctx.lbAddress ?? 'its address'}, but no Lease kube-system/cilium-l2announce-${svc.namespace}-${svc.name} names an announcing node: BGP may advertise it (not modelled), or no CiliumL2AnnouncementPolicy selects it. Every eligible node is assumed to receive it.`,
        fix: `kubectl get lease -n kube-system cilium-l2announce-${svc.namespace}-${svc.name}; kubectl get ciliuml2announcementpolicies,ciliumbgpclusterconfigs,ciliumbgppeeringpolicies`,
      }),
    );
  }
  return out;
}
