// What the rules suggest: kubectl commands, what-if settings and the trade-off text more than one rule shares.
import type { IngressControllerInfo, ServiceInfo } from '@/lib/types';
import type { WhatIf } from '../types';

type ServiceWhatIf = Extract<WhatIf, { target: 'service' }>;
type ControllerWhatIf = Extract<WhatIf, { target: 'controller' }>;
/** The value type a what-if of `W` takes for `setting`. */
type ValueOf<W, S> = W extends { setting: infer X; value: infer V } ? (S extends X ? V : never) : never;

// TypeScript cannot correlate `setting` with `value` through the union, so the casts below rest on the signatures.

/** `svc:<namespace>/<name>.<setting>=<value>` for the Service `s`. */
export function serviceWhatIf<S extends ServiceWhatIf['setting']>(s: ServiceInfo, setting: S, value: ValueOf<ServiceWhatIf, S>): WhatIf {
  return { target: 'service', namespace: s.namespace, name: s.name, setting, value } as ServiceWhatIf;
}

/** `controller:<id>.<setting>=<value>` for the controller `c`. */
export function controllerWhatIf<S extends ControllerWhatIf['setting']>(c: IngressControllerInfo, setting: S, value: ValueOf<ControllerWhatIf, S>): WhatIf {
  return { target: 'controller', id: c.id, setting, value } as ControllerWhatIf;
}

export const patchPolicy = (s: ServiceInfo, policy: 'Local' | 'Cluster') =>
  `kubectl patch service -n ${s.namespace} ${s.name} -p '{"spec":{"externalTrafficPolicy":"${policy}"}}'`;

export const annotate = (s: ServiceInfo, annotations: Record<string, string | null>) =>
  `kubectl annotate service -n ${s.namespace} ${s.name} --overwrite ` +
  Object.entries(annotations)
    .map(([k, v]) => (v === null ? `${k}-` : `${k}=${v}`))
    .join(' ');

export const LOCAL_TRADE_OFF =
  'Local sends traffic only to nodes with a ready endpoint: spread follows the pods, not the nodes, and nodes without ' +
  'endpoints fail the LB health check on healthCheckNodePort (NodePort clients hitting them time out).';

/** The what-if that makes a controller accept PROXY from the LB, in its own terms. */
export function acceptProxyWhatIf(c: IngressControllerInfo, cidrs: string[]): WhatIf {
  return c.kind === 'traefik' ? controllerWhatIf(c, 'proxyProtocolTrustedCIDRs', cidrs) : controllerWhatIf(c, 'useProxyProtocol', true);
}
