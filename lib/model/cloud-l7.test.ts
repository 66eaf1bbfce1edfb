// Rule: cloud L7 load balancers implement Ingress with no pod in the path (docs/domain.md#s6.4). The LB terminates
// the connection and appends the client to X-Forwarded-For: AWS ALB "X-Forwarded headers" (docs/domain.md#src-S38),
// GCLB "<client>, <load balancer>" (#src-S47), Application Gateway "<client>:<port>" (#src-S48). The backend sees the
// LB (or, through a NodePort under Cluster, a node) as peer: `header`, never `unreachable` for lack of a controller pod.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import type { NetPath } from '@/lib/types';
import { add, annotate, patch, scenarioInventory, type Edit } from '@/test/support/scenario-cluster';

function paths(prefix: string, ...edits: Edit[]): NetPath[] {
  const found = buildPaths(scenarioInventory('eks-alb-nlb', ...edits)).filter((p) => p.id.startsWith(prefix));
  if (found.length === 0) throw new Error(`no path starts with ${prefix}`);
  return found;
}

const API = 'ingress:apps/api:api.example.com:api@aws-alb';
const LEGACY = 'ingress:apps/legacy:legacy.example.com:legacy@aws-alb';
const REPORTS = 'ingress:apps/reports:reports.internal.example.com:reports@aws-alb';

describe('docs/domain.md#s6.4: AWS Load Balancer Controller ALB (docs/domain.md#src-S46, #src-S38)', () => {
  it.each([
    // [case, path prefix, edits, verdict, hop kinds, the app's TCP peer]
    ['target-type ip: the ALB sends to the pod', API, [], 'header', ['client', 'loadBalancer', 'pod'], 'loadBalancer'],
    ['target-type unset (default instance): every node\'s NodePort, masqueraded under Cluster', LEGACY, [], 'header', ['client', 'loadBalancer', 'node', 'pod'], 'node'],
    [
      'instance targets with a Local NodePort Service: the health check leaves only the endpoint\'s node, which keeps the ALB as peer',
      LEGACY,
      [patch('Service', 'legacy', (s) => (s.spec.externalTrafficPolicy = 'Local'))],
      'header',
      ['client', 'loadBalancer', 'node', 'pod'],
      'loadBalancer',
    ],
    ['a Service annotation target-type: ip overrides the Ingress default', REPORTS, [annotate('Service', 'reports', { 'alb.ingress.kubernetes.io/target-type': 'ip' })], 'header', ['client', 'loadBalancer', 'pod'], 'loadBalancer'],
  ] as const)('%s', (_name, prefix, edits, verdict, kinds, peer) => {
    for (const p of paths(prefix, ...edits)) {
      expect(p.verdict, p.id).toBe(verdict);
      expect(p.hops.map((h) => h.kind)).toEqual(kinds);
      const app = p.hops.at(-1)!;
      expect(app.expectedPeerRole).toBe(peer);
      expect(app.clientAddressVia).toBe('x-forwarded-for');
      expect(app.believedClientRole).toBe('client');
      expect(p.findings.map((f) => f.code)).toContain('cloud-l7-client-in-header');
      // No controller pod is looked for: the old model called these paths unreachable.
      expect(p.findings.map((f) => f.code)).not.toContain('controller-not-modelled');
    }
  });

  it('instance targets (the default) to a ClusterIP Service: no target can be registered, with the annotation that fixes it', () => {
    const [p] = paths(REPORTS);
    expect(p!.verdict).toBe('unreachable');
    const f = p!.findings.find((x) => x.code === 'cloud-l7-needs-nodeport');
    expect(f?.fix).toBe('kubectl annotate ingress -n apps reports alb.ingress.kubernetes.io/target-type=ip --overwrite');
  });

  it.each([
    ['append (the default) adds the client', null, 'header'],
    ['preserve passes X-Forwarded-For as the client sent it: nothing vouched for', 'routing.http.xff_header_processing.mode=preserve', 'lost'],
    ['remove drops the header', 'routing.http.xff_header_processing.mode=remove', 'lost'],
  ] as const)('routing.http.xff_header_processing.mode: %s', (_name, attributes, verdict) => {
    const edit = annotate('Ingress', 'api', { 'alb.ingress.kubernetes.io/load-balancer-attributes': attributes });
    expect(paths(API, edit)[0]!.verdict).toBe(verdict);
  });

  it('a client forging X-Forwarded-For does not win: the ALB appends the real client after it', () => {
    const [p] = paths(API);
    expect(p!.verdict).toBe('header');
    const forged = p!.hops.at(-1)!.forgedArrival!;
    expect(forged.xForwardedFor.map((a) => a.role)).toEqual(['attacker', 'client']);
    expect(forged.believed.role).toBe('client');
  });
});

