// Load balancer providers as a table: what each does to the client address (docs/domain.md#s4, #s5, #s7). Adding a provider
// means adding one entry to PROVIDERS; nothing else reads provider annotations.
import type { ClusterInventory, ServiceInfo } from '@/lib/types';

export interface LoadBalancerBehaviour {
  /**
   * passthrough: only DNAT, the node sees the client (MetalLB: docs/domain.md#s4; GCE/Azure/NLB instance: docs/domain.md#s7; docs/lab.md#row-10–#row-12).
   * proxy: a new TCP connection, the node sees the LB (docs/lab.md#row-13–#row-17). svclb: k3s ServiceLB masquerades (docs/domain.md#s5).
   */
  mode: 'passthrough' | 'proxy' | 'svclb';
  /** The LB writes a PROXY preamble with the client address (docs/lab.md#row-16–#row-17). */
  proxyProtocol: { version: 1 | 2 | null } | null;
  /** An HTTP listener that appends the client to X-Forwarded-For (docs/lab.md#row-15). */
  xForwardedFor: boolean;
  /** Where it delivers: node IP:NodePort, or straight to pod IPs (AWS NLB ip targets). */
  targets: 'nodes' | 'pods';
  /** Annotation keys that look like a client-IP setting but are not one the provider reads. */
  misspelledAnnotations: string[];
  /** An HTTP listener on a port clients speak TLS to: the handshake meets an HTTP parser and fails (docs/domain.md#s7.1). */
  tlsIntoHttpListener?: boolean;
  /** A default the provider's behaviour rests on that the objects do not state, in words (finding lb-type-assumed). */
  assumption?: string;
}

/** What a provider's defaults may depend on beyond the Service: the cluster's Kubernetes minor version (newest kubelet). */
export interface ClusterFacts {
  kubernetesMinor: number | null;
}

export interface LoadBalancerProvider {
  id: string;
  label: string;
  /** Cloud names as discovery reports them (LoadBalancerProviderInfo.name). */
  names: string[];
  annotationPrefixes: string[];
  providerIdSchemes: string[];
  /** spec.loadBalancerClass values the provider implements (docs/domain.md#s3, #s7). */
  loadBalancerClasses: string[];
  behaviour(service: ServiceInfo, port: number, cluster?: ClusterFacts): LoadBalancerBehaviour;
  /** Annotations that make the LB send PROXY vN (or stop sending: 'off'); null when the provider cannot. */
  proxyProtocolAnnotations: ((version: 'v1' | 'v2' | 'off') => Record<string, string | null>) | null;
  /** Annotations that switch the listener to HTTP with X-Forwarded-For; null when the provider cannot. */
  xForwardedForAnnotations: ((on: boolean) => Record<string, string | null>) | null;
  /** Publishing a hostname instead of the IP stops kube-proxy from short-circuiting in-cluster clients (docs/domain.md#s2.6). */
  hostnameWorkaround: string | null;
  /** The cloud controller sets ipMode: Proxy itself when PROXY protocol is on (cloud-provider-openstack#2587). */
  setsProxyIpModeWithProxyProtocol: boolean;
}

const truthy = (v: string | undefined) => v !== undefined && ['true', '*', 'yes', '1'].includes(v.trim().toLowerCase());
const passthrough = (overrides: Partial<LoadBalancerBehaviour> = {}): LoadBalancerBehaviour => ({
  mode: 'passthrough',
  proxyProtocol: null,
  xForwardedFor: false,
  targets: 'nodes',
  misspelledAnnotations: [],
  ...overrides,
});
const proxying = (overrides: Partial<LoadBalancerBehaviour> = {}): LoadBalancerBehaviour =>
  passthrough({ mode: 'proxy', ...overrides });

/** Port lists such as Scaleway's "80,443" or "*" (docs/domain.md#s7 Scaleway). */
const coversPort = (value: string | undefined, port: number) =>
  value !== undefined && (truthy(value) || value.split(',').map((p) => p.trim()).includes(String(port)));

const OCTAVIA_PROXY = 'loadbalancer.openstack.org/proxy-protocol';
const OCTAVIA_XFF = 'loadbalancer.openstack.org/x-forwarded-for';
const OCTAVIA_TLS_CONTAINER = 'loadbalancer.openstack.org/default-tls-container-ref';

