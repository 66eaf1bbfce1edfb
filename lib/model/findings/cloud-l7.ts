// Findings of an Ingress served by a cloud L7 load balancer (docs/domain.md#s6.4): the client arrives only in
// X-Forwarded-For, and whether the LB sends to pods or NodePorts may rest on a default.
import type { Finding, Verdict } from '@/lib/types';
import type { PathPlan } from '../plan';
import { finding, hopIdOf } from './finding';

export function cloudL7Findings(plan: PathPlan, verdict: Verdict): Finding[] {
  const { controller: c, ingress, cloudTargets: targets } = plan.context;
  if (!c || !ingress || !targets) return [];
  const lbHop = hopIdOf(plan, 'loadBalancer');
  const out: Finding[] = [];
  if (targets.assumed) {
    out.push(
      finding('cloud-l7-target-assumed', {
        hopId: lbHop,
        message: `${ingress.namespace}/${ingress.name}: ${targets.why}; this path assumes the load balancer sends to pod IPs.`,
        fix: `kubectl get service -n ${ingress.namespace} -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.metadata.annotations.cloud\\.google\\.com/neg-status}{"\\n"}{end}'  # a neg-status annotation means pod targets`,
      }),
    );
  }
  if (verdict === 'header') {
    const gce = c.kind === 'gce';
    out.push(
      finding('cloud-l7-client-in-header', {
        hopId: hopIdOf(plan, 'app'),
        message:
          `The load balancer terminates the connection, so the backend's TCP peer is ${targets.targets === 'pods' ? 'the load balancer' : 'a node or the load balancer'}; the client is in X-Forwarded-For` +
          (gce ? ', second from the right (GCLB appends "<client>, <load balancer>")' : c.kind === 'azure-application-gateway' ? ' as "<client>:<port>"' : ', right-most') +
          '. Take it from there only for requests whose peer is the load balancer or the cluster; X-Real-IP is not set by the LB, so a value there came from the client.',
        fix: null,
      }),
    );
  }
  return out;
}
