// Every demo scenario (scenarios/*.yaml) through the real normaliser and the model: each scenario's documented
// point (its header description and scenarios/README.md) must come out as verdicts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenarioManifest } from '@/lib/demo/manifest';
import { normalizeInventory } from '@/lib/k8s/normalize';
import { rawObjectsFromManifest } from '@/lib/k8s/raw';
import type { Verdict } from '@/lib/types';
import { FINDING_CODES } from './findings';
import { buildPaths } from '@/lib/model';
import type { ModelPath } from './types';

const DIR = path.join(import.meta.dirname, '..', '..', 'scenarios');

function pathsOf(id: string): ModelPath[] {
  const manifest = parseScenarioManifest(readFileSync(path.join(DIR, `${id}.yaml`), 'utf8'), `${id}.yaml`);
  const inventory = normalizeInventory(rawObjectsFromManifest(manifest.objects), {
    source: { mode: 'demo', context: `demo/${id}`, server: '', scenario: id },
    errors: [],
    discoveredAt: '2026-01-01T00:00:00.000Z',
    durationMs: 0,
  });
  return buildPaths(inventory);
}

/** [path id prefix, verdict of every path with that prefix, a finding code each of them carries]. */
type Expectation = [prefix: string, verdict: Verdict, code?: string];

const EXPECTED: Record<string, Expectation[]> = {
  // docs/domain.md#s10: each list judged against the address its hop sees.
  'allow-lists': [
    // nginx checks $remote_addr = wk-b after Cluster SNAT: the office range alone refuses everyone (#s10.2).
    ['ingress:shop/office:office.example.com:shop-web@loadBalancer:ingress-nginx/ingress-nginx-controller:198.51.100.70:80@wk-b', 'lost', 'allow-list-blocks-everyone'],
    // The node subnet listed beside it lets everyone in (#s10.2).
    ['ingress:shop/intranet:intranet.example.com:shop-web@loadBalancer:ingress-nginx/ingress-nginx-controller:198.51.100.70:80@wk-b', 'lost', 'allow-list-admits-everyone'],
    // Behind the controller the backend's ipBlock sees the controller pod (#s10.3).
    ['ingress:shop/', 'lost', 'allow-list-blocks-everyone'],
    // Annotation only, on MetalLB: nothing applies it (#s10.1).
    ['loadBalancer:legacy/legacy-api:198.51.100.72:80@wk-a', 'lost', 'allow-list-admits-everyone'],
    // Local: kube-proxy's KUBE-FW and the ipBlock see the client; no allow-list finding (checked below).
    ['loadBalancer:reports/reports:198.51.100.71:80@wk-b', 'preserved'],
    ['nodePort:reports/reports:30930@wk-b', 'preserved'],
  ],
  'bare-metal-metallb': [
    ['ingress:shop/shop:shop.example.com:shop@loadBalancer:ingress-nginx/ingress-nginx-controller:198.51.100.50:443@wk-a', 'header'],
    ['loadBalancer:ingress-nginx/ingress-nginx-controller:198.51.100.50:80@wk-a', 'preserved'],
    ['loadBalancer:media/jellyfin:', 'lost', 'snat-cluster-policy'],
    ['loadBalancer:api/api-gateway:', 'preserved'],
    ['hostNetwork:monitoring/influxdb:8086', 'preserved'],
    ['hostPort:monitoring/influxdb-hostport:8087', 'preserved'],
    ['nodePort:monitoring/grafana:30000@', 'lost', 'snat-cluster-policy'],
  ],
  // docs/domain.md#s6.5, #s2.11: the controller in the host network is reached on each node's published address; a
  // ClusterIP Service in front gives no way in from outside. externalIPs follow externalTrafficPolicy.
  'bare-metal-hostnetwork': [
    ['ingress:apps/wiki:wiki.example.com:wiki@hostNetwork:ingress-nginx/ingress-nginx-controller-x4k2p:443', 'header'],
    ['ingress:apps/wiki:wiki.example.com:wiki@hostNetwork:ingress-nginx/ingress-nginx-controller-r7m3q:443', 'header'],
    ['hostNetwork:ingress-nginx/ingress-nginx-controller-x4k2p:80', 'preserved'],
    ['externalIP:apps/mail:203.0.113.72:80@bm-w2', 'preserved'],
    ['externalIP:apps/gateway:198.51.100.90:80@', 'lost', 'external-ip-routing-assumed'],
  ],
  // docs/domain.md#s6.4 (ALB), #s6.1 (ingress-nginx ≥ 1.13 with PROXY and forwarded headers), #s7 (LBC NLB ip targets).
  'eks-alb-nlb': [
    ['ingress:apps/api:api.example.com:api@aws-alb', 'header', 'cloud-l7-client-in-header'],
    ['ingress:apps/legacy:legacy.example.com:legacy@aws-alb@', 'header', 'cloud-l7-client-in-header'],
    ['ingress:apps/reports:reports.internal.example.com:reports@aws-alb', 'unreachable', 'cloud-l7-needs-nodeport'],
    ['ingress:apps/shop:shop.example.com:shop@loadBalancer:ingress-nginx/ingress-nginx-controller:', 'header', 'trust-assumed-for-lb'],
    ['nodePort:ingress-nginx/ingress-nginx-controller:', 'broken', 'proxy-protocol-not-sent'],
  ],
  // Cilium replaces kube-proxy with DSR (docs/domain.md#s2.10.2, #src-S60): Cluster keeps the client on every node; the
  // Service annotated forwarding-mode snat shows the node wherever a backend is on another node. The L2 Lease holder is
  // the only node the LB address enters (docs/domain.md#s2.10.3, #src-S65).
  'cilium-kpr-dsr': [
    ['loadBalancer:hopscope/hopscope-echo-dsr:198.51.100.200:80@k8s-w1', 'preserved'],
    ['nodePort:hopscope/hopscope-echo-dsr:31080@', 'preserved'],
    ['loadBalancer:hopscope/hopscope-echo-snat:198.51.100.201:80@k8s-w2', 'lost', 'cilium-snat-mode'],
    ['nodePort:hopscope/hopscope-echo-snat:31081@', 'lost', 'cilium-snat-mode'],
  ],
  'egress-tproxy': [
    ['egress:cluster', 'lost', 'egress-snat'],
    ['egress:default/tail-with-nginx-tranproxy', 'header', 'egress-proxy-header'],
  ],
  'gke-local': [
    ['loadBalancer:web/store-frontend:203.0.113.100:80@gke-prod-pool-1-8f3a2b1c-n1', 'preserved', 'lb-skips-nodes-without-endpoints'],
    ['loadBalancer:web/store-frontend:203.0.113.100:80@gke-prod-pool-1-8f3a2b1c-n2', 'preserved'],
    ['nodePort:web/store-frontend:30480@gke-prod-pool-1-8f3a2b1c-n3', 'unreachable', 'local-no-endpoint'],
    ['loadBalancer:backend/orders-api:', 'lost', 'snat-cluster-policy'],
  ],
  // docs/domain.md#s5: each ServiceLB address is its node's own IP, taken by kube-proxy (Cluster: SNAT).
  // Settings per entry point (docs/domain.md#s6.2.1, #s6.2.2): web trusts the LAN the nodes are on, so behind kube-proxy's
  // masquerade anyone can forge X-Forwarded-For there; websecure trusts nothing and the client is lost. The IngressRoute
  // names websecure and takes its settings, not web's (docs/domain.md#s6.2.4).
  'k3s-servicelb-traefik': [
    // Traefik's `web` trusts the node LAN. Through k3s-agent the masquerade writes that node's LAN address, so anyone
    // reaching it forges X-Forwarded-For; through k3s-server, where Traefik runs, it writes the cni0 bridge's gateway
    // (docs/domain.md#s2.12), which the list does not hold: the client is simply lost there.
    ['ingress:default/whoami:whoami.home.example:whoami@loadBalancer:kube-system/traefik:192.0.2.31:80@k3s-server', 'lost', 'snat-cluster-policy'],
    ['ingress:podinfo/podinfo:podinfo.home.example:podinfo@loadBalancer:kube-system/traefik:192.0.2.32:80@k3s-agent', 'spoofable', 'forwarded-headers-trust-nodes'],
    ['loadBalancer:kube-system/traefik:192.0.2.31:80@', 'lost', 'snat-cluster-policy'],
    ['loadBalancer:kube-system/traefik:192.0.2.32:80@', 'spoofable', 'forwarded-headers-trust-nodes'],
    ['loadBalancer:kube-system/traefik:192.0.2.31:443@', 'lost', 'snat-cluster-policy'],
    ['ingressRoute:default/whoami-secure:websecure:whoami.home.example:default/whoami@loadBalancer:kube-system/traefik:192.0.2.31:443@k3s-server', 'lost', 'snat-cluster-policy'],
    ['ingressRoute:default/whoami-secure:websecure:whoami.home.example:default/whoami@loadBalancer:kube-system/traefik:192.0.2.32:443@k3s-agent', 'lost', 'snat-cluster-policy'],
    // Its LAN allow-list checks the masqueraded node address, which is on the LAN (docs/domain.md#s6.2.5).
    ['ingressRoute:default/whoami-secure:websecure:', 'lost', 'traefik-allow-list-checks-infrastructure'],
  ],
  // Local: only the Traefik node is published (servicelb.go getStatus), the client reaches Traefik unchanged.
  'k3s-servicelb-local': [
    ['ingress:default/whoami:whoami.home.example:whoami@loadBalancer:kube-system/traefik:192.0.2.31:80@k3s-server', 'header'],
    ['ingress:podinfo/podinfo:podinfo.home.example:podinfo@loadBalancer:kube-system/traefik:192.0.2.31:80@k3s-server', 'header'],
    ['loadBalancer:kube-system/traefik:192.0.2.31:80@k3s-server', 'preserved'],
  ],
  lab: [
    ['ingress:lab/echo-a:', 'header'],
    ['ingress:lab/echo-b:', 'header'],
    ['ingress:lab/echo-trustall:', 'spoofable', 'forwarded-headers-trust-all'],
    ['loadBalancer:ingress-nginx/ingress-nopp:198.51.100.52:80@node1', 'broken', 'proxy-protocol-not-expected'],
    ['loadBalancer:lab/echo-octavia-tcp:', 'lost', 'proxy-lb-hides-client'],
    ['loadBalancer:lab/echo-metallb:198.51.100.60:80@node1', 'preserved'],
    ['loadBalancer:lab/echo-metallb-stale:198.51.100.61:80@node2', 'unreachable', 'local-no-endpoint'],
    ['nodePort:lab/echo-nodeport-cluster:', 'lost', 'snat-cluster-policy'],
    ['nodePort:lab/echo-nodeport-local:30081@node1', 'preserved'],
    ['nodePort:lab/echo-nodeport-local:30081@node2', 'unreachable'],
  ],
  'metallb-legacy-configmap': [['loadBalancer:web/web:198.51.100.80:80@metal-1', 'lost', 'snat-cluster-policy']],
  'openstack-proxy-broken': [
    ['loadBalancer:ingress-nginx/my-ingress-ingress-nginx-controller:', 'broken', 'proxy-protocol-not-expected'],
    ['ingress:default/echoserver-ingress:', 'broken', 'proxy-protocol-not-expected'],
  ],
  'openstack-proxy': [
    ['loadBalancer:ingress-nginx/my-ingress-ingress-nginx-controller:', 'header'],
    ['ingress:default/echoserver-ingress:', 'header'],
    ['nodePort:ingress-nginx/my-ingress-ingress-nginx-controller:', 'broken', 'proxy-protocol-not-sent'],
    // Octavia proxies to the NodePort: only its listener can apply loadBalancerSourceRanges (docs/domain.md#s10.1).
    ['loadBalancer:ingress-nginx/my-ingress-ingress-nginx-controller:', 'header', 'allow-list-address-unknown'],
  ],
  'openstack-xff': [
    ['loadBalancer:ingress-nginx/my-ingress-ingress-nginx-controller:203.0.113.40:80@', 'header'],
    // x-forwarded-for makes every Octavia listener HTTP: the TLS port cannot pass (docs/domain.md#s7.1).
    ['loadBalancer:ingress-nginx/my-ingress-ingress-nginx-controller:203.0.113.40:443@', 'broken', 'lb-http-listener-on-tls-port'],
    ['ingress:default/echoserver-ingress:', 'header'],
    ['nodePort:ingress-nginx/my-ingress-ingress-nginx-controller:', 'spoofable', 'forwarded-headers-trust-nodes'],
  ],
  'source-ip-tutorial': [
    ['clusterIP:default/clusterip:80', 'preserved'],
    ['nodePort:default/nodeport:30573@', 'lost', 'snat-cluster-policy'],
    ['nodePort:default/nodeport-local:30574@kubernetes-node-6jst', 'preserved'],
    ['nodePort:default/nodeport-local:30574@kubernetes-node-cx5k', 'unreachable', 'local-no-endpoint'],
    ['loadBalancer:default/loadbalancer:203.0.113.140:80@', 'preserved'],
  ],
  'spoofable-nginx': [
    ['ingress:hopscope/hopscope-echo:', 'spoofable', 'forwarded-headers-trust-all'],
    ['loadBalancer:ingress-nginx/ingress-nginx-controller:', 'spoofable', 'forwarded-headers-trust-all'],
  ],
};

describe('demo scenarios through the normaliser and the model', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();

  it('has expectations for every scenario file', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(Object.entries(EXPECTED))('%s', (id, expectations) => {
    const paths = pathsOf(id);

    it.each(expectations)('%s… ⇒ %s', (prefix, verdict, code) => {
      const matching = paths.filter((p) => p.id.startsWith(prefix));
      expect(matching.length, `no path starts with ${prefix}`).toBeGreaterThan(0);
      for (const p of matching) {
        expect(p.verdict, p.id).toBe(verdict);
        if (code) expect(p.findings.map((f) => f.code), p.id).toContain(code);
      }
    });

    it('has unique ids, documented finding codes and a fix or an explanation on every non-info finding', () => {
      expect(new Set(paths.map((p) => p.id)).size).toBe(paths.length);
      for (const f of paths.flatMap((p) => p.findings)) {
        expect(Object.keys(FINDING_CODES)).toContain(f.code);
        if (f.severity !== 'info') expect(f.message.length).toBeGreaterThan(20);
      }
    });
  });
});