/** A port clients speak TLS to: 443, or named https / tls (as ways-in.ts names the entry's scheme). */
const isTlsPort = (service: ServiceInfo, port: number) =>
  port === 443 || /https|tls/.test(service.ports.find((p) => p.port === port)?.name ?? '');

/**
 * OpenStack Octavia (docs/domain.md#s7, #s7.1, #src-S27; docs/sources.md#seed-000): amphorae proxy; PROXY via
 * proxy-protocol, XFF via x-forwarded-for, which makes every listener HTTP (`getListenerProtocol`) unless
 * default-tls-container-ref terminates TLS at the LB: a TLS port behind a plain HTTP listener is broken.
 */
function octaviaBehaviour(service: ServiceInfo, port: number): LoadBalancerBehaviour {
  const a = service.annotations;
  const pp = a[OCTAVIA_PROXY]?.trim().toLowerCase();
  const xff = truthy(a[OCTAVIA_XFF]);
  return proxying({
    proxyProtocol: pp === 'v2' ? { version: 2 } : pp === 'true' || pp === 'v1' ? { version: 1 } : null,
    xForwardedFor: xff,
    tlsIntoHttpListener: xff && !a[OCTAVIA_TLS_CONTAINER]?.trim() && isTlsPort(service, port),
    // docs/sources.md#seed-000 spells it "x-forward-for"; the cloud controller only reads "x-forwarded-for".
    misspelledAnnotations: Object.keys(a).filter((k) => k === 'loadbalancer.openstack.org/x-forward-for'),
  });
}

const octaviaProxyAnnotations = (version: 'v1' | 'v2' | 'off') => ({
  [OCTAVIA_PROXY]: version === 'off' ? null : version === 'v1' ? 'true' : 'v2',
});

