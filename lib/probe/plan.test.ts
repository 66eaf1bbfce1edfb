import { describe, expect, it } from 'vitest';
import { planProbes, SPOOF_ADDRESS } from './plan';
import { TargetSet } from './targets';
import { ingress, inventory, node, path, pod, service } from '@/test/support/probe';

const nodes = [node('node1', '192.0.2.11', '10.244.1.0/24'), node('node2', '192.0.2.12', '10.244.2.0/24')];
// The hopscope echo (as the chart labels it) is the Service's only endpoint, so its paths are probe targets (scope.ts).
const echoPod = pod({ namespace: 'lab', name: 'echo-0', ip: '10.244.1.10', nodeName: 'node1', roles: ['echo'], labels: { 'app.kubernetes.io/name': 'hopscope-echo' } });
const echoEndpoint = { ip: '10.244.1.10', nodeName: 'node1', ready: true, targetRef: { kind: 'Pod', namespace: 'lab', name: 'echo-0' } };
const local = service({
  namespace: 'lab',
  name: 'echo-lb',
  type: 'LoadBalancer',
  clusterIP: '10.96.0.13',
  externalTrafficPolicy: 'Local',
  healthCheckNodePort: 32082,
  loadBalancerIPs: ['198.51.100.60'],
  loadBalancerIngress: [{ ip: '198.51.100.60' }],
  ports: [{ name: 'http', port: 80, nodePort: 30082, targetPort: 8080, protocol: 'TCP' }],
  endpoints: [echoEndpoint],
});
const inv = inventory({ nodes, services: [local], pods: [echoPod] });

describe('TargetSet', () => {
  const set = TargetSet.fromInventory(inv);
  it.each([
    ['192.0.2.11', 30082, true],
    ['192.0.2.12', 32082, true],
    ['198.51.100.60', 80, true],
    ['10.96.0.13', 80, true],
    ['10.244.1.10', 8080, true],
    ['192.0.2.11', 22, false],
    ['203.0.113.99', 80, false],
    ['127.0.0.1', 80, false],
  ])('%s:%d discovered = %s', (address, port, known) => {
    expect(set.has(address, port)).toBe(known);
  });
});

describe('planProbes', () => {
  it('probes a NodePort on every node, nodes with an endpoint first, and spoofs the first one', () => {
    const planned = planProbes([path({ id: 'np', entry: { kind: 'nodePort', namespace: 'lab', name: 'echo-lb', host: null, address: null, port: 30082 } })], inv);
    expect(planned.map((p) => [p.kind, `${p.target.address}:${p.target.port}`, p.nodeName])).toEqual([
      ['direct', '192.0.2.11:30082', 'node1'],
      ['direct', '192.0.2.12:30082', 'node2'],
      ['spoof', '192.0.2.11:30082', 'node1'],
      ['health-check', '192.0.2.11:32082', 'node1'],
      ['health-check', '192.0.2.12:32082', 'node2'],
    ]);
    expect(planned.find((p) => p.kind === 'spoof')?.forgedHeaders).toContainEqual(['X-Forwarded-For', SPOOF_ADDRESS]);
  });

  it('never writes a PROXY line of its own, also where the LB would add one and kube-proxy intercepts the address', () => {
    const lbPath = path({
      id: 'lb',
      entry: { kind: 'loadBalancer', namespace: 'lab', name: 'echo-lb', host: null, address: '198.51.100.60', port: 80 },
    });
    lbPath.hops = [
      { ...lbPath.hops[0]!, id: 'client' },
      { ...lbPath.hops[0]!, id: 'lb', kind: 'loadBalancer' },
      { ...lbPath.hops[1]!, clientAddressVia: 'proxy-protocol' },
    ];
    const planned = planProbes([lbPath], inv).filter((p) => p.kind !== 'health-check');
    expect(planned.map((p) => p.kind)).toEqual(['direct', 'spoof']);
    expect(planned.every((p) => !p.target.proxyProtocol)).toBe(true);
  });

  it('plans the spoof test from the prediction for its vantage', () => {
    const np = path({ id: 'np', entry: { kind: 'nodePort', namespace: 'lab', name: 'echo-lb', host: null, address: '192.0.2.12', port: 30082 }, expectedOutcome: 'timeout' });
    const kinds = (options: Parameters<typeof planProbes>[2]) => planProbes([np], inv, options).map((p) => p.kind).filter((k) => k !== 'health-check');
    // From outside node2 drops (no endpoint, Local); a pod on node2 gets through (the pod-traffic rule).
    expect(kinds({})).toEqual(['direct']);
    expect(kinds({ expectedOutcome: () => 'ok' })).toEqual(['direct', 'spoof']);
  });

  it('never plans a target the inventory does not have', () => {
    const foreign = path({ id: 'x', entry: { kind: 'loadBalancer', namespace: 'lab', name: 'echo-lb', host: null, address: '203.0.113.99', port: 80 } });
    const egress = path({ id: 'e', entry: { kind: 'egress', namespace: 'lab', name: 'echo-lb', host: null, address: '203.0.113.99', port: 443 } });
    const planned = planProbes([foreign, egress], inv);
    expect(planned.filter((p) => p.kind !== 'health-check')).toEqual([]);
    const set = TargetSet.fromInventory(inv);
    expect(planned.every((p) => set.has(p.target.address, p.target.port))).toBe(true);
  });

  it('probes a ClusterIP and its ready endpoints directly', () => {
    const planned = planProbes([path({ id: 'c', entry: { kind: 'clusterIP', namespace: 'lab', name: 'echo-lb', host: null, address: '10.96.0.13', port: 80 } })], inv);
    expect(planned.filter((p) => p.kind === 'direct').map((p) => `${p.target.address}:${p.target.port}`)).toEqual(['10.96.0.13:80', '10.244.1.10:8080']);
  });

  it('probes only the ClusterIP itself under internalTrafficPolicy Local: the endpoint answers where the ClusterIP drops (docs/lab.md#row-47)', () => {
    const itpLocal = { ...local, internalTrafficPolicy: 'Local' as const };
    const planned = planProbes([path({ id: 'c', entry: { kind: 'clusterIP', namespace: 'lab', name: 'echo-lb', host: null, address: '10.96.0.13', port: 80 } })], inventory({ nodes, services: [itpLocal], pods: [echoPod] }));
    expect(planned.filter((p) => p.kind === 'direct').map((p) => `${p.target.address}:${p.target.port}`)).toEqual(['10.96.0.13:80']);
  });
});

