// Why a forged client address is believed: who trusts the client's header, and how to trust only the proxies.
import type { Finding } from '@/lib/types';
import type { ControllerModel } from '../controllers';
import type { PathPlan, Run } from '../plan';
import { finding, ref } from './finding';
import { controllerWhatIf, LOCAL_TRADE_OFF, patchPolicy, serviceWhatIf } from './fixes';

export function spoofFindings(plan: PathPlan, forged: Run): Finding[] {
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
        whatIf: [controllerWhatIf(c, 'trustedCIDRs', cidrs)],
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
        whatIf: [serviceWhatIf(svc, 'externalTrafficPolicy', 'Local')],
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