const gkeNodes: Edit = (objects) => {
  for (const o of objects) {
    const node = o as unknown as { kind: string; metadata: { name: string }; spec: { providerID: string } };
    if (node.kind === 'Node') node.spec.providerID = `gce://shop-prod/europe-west1-b/${node.metadata.name}`;
  }
  return objects;
};
const gceIngress = (annotations: Record<string, string>, ingressClassName?: string) =>
  add({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'store', namespace: 'apps', annotations },
    spec: { ...(ingressClassName ? { ingressClassName } : {}), rules: [{ host: 'store.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }] },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.150' }] } },
  } as never);
const STORE = 'ingress:apps/store:store.example.com:api@';

describe('docs/domain.md#s6.4: GKE Ingress (docs/domain.md#src-S47)', () => {
  it.each([
    ['no class at all on a GKE cluster: GKE processes it', [gkeNodes, gceIngress({})], 'gce'],
    ['kubernetes.io/ingress.class: gce wins over spec.ingressClassName', [gkeNodes, gceIngress({ 'kubernetes.io/ingress.class': 'gce' }, 'nginx')], 'gce'],
    ['gce-internal', [gkeNodes, gceIngress({ 'kubernetes.io/ingress.class': 'gce-internal' })], 'gce'],
    ['ingressClassName nginx and no annotation: not GKE\'s', [gkeNodes, gceIngress({}, 'nginx')], 'loadBalancer'],
  ] as const)('%s', (_name, edits, via) => {
    const found = paths(STORE, ...edits);
    expect(found.every((p) => p.id.startsWith(`${STORE}${via}`)), found.map((p) => p.id).join()).toBe(true);
  });

  it('GCLB appends "<client>, <load balancer>": the client is second from the right, and the NEG default is an assumption', () => {
    const [p] = paths(STORE, gkeNodes, gceIngress({ 'kubernetes.io/ingress.class': 'gce' }));
    expect(p!.verdict).toBe('header');
    const app = p!.hops.at(-1)!;
    expect(app.arrival?.xForwardedFor.map((a) => a.role)).toEqual(['client', 'loadBalancer']);
    expect(app.believedClientRole).toBe('client');
    expect(p!.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['cloud-l7-target-assumed', 'cloud-l7-client-in-header']));
  });

  it('cloud.google.com/neg without ingress: true means instance groups through the NodePort', () => {
    const edits = [gkeNodes, gceIngress({ 'kubernetes.io/ingress.class': 'gce' }), annotate('Service', 'api', { 'cloud.google.com/neg': '{"exposed_ports": {"80": {}}}' })];
    const [p] = paths(STORE, ...edits);
    // api is a ClusterIP Service: instance groups cannot reach it.
    expect(p!.verdict).toBe('unreachable');
    expect(p!.findings.find((f) => f.code === 'cloud-l7-needs-nodeport')?.fix).toContain('cloud.google.com/neg={"ingress": true}');
  });
});

describe('docs/domain.md#s6.4: Azure Application Gateway Ingress Controller (docs/domain.md#src-S48)', () => {
  it('kubernetes.io/ingress.class: azure/application-gateway sends to pod IPs with the client in X-Forwarded-For', () => {
    const [p] = paths(STORE, gceIngress({ 'kubernetes.io/ingress.class': 'azure/application-gateway' }));
    expect(p!.id).toBe(`${STORE}azure-application-gateway`);
    expect(p!.verdict).toBe('header');
    expect(p!.hops.map((h) => h.kind)).toEqual(['client', 'loadBalancer', 'pod']);
  });
});
