// Why a path fails: the hop where requests are dropped or refused, and the change that lets them through.
import type { Finding } from '@/lib/types';
import type { PathPlan, Run } from '../plan';
import { finding, ref } from './finding';
import { acceptProxyWhatIf, annotate, controllerWhatIf, serviceWhatIf } from './fixes';

export function failureFindings(plan: PathPlan, run: Run): Finding[] {
  if (!run.failure) return [];
  const { index, failure } = run.failure;
  const hopId = plan.stages[index]?.hop.id ?? null;
  const ctx = plan.context;
  const svc = ctx.service;
  const c = ctx.controller;
  const fixes = ctx.controllerModel?.fixes ?? null;
  switch (failure.kind) {
    case 'no-controller': {
      const ingress = ctx.ingress;
      const route = ctx.ingressRoute;
      if (!ingress && route) {
        return [
          finding('ingress-no-controller', {
            hopId,
            message: `No Traefik controller serves IngressRoute ${route.namespace}/${route.name}.`,
            fix: `kubectl get pods -A -l app.kubernetes.io/name=traefik   # run Traefik with --providers.kubernetescrd, or remove the IngressRoute`,
          }),
        ];
      }
      if (!ingress) return [];
      return [
        finding('ingress-no-controller', {
          hopId,
          message: `No ingress controller serves class "${ingress.className ?? '(none)'}" of ${ingress.namespace}/${ingress.name}.`,
          fix: `kubectl get ingressclass; kubectl patch ingress -n ${ingress.namespace} ${ingress.name} -p '{"spec":{"ingressClassName":"<a served class>"}}'`,
        }),
      ];
    }
    case 'cloud-target-needs-nodeport': {
      const backend = ctx.backend;
      const ingress = ctx.ingress;
      if (!backend || !ingress) return [];
      return [
        finding('cloud-l7-needs-nodeport', {
          hopId,
          message: `${c?.kind === 'gce' ? 'GKE instance groups' : 'ALB instance targets'} reach the backend through a NodePort, and ${ref(backend)} is ${backend.type}: the controller cannot register a target, so nothing answers.`,
          fix:
            c?.kind === 'aws-alb'
              ? `kubectl annotate ingress -n ${ingress.namespace} ${ingress.name} alb.ingress.kubernetes.io/target-type=ip --overwrite`
              : `kubectl annotate service -n ${backend.namespace} ${backend.name} 'cloud.google.com/neg={"ingress": true}' --overwrite`,
          tradeOff: 'Pod targets need a VPC-routed pod network (the AWS VPC CNI, a VPC-native GKE cluster).',
        }),
      ];
    }
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
          whatIf: svc ? [serviceWhatIf(svc, 'externalTrafficPolicy', 'Cluster')] : [],
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
          whatIf: c ? [acceptProxyWhatIf(c, lbCidrs)] : svc ? [serviceWhatIf(svc, 'proxyProtocol', 'off')] : [],
        }),
      ];
    }
    case 'tls-into-http-listener':
      return [
        finding('lb-http-listener-on-tls-port', {
          hopId,
          message: `${svc ? ref(svc) : 'The Service'} has loadbalancer.openstack.org/x-forwarded-for: "true", which makes every Octavia listener HTTP; port ${plan.entry.port ?? ''} carries TLS, which an HTTP listener cannot read or add a header to: ${failure.message}.`,
          fix: svc
            ? `${annotate(svc, { 'loadbalancer.openstack.org/x-forwarded-for': null, 'loadbalancer.openstack.org/proxy-protocol': 'v2' })}  # PROXY carries the client for TLS too; the receiver must accept PROXY\nor terminate TLS at the LB: loadbalancer.openstack.org/default-tls-container-ref: <Barbican container>`
            : null,
          tradeOff: 'PROXY protocol needs the receiver configured for it; terminating TLS at the LB moves the certificate out of the cluster.',
          whatIf: svc ? [serviceWhatIf(svc, 'xForwardedFor', false)] : [],
        }),
      ];
    case 'internal-local-drop':
      return [
        finding('internal-traffic-local-no-endpoint', {
          hopId,
          message: `${svc ? ref(svc) : 'The Service'} has internalTrafficPolicy: Local and the calling pod's node has no ready endpoint of it: ${failure.message}, so the request times out.`,
          fix: svc ? `kubectl patch service -n ${svc.namespace} ${svc.name} -p '{"spec":{"internalTrafficPolicy":"Cluster"}}'  # or run an endpoint on every node the callers run on (a DaemonSet)` : null,
          tradeOff: 'Cluster spreads ClusterIP traffic over every endpoint; Local keeps it on the node (node-local caches, DNS) but only where an endpoint runs.',
        }),
      ];
    case 'proxy-protocol-not-parsed': {
      // docs/domain.md#s8.1: only a receiver configured for PROXY reads the preamble; an app pod behind a PROXY LB is not.
      const key = svc && ctx.provider?.proxyProtocolAnnotations ? ctx.provider.proxyProtocolAnnotations('off') : null;
      const undo = svc && key ? annotate(svc, key) : null;
      const named = key ? Object.keys(key).join(', ') : 'the PROXY protocol setting of the load balancer';
      return [
        finding('proxy-protocol-app-must-parse', {
          hopId,
          severity: 'error',
          message: `${ctx.provider?.label ?? 'The load balancer'} sends a PROXY protocol preamble straight to the application pod${ctx.appPod ? ` ${ctx.appPod.name}` : ''}, which does not parse it: ${failure.message}.`,
          fix: [
            undo ? `remove ${named}: ${undo}` : `turn off ${named}`,
            'or make the application accept it (nginx: listen <port> proxy_protocol; plus set_real_ip_from <LB CIDR>; real_ip_header proxy_protocol;), or put an ingress controller with PROXY protocol on in front',
          ].join('\n'),
          tradeOff: 'Without PROXY protocol a proxying LB leaves the application only its own address.',
          whatIf: svc ? [serviceWhatIf(svc, 'proxyProtocol', 'off')] : [],
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
            ? [serviceWhatIf(svc, 'proxyProtocol', 'v2')]
            : c
              ? [controllerWhatIf(c, 'useProxyProtocol', false)]
              : [],
        }),
      ];
    }
  }
}