export const PROVIDERS: LoadBalancerProvider[] = [
  {
    id: 'metallb',
    label: 'MetalLB',
    names: ['metallb'],
    annotationPrefixes: ['metallb.io/', 'metallb.universe.tf/'],
    providerIdSchemes: [],
    loadBalancerClasses: [],
    // docs/domain.md#s4: MetalLB only announces the VIP (L2 ARP / BGP); the packet reaches the node unchanged.
    behaviour: () => passthrough(),
    proxyProtocolAnnotations: null,
    xForwardedForAnnotations: null,
    hostnameWorkaround: null,
    setsProxyIpModeWithProxyProtocol: false,
  },
  {
    id: 'servicelb',
    label: 'k3s ServiceLB (klipper-lb)',
    names: ['servicelb', 'k3s'],
    annotationPrefixes: ['svccontroller.k3s.cattle.io/'],
    providerIdSchemes: ['k3s'],
    loadBalancerClasses: [],
    // docs/domain.md#s5: the published addresses are node IPs, so a packet for one reaches that node unchanged and
    // kube-proxy's rules for the LB address take it; only a NAT'd ExternalIP goes through the svclb pod, which
    // MASQUERADEs (servicelbBehaviour below decides per address).
    behaviour: () => passthrough(),
    proxyProtocolAnnotations: null,
    xForwardedForAnnotations: null,
    hostnameWorkaround: null,
    setsProxyIpModeWithProxyProtocol: false,
  },
  {
    id: 'cilium',
    label: 'Cilium LB IPAM',
    names: ['cilium'],
    annotationPrefixes: ['lbipam.cilium.io/'],
    providerIdSchemes: [],
    loadBalancerClasses: ['io.cilium/l2-announcer', 'io.cilium/bgp-control-plane'],
    // docs/domain.md#s2.10.3: LB IPAM only allocates; L2 announcements answer ARP from one node (the Lease holder) and
    // BGP advertises the address: the packet reaches the node unchanged, where Cilium's load balancer takes it.
    behaviour: () => passthrough(),
    proxyProtocolAnnotations: null,
    xForwardedForAnnotations: null,
    hostnameWorkaround: null,
    setsProxyIpModeWithProxyProtocol: false,
  },
  {
    // Before openstack: an OVH Service carries loadbalancer.openstack.org/ keys too, and loadbalancer.ovhcloud.com/ ones.
    id: 'ovh',
    label: 'OVHcloud MKS',
    names: ['ovh', 'ovhcloud'],
    annotationPrefixes: ['loadbalancer.ovhcloud.com/', 'service.beta.kubernetes.io/ovh-loadbalancer-'],
    providerIdSchemes: ['ovhcloud'],
    loadBalancerClasses: [],
    // docs/domain.md#s7.1 OVHcloud (#src-S33): Octavia's proxy-protocol gives PROXY v1 only, x-forwarded-for is not
    // supported; the legacy IOLB key takes v1 | v2 | v2-ssl | v2-ssl-cn.
    behaviour(service, port) {
      const octavia = octaviaBehaviour(service, port);
      const own = { ...octavia, xForwardedFor: false, tlsIntoHttpListener: false, proxyProtocol: octavia.proxyProtocol ? { version: 1 as const } : null };
      const legacy = service.annotations['service.beta.kubernetes.io/ovh-loadbalancer-proxy-protocol']?.trim();
      if (own.proxyProtocol || !legacy) return own;
      return { ...own, proxyProtocol: { version: legacy === 'v1' ? 1 : 2 } };
    },
    proxyProtocolAnnotations: (version) => ({ [OCTAVIA_PROXY]: version === 'off' ? null : 'true' }),
    xForwardedForAnnotations: null,
    hostnameWorkaround: null,
    setsProxyIpModeWithProxyProtocol: true,
  },
  {
    id: 'openstack',
    label: 'OpenStack Octavia',
    names: ['openstack'],
    annotationPrefixes: ['loadbalancer.openstack.org/'],
    providerIdSchemes: ['openstack'],
    loadBalancerClasses: [],
    behaviour: octaviaBehaviour,
    proxyProtocolAnnotations: octaviaProxyAnnotations,
    xForwardedForAnnotations: (on) => ({ [OCTAVIA_XFF]: on ? 'true' : null }),
    hostnameWorkaround: 'cloud.conf [LoadBalancer] enable-ingress-hostname = true (with ingress-hostname-suffix)',
    setsProxyIpModeWithProxyProtocol: true,
  },
  {
    id: 'aws',
    label: 'AWS ELB',
    names: ['aws'],
    annotationPrefixes: ['service.beta.kubernetes.io/aws-load-balancer-'],
    providerIdSchemes: ['aws'],
    loadBalancerClasses: ['service.k8s.aws/nlb'],
    // docs/domain.md#s7 AWS (docs/domain.md#src-S28): CLB proxies (PROXY v1 with "*", XFF with an HTTP backend); NLB instance targets keep the
    // client; AWS LB Controller ip targets do not unless preserve_client_ip.enabled=true, and PROXY is v2 there.
    behaviour(service) {
      const a = (k: string) => service.annotations[`service.beta.kubernetes.io/aws-load-balancer-${k}`];
      const type = (a('type') ?? '').toLowerCase();
      const attributes = a('target-group-attributes') ?? '';
      // The LB Controller reconciles `external`, the legacy `nlb-ip` (an NLB with ip targets) and its
      // loadBalancerClass; `nlb` is the in-tree controller's, which has instance targets only and reads neither
      // nlb-target-type nor target-group-attributes (LBC annotations doc, "not an accurate reference for the
      // services reconciled by the in-tree controller"; docs/domain.md#s7).
      const lbc = type === 'external' || type === 'nlb-ip' || service.loadBalancerClass === 'service.k8s.aws/nlb';
      const wantsProxy = a('proxy-protocol') === '*' || (lbc && /proxy_protocol_v2\.enabled=true/.test(attributes));
      if (type === 'nlb' || lbc) {
        const ipTargets = type === 'nlb-ip' || (lbc && (a('nlb-target-type') ?? 'instance') === 'ip');
        const preserve = lbc ? /preserve_client_ip\.enabled=(true|false)/.exec(attributes)?.[1] : undefined;
        const keepsClient = preserve === undefined ? !ipTargets : preserve === 'true';
        return (keepsClient && !wantsProxy ? passthrough : proxying)({
          proxyProtocol: wantsProxy ? { version: 2 } : null,
          targets: ipTargets ? 'pods' : 'nodes',
        });
      }
      const backend = (a('backend-protocol') ?? '').toLowerCase();
      return proxying({
        proxyProtocol: wantsProxy ? { version: 1 } : null,
        xForwardedFor: backend === 'http' || backend === 'https',
      });
    },
    proxyProtocolAnnotations: (version) => ({
      'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': version === 'off' ? null : '*',
    }),
    xForwardedForAnnotations: (on) => ({ 'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': on ? 'http' : null }),
    hostnameWorkaround: null,
    setsProxyIpModeWithProxyProtocol: false,
  },
  {
    id: 'digitalocean',
    label: 'DigitalOcean',
    names: ['digitalocean', 'do'],
    annotationPrefixes: ['service.beta.kubernetes.io/do-loadbalancer-'],
    providerIdSchemes: ['digitalocean'],
    loadBalancerClasses: [],
    // docs/domain.md#s7 DigitalOcean (docs/domain.md#src-S29): REGIONAL_NETWORK (default) is pass-through; REGIONAL proxies; a PROXY preamble or an
    // HTTP listener means the LB terminates TCP.
    behaviour(service, _port, cluster) {
      const a = (k: string) => service.annotations[`service.beta.kubernetes.io/do-loadbalancer-${k}`];
      const pp = truthy(a('enable-proxy-protocol'));
      const http = ['http', 'http2', 'https'].includes((a('protocol') ?? '').toLowerCase());
      // The default type is the CCM's: REGIONAL_NETWORK since CCM v0.1.61 (2025-05-29), REGIONAL before; DOKS moved to
      // it with Kubernetes 1.33. Without the annotation the type is taken from the cluster version, and said so
      // (docs/domain.md#s7.2).
      const minor = cluster?.kubernetesMinor ?? null;
      const type = a('type')?.toUpperCase() ?? (minor !== null && minor < 33 ? 'REGIONAL' : 'REGIONAL_NETWORK');
      const assumption = a('type')
        ? undefined
        : minor === null
          ? 'do-loadbalancer-type is unset and the cluster version is unknown: the current default, REGIONAL_NETWORK (pass-through), is assumed'
          : `do-loadbalancer-type is unset: on Kubernetes 1.${minor} the default is taken to be ${type} (${type === 'REGIONAL' ? 'a proxy' : 'pass-through'}; DOKS changed the default with 1.33)`;
      const over = assumption ? { assumption } : {};
      if (type !== 'REGIONAL' && !pp && !http) return passthrough(over);
      return proxying({ proxyProtocol: pp ? { version: 1 } : null, xForwardedFor: http, ...over });
    },
    proxyProtocolAnnotations: (version) => ({
      'service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol': version === 'off' ? null : 'true',
    }),
    xForwardedForAnnotations: (on) => ({ 'service.beta.kubernetes.io/do-loadbalancer-protocol': on ? 'http' : null }),
    hostnameWorkaround: 'service.beta.kubernetes.io/do-loadbalancer-hostname: <a DNS name pointing at the LB>',
    setsProxyIpModeWithProxyProtocol: false,
  },
  {
    id: 'hetzner',
    label: 'Hetzner Cloud',
    names: ['hetzner', 'hcloud'],
    annotationPrefixes: ['load-balancer.hetzner.cloud/'],
    providerIdSchemes: ['hcloud'],
    loadBalancerClasses: [],
    // docs/domain.md#s7 Hetzner (docs/domain.md#src-S30): the LB proxies unless PROXY protocol is on; protocol http/https adds X-Forwarded-For.
    behaviour(service) {
      const a = (k: string) => service.annotations[`load-balancer.hetzner.cloud/${k}`];
      return proxying({
        proxyProtocol: truthy(a('uses-proxyprotocol')) ? { version: null } : null,
        xForwardedFor: ['http', 'https'].includes((a('protocol') ?? '').toLowerCase()),
      });
    },
    proxyProtocolAnnotations: (version) => ({ 'load-balancer.hetzner.cloud/uses-proxyprotocol': version === 'off' ? null : 'true' }),
    xForwardedForAnnotations: (on) => ({ 'load-balancer.hetzner.cloud/protocol': on ? 'http' : null }),
    hostnameWorkaround: 'load-balancer.hetzner.cloud/hostname: <a DNS name pointing at the LB>',
    setsProxyIpModeWithProxyProtocol: false,
  },
  {
    id: 'linode',
    label: 'Linode NodeBalancer',
    names: ['linode', 'akamai'],
    annotationPrefixes: ['service.beta.kubernetes.io/linode-loadbalancer-'],
    providerIdSchemes: ['linode'],
    loadBalancerClasses: [],
    // docs/domain.md#s7 Linode (docs/domain.md#src-S31): default-proxy-protocol none|v1|v2 (old key proxy-protocol), overridable per port.
    behaviour(service, port) {
      const a = (k: string) => service.annotations[`service.beta.kubernetes.io/linode-loadbalancer-${k}`];
      let setting = a('default-proxy-protocol') ?? a('proxy-protocol') ?? 'none';
      let protocol = a('default-protocol') ?? 'tcp';
      const perPort = a(`port-${port}`);
      if (perPort) {
        try {
          const parsed = JSON.parse(perPort) as { 'proxy-protocol'?: string; protocol?: string };
          setting = parsed['proxy-protocol'] ?? setting;
          protocol = parsed.protocol ?? protocol;
        } catch {
          // An unparsable per-port annotation is ignored by the cloud controller too; the defaults apply.
        }
      }
      return proxying({
        proxyProtocol: setting === 'v1' ? { version: 1 } : setting === 'v2' ? { version: 2 } : null,
        xForwardedFor: ['http', 'https'].includes(protocol.toLowerCase()),
      });
    },
    proxyProtocolAnnotations: (version) => ({
      'service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol': version === 'off' ? 'none' : version,
    }),
    xForwardedForAnnotations: (on) => ({ 'service.beta.kubernetes.io/linode-loadbalancer-default-protocol': on ? 'http' : null }),
    hostnameWorkaround: 'service.beta.kubernetes.io/linode-loadbalancer-hostname-only-ingress: "true"',
    setsProxyIpModeWithProxyProtocol: false,
  },
  {
    id: 'scaleway',
    label: 'Scaleway',
    names: ['scaleway', 'scw'],
    annotationPrefixes: ['service.beta.kubernetes.io/scw-loadbalancer-'],
    providerIdSchemes: ['scaleway'],
    loadBalancerClasses: [],
    // docs/domain.md#s7 Scaleway (docs/domain.md#src-S32): proxy-protocol-v1 / -v2 take true, "*", or a port list.
    behaviour(service, port) {
      const a = (k: string) => service.annotations[`service.beta.kubernetes.io/scw-loadbalancer-${k}`];
      const version = coversPort(a('proxy-protocol-v2'), port) ? 2 : coversPort(a('proxy-protocol-v1'), port) ? 1 : null;
      return proxying({ proxyProtocol: version ? { version } : null });
    },
    proxyProtocolAnnotations: (version) => ({
      'service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v1': version === 'v1' ? 'true' : null,
      'service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2': version === 'v2' ? 'true' : null,
    }),
    xForwardedForAnnotations: null,
    hostnameWorkaround: 'service.beta.kubernetes.io/scw-loadbalancer-use-hostname: "true"',
    setsProxyIpModeWithProxyProtocol: false,
  },
  {
    id: 'azure',
    label: 'Azure Standard LB',
    names: ['azure'],
    annotationPrefixes: ['service.beta.kubernetes.io/azure-'],
    providerIdSchemes: ['azure'],
    loadBalancerClasses: [],
    // docs/domain.md#s7 Azure (docs/domain.md#src-S34): pass-through; PROXY exists only on Private Link Service traffic, not on the public path.
    behaviour: () => passthrough(),
    proxyProtocolAnnotations: null,
    xForwardedForAnnotations: null,
    hostnameWorkaround: null,
    setsProxyIpModeWithProxyProtocol: false,
  },
  {
    id: 'gce',
    label: 'Google Cloud passthrough LB',
    names: ['gce', 'gke', 'google'],
    annotationPrefixes: ['networking.gke.io/', 'cloud.google.com/'],
    providerIdSchemes: ['gce'],
    loadBalancerClasses: ['networking.gke.io/l4-regional-internal', 'networking.gke.io/l4-regional-external'],
    // docs/domain.md#s7 GKE (docs/domain.md#src-S35): L4 passthrough LBs keep the client address.
    behaviour: () => passthrough(),
    proxyProtocolAnnotations: null,
    xForwardedForAnnotations: null,
    hostnameWorkaround: null,
    setsProxyIpModeWithProxyProtocol: false,
  },
];