describe('planProbes and Ingress hosts', () => {
  const controllerPod = pod({ namespace: 'ingress-nginx', name: 'ctrl-0', ip: '10.244.1.20', nodeName: 'node1', roles: ['ingress-controller'] });
  const controllerSvc = service({
    namespace: 'ingress-nginx',
    name: 'ingress-a',
    type: 'LoadBalancer',
    clusterIP: '10.96.0.20',
    labels: { 'hopscope.io/probe-target': 'true' },
    loadBalancerIPs: ['198.51.100.50'],
    loadBalancerIngress: [{ ip: '198.51.100.50' }],
    ports: [
      { name: 'http', port: 80, nodePort: 30880, targetPort: 80, protocol: 'TCP' },
      { name: 'https', port: 443, nodePort: 30443, targetPort: 443, protocol: 'TCP' },
    ],
    endpoints: [{ ip: '10.244.1.20', nodeName: 'node1', ready: true, targetRef: { kind: 'Pod', namespace: 'ingress-nginx', name: 'ctrl-0' } }],
  });
  const controller = {
    id: 'ingress-nginx/ingress-nginx/ctrl',
    kind: 'ingress-nginx' as const,
    namespace: 'ingress-nginx',
    service: 'ingress-a',
    settings: { useForwardedHeaders: false, useProxyProtocol: false, computeFullForwardedFor: false, trustedCIDRs: [], origin: 'defaults' },
    ingressClasses: ['a'],
    pods: [{ namespace: 'ingress-nginx', name: 'ctrl-0', ip: '10.244.1.20', nodeName: 'node1', ready: true }],
  };
  const served = ingress({ namespace: 'shop', name: 'shop', className: 'a', hosts: ['shop.example.com', 'api.example.com'], tls: true, tlsHosts: ['shop.example.com'], controller });
  const withIngress = inventory({ nodes, pods: [controllerPod], services: [controllerSvc], ingressControllers: [controller], ingresses: [served] });
  const entry = (kind: 'loadBalancer' | 'nodePort' | 'clusterIP', address: string, port: number, scheme: 'http' | 'https' = 'http') =>
    path({ id: `${kind}-${port}`, entry: { kind, namespace: 'ingress-nginx', name: 'ingress-a', host: null, address, port, scheme } });
  const hostsOf = (p: ReturnType<typeof entry>, i = withIngress) =>
    planProbes([p], i).filter((x) => x.kind !== 'health-check').map((x) => [x.kind, x.target.address, x.target.host ?? null, x.target.tls ?? false]);

  it("sends a served Ingress's host (Host and SNI) on every probe of the controller's own Service", () => {
    // Hosts in name order: api.example.com on a plain port; the TLS host on the TLS port.
    expect(hostsOf(entry('loadBalancer', '198.51.100.50', 80))).toEqual([
      ['direct', '198.51.100.50', 'api.example.com', false],
      ['spoof', '198.51.100.50', 'api.example.com', false],
    ]);
    expect(hostsOf(entry('nodePort', '192.0.2.11', 30443, 'https'))).toEqual([
      ['direct', '192.0.2.11', 'shop.example.com', true],
      ['spoof', '192.0.2.11', 'shop.example.com', true],
    ]);
    // The ClusterIP and the controller pod addressed directly.
    expect(hostsOf(entry('clusterIP', '10.96.0.20', 80)).map((h) => h.slice(0, 3))).toEqual([
      ['direct', '10.96.0.20', 'api.example.com'],
      ['direct', '10.244.1.20', 'api.example.com'],
      ['spoof', '10.96.0.20', 'api.example.com'],
    ]);
  });

  it('sends no host where the controller serves no Ingress', () => {
    const bare = { ...withIngress, ingresses: [] };
    expect(hostsOf(entry('loadBalancer', '198.51.100.50', 80), bare)).toEqual([
      ['direct', '198.51.100.50', null, false],
      ['spoof', '198.51.100.50', null, false],
    ]);
  });
});
