// Which endpoints kube-proxy uses (docs/domain.md#s3.1: pkg/proxy/topology.go CategorizeEndpoints): ready ones, else
// those terminating but still serving — independently for Cluster and for Local — and internalTrafficPolicy: Local,
// which drops ClusterIP traffic on a node without a local endpoint (docs/domain.md#s2.5, #src-S12). Controller pods
// without status conditions take their readiness from the EndpointSlice (docs/domain.md#s3.1, #src-S16).
import type { V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import { normalizeInventory } from '@/lib/k8s/normalize';
import { emptyRawObjects } from '@/lib/k8s/raw';
import type { EndpointInfo, TrafficPolicy } from '@/lib/types';
import { LAB, inventory, node, port, service } from '@/test/support/lab-inventory';
import { predictInCluster } from './vantage';

const ep = (nodeName: string, ready: boolean, serving: boolean, terminating: boolean, ip: string = LAB.echoPod): EndpointInfo => ({ ip, nodeName, ready, serving, terminating, targetRef: null });

describe('docs/domain.md#s3.1: terminating endpoints that still serve', () => {
  const nodePortOf = (policy: TrafficPolicy, endpoints: EndpointInfo[]) => {
    const inv = inventory({ services: [service({ name: 'echo', type: 'NodePort', policy, ports: [port(80, 30080)], endpoints })] });
    return buildPaths(inv).find((p) => p.id === 'nodePort:default/echo:30080@node1')!;
  };

  it.each([
    // policy, the endpoint on node1, verdict, the peer the app sees, the finding
    ['Local', ep('node1', true, true, false), 'preserved', 'client', null],
    ['Local', ep('node1', false, true, true), 'preserved', 'client', null],
    ['Local', ep('node1', false, false, true), 'unreachable', null, 'no-ready-endpoints'],
    ['Local', ep('node2', false, true, true, '10.244.2.10'), 'unreachable', null, 'local-no-endpoint'],
    ['Cluster', ep('node2', false, true, true, '10.244.2.10'), 'lost', 'node', 'snat-cluster-policy'],
  ] as const)('%s, endpoint %o ⇒ %s', (policy, endpoint, verdict, peer, code) => {
    const path = nodePortOf(policy, [endpoint]);
    expect(path.verdict).toBe(verdict);
    if (peer) expect(path.hops.at(-1)?.expectedPeerRole).toBe(peer);
    if (code) expect(path.findings.map((f) => f.code)).toContain(code);
  });

  it('Local prefers a ready local endpoint; a terminating one is used only when no local one is ready', () => {
    const path = nodePortOf('Local', [ep('node1', false, true, true, '10.244.1.11'), ep('node1', true, true, false, '10.244.1.12')]);
    expect(path.hops.at(-1)?.address).toBe('10.244.1.12');
  });
});

describe('docs/domain.md#s2.5: internalTrafficPolicy: Local', () => {
  const NODES = [node('node1', LAB.node1, { podCIDRs: ['10.244.1.0/24'] }), node('node2', LAB.node2, { podCIDRs: ['10.244.2.0/24'] })];
  const itpLocal = inventory({
    nodes: NODES,
    services: [{ ...service({ name: 'echo', clusterIP: '10.96.0.10', endpoints: [ep('node1', true, true, false)] }), internalTrafficPolicy: 'Local' }],
  });
  const CLUSTER_IP = 'clusterIP:default/echo:80';

  it('the ClusterIP path names the nodes whose pods are dropped, with the fix', () => {
    const path = buildPaths(itpLocal).find((p) => p.id === CLUSTER_IP)!;
    const f = path.findings.find((x) => x.code === 'internal-traffic-local');
    expect(f).toMatchObject({ severity: 'warning', hopId: 'service:default/echo' });
    expect(f?.message).toContain('pods on node2');
    expect(f?.message).not.toContain('node1');
    expect(f?.fix).toContain(`kubectl patch service -n default echo -p '{"spec":{"internalTrafficPolicy":"Cluster"}}'`);
  });

  it.each([
    [{ node: 'node1', address: '10.244.1.30' }, 'preserved', 'ok'],
    [{ node: 'node2', address: '10.244.2.30' }, 'unreachable', 'timeout'],
  ] as const)('a pod on %o ⇒ %s', (prober, verdict, outcome) => {
    expect(predictInCluster(itpLocal, { id: CLUSTER_IP }, prober)).toMatchObject({ verdict, expectedOutcome: outcome });
  });

  it('Cluster (the default) names no node', () => {
    const inv = inventory({ nodes: NODES, services: [service({ name: 'echo', clusterIP: '10.96.0.10', endpoints: [ep('node1', true, true, false)] })] });
    const path = buildPaths(inv).find((p) => p.id === CLUSTER_IP)!;
    expect(path.findings.map((f) => f.code)).not.toContain('internal-traffic-local');
    expect(predictInCluster(inv, { id: CLUSTER_IP }, { node: 'node2', address: '10.244.2.30' })).toMatchObject({ verdict: 'preserved' });
  });
});

describe('docs/domain.md#s3.1: controller readiness from the EndpointSlice when the pod has no conditions', () => {
  const controllerPod = (conditions: { type: string; status: string }[] | undefined): V1Pod => ({
    metadata: { name: 'ingress-nginx-controller-0', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    spec: { nodeName: 'node1', containers: [{ name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.13.2', args: ['/nginx-ingress-controller'] }] },
    status: { phase: 'Running', podIP: LAB.ingressPod, ...(conditions ? { conditions } : {}) },
  });
  const svc: V1Service = {
    metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', selector: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: [{ port: 80 }] },
  };
  const slice = (ready: boolean): V1EndpointSlice => ({
    addressType: 'IPv4',
    metadata: { name: 'ingress-nginx-controller-abcde', namespace: 'ingress-nginx', labels: { 'kubernetes.io/service-name': 'ingress-nginx-controller' } },
    endpoints: [{ addresses: [LAB.ingressPod], nodeName: 'node1', conditions: { ready }, targetRef: { kind: 'Pod', namespace: 'ingress-nginx', name: 'ingress-nginx-controller-0' } }],
  });
  const ctx = { source: { mode: 'demo' as const, context: 'demo/unit', server: '' }, errors: [], discoveredAt: '2025-01-01T00:00:00.000Z', durationMs: 0 };
  const readiness = (pod: V1Pod, ready: boolean) =>
    normalizeInventory({ ...emptyRawObjects(), pods: [pod], services: [svc], endpointSlices: [slice(ready)] }, ctx).ingressControllers[0]!.pods[0]!.ready;

  it.each([
    ['no conditions, EndpointSlice ready', undefined, true, true],
    ['no conditions, EndpointSlice not ready', undefined, false, false],
    ['Ready=False wins over the EndpointSlice', [{ type: 'Ready', status: 'False' }], true, false],
    ['Ready=True wins over the EndpointSlice', [{ type: 'Ready', status: 'True' }], false, true],
  ] as const)('%s ⇒ ready %s', (_name, conditions, sliceReady, expected) => {
    expect(readiness(controllerPod(conditions ? [...conditions] : undefined), sliceReady)).toBe(expected);
  });
});