/** Used when nothing identifies the provider: assumed pass-through and said so in a finding. */
export const UNKNOWN_PROVIDER: LoadBalancerProvider = {
  id: 'unknown',
  label: 'unidentified load balancer',
  names: [],
  annotationPrefixes: [],
  providerIdSchemes: [],
  loadBalancerClasses: [],
  behaviour: () => passthrough(),
  proxyProtocolAnnotations: null,
  xForwardedForAnnotations: null,
  hostnameWorkaround: null,
  setsProxyIpModeWithProxyProtocol: false,
};

const byId = (id: string) => PROVIDERS.find((p) => p.id === id);

const schemesByInventory = new WeakMap<ClusterInventory, Set<string>>();

/** The nodes' providerID schemes ("openstack" of "openstack:///…"), computed once per inventory. */
function providerIdSchemes(inventory: ClusterInventory): Set<string> {
  let schemes = schemesByInventory.get(inventory);
  if (!schemes) {
    schemes = new Set(inventory.nodes.map((n) => n.providerID?.split(':')[0]?.toLowerCase() ?? '').filter(Boolean));
    schemesByInventory.set(inventory, schemes);
  }
  return schemes;
}

/**
 * k3s ServiceLB for one published address (docs/domain.md#s5): it is a node's own IP. An InternalIP is on the node's
 * interface, so kube-proxy's rules for the LB address catch the packet before the svclb hostPort and
 * externalTrafficPolicy applies as for any pass-through LB. An ExternalIP that differs from the InternalIP is taken
 * to be NAT'd in front of the node (a public cloud's floating IP, `--node-external-ip`): the packet then arrives for
 * the InternalIP, meets the svclb hostPort, and klipper-lb MASQUERADEs it toward DEST_IPS.
 */
