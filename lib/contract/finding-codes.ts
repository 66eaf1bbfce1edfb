// Every finding code the path model emits, with its default severity and what it means. Part of the public API:
// `Finding.code` is this closed union, and nothing else may name a code.
import type { Severity } from './enums';

export const FINDING_CODES = {
  'snat-cluster-policy': {
    severity: 'warning',
    meaning: 'externalTrafficPolicy: Cluster masquerades outside traffic to the receiving node IP (docs/domain.md#s2.5, docs/lab.md#row-6, #row-7, #row-11).',
  },
  'local-no-endpoint': {
    severity: 'error',
    meaning: 'externalTrafficPolicy: Local on a node without a ready local endpoint drops the packets (docs/lab.md#row-9, #row-12).',
  },
  'cilium-snat-mode': {
    severity: 'warning',
    meaning: "Cilium's eBPF load balancer replaces kube-proxy in SNAT mode (bpf-lb-mode snat, hybrid for UDP, or the Service's forwarding-mode annotation): a request it forwards to a backend on another node carries that node's address (docs/domain.md#s2.10.2).",
  },
  'cilium-config-assumed': {
    severity: 'info',
    meaning: 'Cilium runs but kube-system/cilium-config was not read or does not name a setting the prediction rests on: its default was assumed (docs/domain.md#s2.10.1).',
  },
  'cilium-dsr-config-rejected': {
    severity: 'error',
    meaning: 'cilium-config asks for DSR with a tunnel that cannot carry it (tunnel routing needs geneve dispatch and the geneve tunnel protocol): the Cilium agent refuses to start (docs/domain.md#s2.10.2).',
  },
  'cilium-announcer-unknown': {
    severity: 'info',
    meaning: 'Cilium LB IPAM allocated the address but no cilium-l2announce Lease names a node: it may be announced by BGP, which hopscope does not model, or by nobody (docs/domain.md#s2.10.3).',
  },
  'lb-skips-nodes-without-endpoints': {
    severity: 'info',
    meaning: 'With Local, the LB health check on healthCheckNodePort keeps nodes without endpoints out (docs/domain.md#s2.1).',
  },
  'trust-assumed-for-lb': {
    severity: 'info',
    meaning: 'A trusted-proxy list is taken to cover a load balancer whose source address cannot be discovered: the verdict rests on that assumption (docs/domain.md#s6).',
  },
  'cloud-l7-needs-nodeport': {
    severity: 'error',
    meaning: 'A cloud L7 Ingress with node targets (ALB instance, GKE instance groups) points at a Service without a NodePort: no target, nothing answers (docs/domain.md#s6.4).',
  },
  'cloud-l7-target-assumed': {
    severity: 'info',
    meaning: 'Whether a cloud L7 load balancer sends to pod IPs or to NodePorts is not set on the objects: the default was assumed (docs/domain.md#s6.4).',
  },
  'cloud-l7-client-in-header': {
    severity: 'info',
    meaning: 'A cloud L7 load balancer terminates the connection: the backend sees the LB (or a node) as TCP source and the client only in X-Forwarded-For (docs/domain.md#s6.4).',
  },
  'lb-type-assumed': {
    severity: 'info',
    meaning: 'The load balancer type is not set on the Service and the provider\'s default changed between versions: the default was taken from the cluster version (docs/domain.md#s7.2).',
  },
  'external-ip-routing-assumed': {
    severity: 'info',
    meaning: 'A Service externalIP that is no node\'s address: Kubernetes does not route it, so which node it reaches is assumed (docs/domain.md#s2.11).',
  },
  'ipvs-strict-arp-off': {
    severity: 'warning',
    meaning: 'MetalLB layer 2 with kube-proxy in IPVS mode and no ipvs.strictARP: every node answers ARP for the address, so traffic reaches nodes MetalLB did not choose (docs/domain.md#s2.4, #s4).',
  },
  'lb-address-not-announced': {
    severity: 'error',
    meaning: 'MetalLB allocated the address from a pool that no L2Advertisement / BGPAdvertisement covers: nothing answers for it.',
  },
  'no-ready-endpoints': { severity: 'error', meaning: 'The Service has no ready endpoint: nothing answers.' },
  'proxy-lb-hides-client': {
    severity: 'warning',
    meaning: 'A proxying LB opens its own connection: without PROXY or X-Forwarded-For the client is gone (docs/lab.md#row-13–#row-14).',
  },
  'proxy-protocol-not-expected': {
    severity: 'error',
    meaning: 'The LB sends a PROXY preamble the receiver does not expect: requests fail with 400 (docs/lab.md#row-21).',
  },
  'proxy-protocol-not-sent': {
    severity: 'error',
    meaning: 'The receiver expects PROXY protocol but nothing on this path sends it: connections are closed (docs/lab.md#row-29).',
  },
  'in-cluster-proxy-protocol-short-circuit': {
    severity: 'warning',
    meaning: 'In-cluster clients of a VIP skip the LB, so they send no PROXY preamble and fail (docs/domain.md#s2.6, #s7; cert-manager HTTP-01).',
  },
  'proxy-protocol-app-must-parse': {
    severity: 'error',
    meaning: 'A PROXY preamble reaches an application pod that does not parse it (echoserver, whoami, most apps): requests fail with 400 (docs/domain.md#s8.1).',
  },
  'forwarded-headers-trust-all': {
    severity: 'error',
    meaning: 'The controller trusts X-Forwarded-For from every address, so any client can choose its address (docs/domain.md#s6.1 gotcha, docs/lab.md#row-25, #row-27).',
  },
  'forwarded-headers-trust-nodes': {
    severity: 'error',
    meaning: 'Forwarded headers are trusted from node addresses while Cluster policy makes every NodePort client arrive from a node: anyone reaching a NodePort can forge its address.',
  },
  'forged-header-passed': {
    severity: 'error',
    meaning: 'A client-supplied header passes a trusted hop unchanged and is taken as the client.',
  },
  'xff-ignored-by-controller': {
    severity: 'warning',
    meaning: 'The LB writes X-Forwarded-For but the controller replaces it with its TCP peer (docs/sources.md#seed-000, docs/domain.md#s6.1).',
  },
  'trusted-proxy-snat-mismatch': {
    severity: 'warning',
    meaning: 'Cluster policy behind a proxying LB makes the controller\'s TCP peer a node, so trusting only the LB drops XFF/PROXY (docs/lab.md#row-22–#row-23).',
  },
  'servicelb-masquerade': {
    severity: 'warning',
    meaning: 'A k3s ServiceLB address that is a NAT\'d node ExternalIP goes through the svclb pod, which masquerades: the backend sees the svclb pod or node (docs/domain.md#s5).',
  },
  'lb-annotation-misspelled': {
    severity: 'warning',
    meaning: 'An annotation looks like a client-IP setting but the cloud controller does not read it (docs/sources.md#seed-000 "x-forward-for").',
  },
  'lb-provider-unknown': {
    severity: 'info',
    meaning: 'No LB provider was identified; the LB is assumed to pass packets through unchanged.',
  },
  'client-address-lost': { severity: 'warning', meaning: 'Only an infrastructure address reaches the last hop.' },
  'hairpin-snat': {
    severity: 'info',
    meaning: 'A pod calling its own Service is masqueraded to its node IP (kube-proxy hairpin rule, docs/lab.md#row-4).',
  },
  'egress-snat': {
    severity: 'info',
    meaning: 'Pod traffic leaving the cluster is masqueraded to the node IP (docs/sources.md#seed-004, CNI natOutgoing).',
  },
  'egress-proxy-header': {
    severity: 'info',
    meaning: 'A transparent egress proxy sidecar writes the pod address into request headers (docs/sources.md#seed-004).',
  },
  'announcing-node-without-endpoint': {
    severity: 'error',
    meaning: 'Probes show that every node announcing a Local LB address has no ready local endpoint (healthCheckNodePort answers 503): outside clients are dropped.',
  },
  'ingress-no-controller': { severity: 'warning', meaning: 'No ingress controller claims this Ingress: it has no way in.' },
  'lb-http-listener-on-tls-port': {
    severity: 'error',
    meaning: 'Octavia x-forwarded-for makes the listener HTTP: a TLS port behind it cannot be enriched with a header and fails (docs/domain.md#s7.1).',
  },
  'internal-traffic-local': {
    severity: 'warning',
    meaning: 'internalTrafficPolicy: Local: pods on nodes without a ready local endpoint have their ClusterIP requests dropped (docs/domain.md#s2.5).',
  },
  'internal-traffic-local-no-endpoint': {
    severity: 'error',
    meaning: "The calling pod's node has no local endpoint of an internalTrafficPolicy: Local Service: kube-proxy drops the request (docs/domain.md#s2.5).",
  },
  'controller-version-assumed': {
    severity: 'info',
    meaning: 'A controller rule depends on its version, which its image tag does not tell: the older rule was assumed (docs/domain.md#s6.1.1).',
  },
  'allow-list-blocks-everyone': {
    severity: 'error',
    meaning: 'An allow-list (loadBalancerSourceRanges, an ingress-nginx source-range list, a NetworkPolicy ipBlock) is checked against a node / LB / proxy address that it does not hold: every client is refused (docs/domain.md#s10).',
  },
  'allow-list-admits-everyone': {
    severity: 'error',
    meaning: 'An allow-list is checked against a node / LB / proxy address that it holds (or is applied by nothing): every client gets in (docs/domain.md#s10).',
  },
  'allow-list-address-unknown': {
    severity: 'info',
    meaning: 'An allow-list is checked against an address hopscope cannot know (an LB member port, a CNI-dependent order): what it lets in rests on the stated assumption (docs/domain.md#s10).',
  },
  'traefik-static-file-unread': {
    severity: 'warning',
    meaning: 'Traefik loads its static configuration from a file hopscope cannot read (--configFile or a default location), which replaces every flag and env setting: the entry points\' settings are assumed to be the defaults (docs/domain.md#s6.2.3).',
  },
  'traefik-entry-point-assumed': {
    severity: 'warning',
    meaning: 'No Traefik entry point listens on the container port the controller Service sends to: the settings of an assumed entry point were used (docs/domain.md#s6.2.2).',
  },
  'ingressroute-service-not-followed': {
    severity: 'info',
    meaning: 'An IngressRoute route names a TraefikService or another non-Service backend: hopscope does not follow it (docs/domain.md#s6.2.4).',
  },
  'traefik-allow-list-checks-infrastructure': {
    severity: 'error',
    meaning: 'A Traefik ipAllowList checks an address that is a node, load balancer or pod on this path, not the client: it blocks every client or lets every client in (docs/domain.md#s6.2.5).',
  },
  'controller-not-modelled': {
    severity: 'info',
    meaning: 'This ingress controller kind has no dedicated model; generic proxy behaviour is assumed.',
  },
} as const satisfies Record<string, { severity: Severity; meaning: string }>;

export type FindingCode = keyof typeof FINDING_CODES;

export const FINDING_CODE_LIST = Object.keys(FINDING_CODES) as [FindingCode, ...FindingCode[]];
