import { describe, expect, it } from 'vitest';
import { planProbes, SPOOF_ADDRESS } from './plan';
import { TargetSet } from './targets';
import { inventory, node, path, pod, service } from '@/test/support/probe';

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

  it('sends its own PROXY header to an intercepted (ipMode VIP) LB address when the LB would add one', () => {
    const lbPath = path({
      id: 'lb',
      entry: { kind: 'loadBalancer', namespace: 'lab', name: 'echo-lb', host: null, address: '198.51.100.60', port: 80 },
    });
    lbPath.hops = [
      { ...lbPath.hops[0]!, id: 'client' },
      { ...lbPath.hops[0]!, id: 'lb', kind: 'loadBalancer' },
      { ...lbPath.hops[1]!, clientAddressVia: 'proxy-protocol' },
    ];
    const [direct] = planProbes([lbPath], inv);
    expect(direct?.target).toMatchObject({ address: '198.51.100.60', port: 80, proxyProtocol: 'v2' });
    const proxied = inventory({ nodes, pods: [echoPod], services: [{ ...local, loadBalancerIngress: [{ ip: '198.51.100.60', ipMode: 'Proxy' }] }] });
    expect(planProbes([lbPath], proxied)[0]?.target.proxyProtocol).toBeNull();
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
});