export function servicelbBehaviour(inventory: ClusterInventory, lbAddress: string): LoadBalancerBehaviour {
  const natted = inventory.nodes.some((n) => n.externalIP === lbAddress && n.internalIP !== lbAddress);
  return passthrough(natted ? { mode: 'svclb' } : {});
}

/** The nodes whose own address a ServiceLB address is (docs/domain.md#s5): traffic for it enters only there. */
export function servicelbNodes<T extends { internalIP: string | null; externalIP: string | null }>(nodes: readonly T[], lbAddress: string): T[] {
  return nodes.filter((n) => n.internalIP === lbAddress || n.externalIP === lbAddress);
}

/**
 * Which provider serves a LoadBalancer Service: what discovery says (MetalLB / ServiceLB / the cloud's name),
 * then the provider's annotations on the Service, then the nodes' providerID scheme ("openstack:///…").
 */
export function resolveProvider(service: ServiceInfo, inventory: ClusterInventory): LoadBalancerProvider {
  if (service.loadBalancerProvider === 'metallb') return byId('metallb') ?? UNKNOWN_PROVIDER;
  if (service.loadBalancerProvider === 'servicelb') return byId('servicelb') ?? UNKNOWN_PROVIDER;
  if (service.loadBalancerProvider === 'cilium') return byId('cilium') ?? UNKNOWN_PROVIDER;
  const cloudName = inventory.loadBalancers.find((p) => p.provider === 'cloud')?.name?.toLowerCase();
  const byName = cloudName ? PROVIDERS.find((p) => p.names.includes(cloudName)) : undefined;
  if (byName) return byName;
  const keys = Object.keys(service.annotations);
  const byAnnotation = PROVIDERS.find((p) => keys.some((k) => p.annotationPrefixes.some((prefix) => k.startsWith(prefix))));
  if (byAnnotation) return byAnnotation;
  const schemes = providerIdSchemes(inventory);
  return PROVIDERS.find((p) => p.providerIdSchemes.some((s) => schemes.has(s))) ?? UNKNOWN_PROVIDER;
}
