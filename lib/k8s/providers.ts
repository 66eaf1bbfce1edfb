// Cloud load balancers, recognised from the one provider table of the path model (lib/model/loadbalancers.ts):
// a node's providerID scheme, or a Service's annotations / loadBalancerClass. Adding a provider there is all it
// takes for discovery to recognise it and keep its client-IP annotations.
import { PROVIDERS } from '@/lib/model/loadbalancers';

/** MetalLB, k3s ServiceLB and Cilium LB IPAM are recognised from their own objects, not from annotations or providerIDs. */
const IN_CLUSTER_PROVIDERS = new Set(['metallb', 'servicelb', 'cilium']);
const CLOUD_PROVIDERS = PROVIDERS.filter((p) => !IN_CLUSTER_PROVIDERS.has(p.id));

/** Keeps only the annotations that bear on client IP; the rest (kubectl last-applied, Helm, …) is noise here. */
export function clientIPAnnotations(annotations: Record<string, string> | undefined): Record<string, string> {
  // hopscope.io/ annotations are the user's own settings for hopscope (hopscope.io/probe-target opts a Service in).
  // alb.ingress.kubernetes.io/ on a Service overrides its Ingress's ALB target type (docs/domain.md#s6.4);
  // service.cilium.io/forwarding-mode picks SNAT or DSR per Service under bpf-lb-mode-annotation (docs/domain.md#s2.10.2).
  const prefixes = ['hopscope.io/', 'alb.ingress.kubernetes.io/', 'service.cilium.io/', ...PROVIDERS.flatMap((p) => p.annotationPrefixes)];
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (prefixes.some((p) => key.startsWith(p))) kept[key] = value;
  }
  return kept;
}

export function cloudFromProviderID(providerID: string | null | undefined): string | null {
  if (!providerID) return null;
  const scheme = providerID.split('://')[0];
  return CLOUD_PROVIDERS.find((p) => p.providerIdSchemes.includes(scheme ?? ''))?.id ?? null;
}

/** The cloud a Service's annotations or loadBalancerClass point at, if any. */
export function cloudFromService(annotations: Record<string, string>, loadBalancerClass: string | null): string | null {
  const keys = Object.keys(annotations);
  const match = CLOUD_PROVIDERS.find(
    (p) =>
      (loadBalancerClass !== null && p.loadBalancerClasses.includes(loadBalancerClass)) ||
      keys.some((k) => p.annotationPrefixes.some((prefix) => k.startsWith(prefix))),
  );
  return match?.id ?? null;
}
