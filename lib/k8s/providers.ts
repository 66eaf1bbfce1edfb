// Cloud load balancers as data (DOMAIN.md §7): how to recognise each cloud from a node's providerID or a
// Service's annotations / loadBalancerClass, and which annotations change what the backend sees of the
// client. Adding a provider means adding one entry here.

export interface CloudProvider {
  /** Name used in LoadBalancerProviderInfo.name. */
  name: string;
  /** node.spec.providerID prefixes. */
  providerIDPrefixes: string[];
  /** Service annotation prefixes that concern client IP (PROXY protocol, XFF, hostname, LB type). */
  annotationPrefixes: string[];
  /** spec.loadBalancerClass values implemented by this cloud. */
  loadBalancerClasses: string[];
}

export const CLOUD_PROVIDERS: CloudProvider[] = [
  {
    // OVHcloud MKS runs the OpenStack CCM (openstack:// providerIDs); its legacy IOLB annotations identify it.
    name: 'ovh',
    providerIDPrefixes: [],
    annotationPrefixes: ['service.beta.kubernetes.io/ovh-loadbalancer-'],
    loadBalancerClasses: [],
  },
  {
    name: 'openstack',
    providerIDPrefixes: ['openstack://'],
    annotationPrefixes: ['loadbalancer.openstack.org/'],
    loadBalancerClasses: [],
  },
  {
    name: 'aws',
    providerIDPrefixes: ['aws://'],
    annotationPrefixes: ['service.beta.kubernetes.io/aws-load-balancer-'],
    loadBalancerClasses: ['service.k8s.aws/nlb'],
  },
  {
    name: 'digitalocean',
    providerIDPrefixes: ['digitalocean://'],
    annotationPrefixes: ['service.beta.kubernetes.io/do-loadbalancer-'],
    loadBalancerClasses: [],
  },
  {
    name: 'hetzner',
    providerIDPrefixes: ['hcloud://'],
    annotationPrefixes: ['load-balancer.hetzner.cloud/'],
    loadBalancerClasses: [],
  },
  {
    name: 'linode',
    providerIDPrefixes: ['linode://'],
    annotationPrefixes: ['service.beta.kubernetes.io/linode-loadbalancer-'],
    loadBalancerClasses: [],
  },
  {
    name: 'scaleway',
    providerIDPrefixes: ['scaleway://'],
    annotationPrefixes: ['service.beta.kubernetes.io/scw-loadbalancer-'],
    loadBalancerClasses: [],
  },
  {
    name: 'azure',
    providerIDPrefixes: ['azure://'],
    annotationPrefixes: ['service.beta.kubernetes.io/azure-'],
    loadBalancerClasses: [],
  },
  {
    name: 'gce',
    providerIDPrefixes: ['gce://'],
    annotationPrefixes: ['networking.gke.io/load-balancer-type', 'cloud.google.com/l4-rbs'],
    loadBalancerClasses: ['networking.gke.io/l4-regional-internal', 'networking.gke.io/l4-regional-external'],
  },
];

/** MetalLB's own Service annotations (DOMAIN.md §4), current and legacy prefix. */
const METALLB_ANNOTATION_PREFIXES = ['metallb.io/', 'metallb.universe.tf/'];

/** Keeps only the annotations that bear on client IP; the rest (kubectl last-applied, Helm, …) is noise here. */
export function clientIPAnnotations(annotations: Record<string, string> | undefined): Record<string, string> {
  const prefixes = [...CLOUD_PROVIDERS.flatMap((p) => p.annotationPrefixes), ...METALLB_ANNOTATION_PREFIXES];
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (prefixes.some((p) => key.startsWith(p))) kept[key] = value;
  }
  return kept;
}

export function cloudFromProviderID(providerID: string | null | undefined): string | null {
  if (!providerID) return null;
  return CLOUD_PROVIDERS.find((p) => p.providerIDPrefixes.some((prefix) => providerID.startsWith(prefix)))?.name ?? null;
}

/** The cloud a Service's annotations or loadBalancerClass point at, if any. */
export function cloudFromService(annotations: Record<string, string>, loadBalancerClass: string | null): string | null {
  const keys = Object.keys(annotations);
  const match = CLOUD_PROVIDERS.find(
    (p) =>
      (loadBalancerClass !== null && p.loadBalancerClasses.includes(loadBalancerClass)) ||
      keys.some((k) => p.annotationPrefixes.some((prefix) => k.startsWith(prefix))),
  );
  return match?.name ?? null;
}
