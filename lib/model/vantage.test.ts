// What a pod of the cluster is predicted to find (docs/vantages.md): kube-proxy's rules on the pod's own node
// (docs/domain.md#s2.6, #s2.7), the CNI's masquerade of what leaves it (docs/domain.md#s2.8), the address a masquerade
// writes (docs/domain.md#s2.9). Each case changes one input of the rule and checks that the prediction follows.
import { describe, expect, it } from 'vitest';
import type { ClusterInventory, CniInfo, TrafficPolicy } from '@/lib/types';
import { buildPaths } from '@/lib/model';
import { LAB, endpoint, ingressSetup, inventory, nginxSettings, node, pod, port, service } from '@/test/support/lab-inventory';
import { scenarioInventory } from '@/test/support/samples';
import { ANY_POD, inClusterPredictor, nodeOfAddress, outsidePrediction, predictInCluster, type Prober } from './vantage';

const OPENSTACK = [{ provider: 'cloud' as const, name: 'openstack', pools: [] }];
const CALICO: CniInfo = { name: 'calico', natOutgoing: true };
const NODES = [
  node('node1', LAB.node1, { podCIDRs: ['10.244.1.0/24'] }),
  node('node2', LAB.node2, { podCIDRs: ['10.244.2.0/24'] }),
  node('node3', '192.0.2.13', { podCIDRs: ['10.244.3.0/24'] }),
];
/** A pod on node2 (no endpoint there) and one on node1 (next to the echo). */
const ON_NODE2: Prober = { node: 'node2', address: '10.244.2.30' };
const ON_NODE1: Prober = { node: 'node1', address: '10.244.1.30' };

interface Setup {
  policy?: TrafficPolicy;
  ipMode?: 'VIP' | 'Proxy';
  clusterCIDR?: string | null;
  cni?: CniInfo;
}

/** The echo behind an LB address (an Octavia TCP listener: the LB's member port is the echo's peer from outside). */
function echoLb({ policy = 'Local', ipMode, clusterCIDR = '10.244.0.0/16', cni = CALICO }: Setup = {}): ClusterInventory {
  return inventory({
    nodes: NODES,
    kubeProxy: { mode: 'iptables', source: 'configmap', clusterCIDR },
    cni,
    loadBalancers: OPENSTACK,
    services: [service({ name: 'echo', type: 'LoadBalancer', lbAddress: LAB.vip, ipMode, ports: [port(80, 30080)], policy })],
  });
}

const LB = `loadBalancer:default/echo:${LAB.vip}:80@node1`;
const NODEPORT = (n: string) => `nodePort:default/echo:30080@${n}`;
const predict = (inv: ClusterInventory, id: string, prober: Prober) => {
  const prediction = predictInCluster(inv, { id }, prober);
  if (!prediction) throw new Error(`no in-cluster prediction for ${id}`);
  return prediction;
};

describe('an LB address with ipMode VIP or unset: intercepted on the pod\'s own node (docs/domain.md#s2.7)', () => {
  it.each([
    // Cluster masquerades to the pod's node, whichever node the endpoint is on.
    ['Cluster', '10.244.0.0/16', ON_NODE2, 'lost', 'ok', 'node'],
    ['Cluster', '10.244.0.0/16', ON_NODE1, 'lost', 'ok', 'node'],
    // Local with a cluster CIDR: the "pod traffic" rule, any endpoint, the pod's own address (docs/lab.md#row-34).
    ['Local', '10.244.0.0/16', ON_NODE2, 'preserved', 'ok', 'client'],
    // Local without one: only the pod's own node's endpoints; node2 has none and drops.
    ['Local', null, ON_NODE2, 'unreachable', 'timeout', 'none'],
    ['Local', null, ON_NODE1, 'preserved', 'ok', 'client'],
  ] as const)('%s, cluster CIDR %s, pod %o → %s (%s)', (policy, clusterCIDR, prober, verdict, outcome, peerRole) => {
    const prediction = predict(echoLb({ policy, clusterCIDR }), LB, prober);
    expect(prediction).toMatchObject({ vantage: 'in-cluster', verdict, expectedOutcome: outcome, peerRole });
    expect(prediction.note).toContain(`kube-proxy on ${prober.node} intercepts ${LAB.vip}`);
  });

  it('meets no load balancer: the outside prediction is the LB member port, the pod finds itself', () => {
    const inv = echoLb({ policy: 'Local' });
    const path = buildPaths(inv).find((p) => p.id === LB)!;
    expect(outsidePrediction(path)).toMatchObject({ vantage: 'outside', verdict: 'lost', peerRole: 'loadBalancer' });
    expect(predict(inv, LB, ON_NODE2)).toMatchObject({ verdict: 'preserved', peerRole: 'client' });
  });

  it("says when the pod's address is outside kube-proxy's cluster CIDR, so the pod-traffic rule does not match", () => {
    const prediction = predict(echoLb({ policy: 'Local', clusterCIDR: '10.42.0.0/16' }), LB, ON_NODE2);
    expect(prediction).toMatchObject({ verdict: 'unreachable', expectedOutcome: 'timeout' });
    expect(prediction.note).toContain("outside kube-proxy's cluster CIDR 10.42.0.0/16");
  });

  it('a prober in the host network is masqueraded to its own address, also under Local without endpoint (docs/domain.md#s2.9)', () => {
    expect(predict(echoLb({ policy: 'Local', clusterCIDR: null }), LB, { node: null, address: LAB.node2 })).toMatchObject({ verdict: 'preserved', peerRole: 'client' });
  });
});

describe('an LB address with ipMode Proxy: the pod really goes through the LB, masqueraded on the way out (docs/domain.md#s2.8)', () => {
  /** nginx (b): PROXY from the LB, trusting the LB and the node range, as in docs/lab.md#row-37. */
  function proxyIntoNginx(cni: CniInfo, ipMode: 'VIP' | 'Proxy' = 'Proxy'): ClusterInventory {
    const setup = ingressSetup({
      controllerService: { name: 'ingress-nginx-controller', type: 'LoadBalancer', lbAddress: LAB.vip, ipMode, ports: [port(80, 30880)], policy: 'Local', annotations: { 'loadbalancer.openstack.org/proxy-protocol': 'v2' } },
      settings: nginxSettings({ useProxyProtocol: true, trustedCIDRs: [`${LAB.lbInside}/32`] }),
    });
    return inventory({ ...setup, nodes: NODES, cni, loadBalancers: OPENSTACK });
  }
  const INGRESS = `ingress:default/echo:echo.example.test:echo@loadBalancer:ingress-nginx/ingress-nginx-controller:${LAB.vip}:80@node1`;

  // The echo behind nginx reads X-Real-IP: node2 is infrastructure, so it falls back to its peer, nginx.
  it.each([
    [CALICO, 'lost', 'ingressController', /masquerades it to node2's address/],
    [{ name: 'unknown', natOutgoing: null }, 'lost', 'ingressController', /natOutgoing unknown: assumed on/],
    [{ name: 'calico', natOutgoing: false }, 'header', 'client', /the pod's own address \(natOutgoing off\)/],
  ] as const)('CNI %o: the PROXY header carries what the LB saw → %s', (cni, verdict, believedRole, note) => {
    const prediction = predict(proxyIntoNginx(cni), INGRESS, ON_NODE2);
    expect(prediction).toMatchObject({ verdict, believedRole, expectedOutcome: 'ok' });
    expect(prediction.note).toMatch(note);
    expect(prediction.note).toMatch(/ipMode Proxy: a pod's request really goes to the load balancer/);
  });

  it('the same controller behind a VIP-mode address rejects the pod, which sends no PROXY preamble', () => {
    const prediction = predict(proxyIntoNginx(CALICO, 'VIP'), INGRESS, ON_NODE2);
    expect(prediction).toMatchObject({ verdict: 'broken', expectedOutcome: 'empty-reply' });
    expect(prediction.note).toContain('no PROXY preamble');
    expect(prediction.note).toContain('PROXY-expecting controllers will reject pods that call it');
  });

  // docs/domain.md#s8.1: an app that does not parse PROXY fails from outside, and works for a pod kube-proxy
  // short-circuits (it sends no preamble); the hopscope echo reads PROXY only when it comes, so both work.
  it('a plain app behind a PROXY LB is broken from outside and fine for a short-circuited pod; the hopscope echo works both ways', () => {
    const app = (parses: boolean) =>
      inventory({
        nodes: NODES,
        loadBalancers: OPENSTACK,
        pods: [pod('default', 'web-0', LAB.echoPod, 'node1', { roles: parses ? ['echo'] : ['app'], parsesProxyProtocol: parses })],
        services: [service({ name: 'echo', type: 'LoadBalancer', lbAddress: LAB.vip, ports: [port(80, 30080)], policy: 'Local', annotations: { 'loadbalancer.openstack.org/proxy-protocol': 'v2' } })],
      });
    const outside = (inv: ClusterInventory) => buildPaths(inv).find((p) => p.id === LB)!;
    expect(outside(app(false))).toMatchObject({ verdict: 'broken', expectedOutcome: 'http-error' });
    expect(predict(app(false), LB, ON_NODE2)).toMatchObject({ verdict: 'preserved', expectedOutcome: 'ok', peerRole: 'client' });
    expect(outside(app(true))).toMatchObject({ verdict: 'header', expectedOutcome: 'ok' });
    expect(predict(app(true), LB, ON_NODE2)).toMatchObject({ verdict: 'preserved', expectedOutcome: 'ok' });
  });
});

describe('a NodePort from a pod (docs/domain.md#s2.7, #s2.8)', () => {
  it.each([
    // The pod's own node: KUBE-NODEPORTS takes --dst-type LOCAL, then KUBE-EXT.
    ['Local', '10.244.0.0/16', CALICO, 'node2', 'preserved', 'ok'],
    ['Local', null, CALICO, 'node2', 'unreachable', 'timeout'],
    ['Cluster', '10.244.0.0/16', CALICO, 'node2', 'lost', 'ok'],
    // Another node: masqueraded to node2 on the way out, then external traffic there (docs/lab.md#row-31, #row-32).
    ['Local', '10.244.0.0/16', CALICO, 'node1', 'lost', 'ok'],
    ['Local', '10.244.0.0/16', CALICO, 'node3', 'unreachable', 'timeout'],
    ['Cluster', '10.244.0.0/16', CALICO, 'node3', 'lost', 'ok'],
    // Without natOutgoing the pod arrives with its own address: pod traffic where kube-proxy can tell it.
    ['Local', '10.244.0.0/16', { name: 'calico', natOutgoing: false }, 'node3', 'preserved', 'ok'],
    ['Local', null, { name: 'calico', natOutgoing: false }, 'node3', 'unreachable', 'timeout'],
    ['Local', null, { name: 'calico', natOutgoing: false }, 'node1', 'preserved', 'ok'],
  ] as const)('%s, cluster CIDR %s, CNI %o, a pod on node2 calling %s → %s', (policy, clusterCIDR, cni, target, verdict, outcome) => {
    expect(predict(echoLb({ policy, clusterCIDR, cni }), NODEPORT(target), ON_NODE2)).toMatchObject({ verdict, expectedOutcome: outcome });
  });

  it('the paths\' default pod is on another node than the NodePort\'s, with natOutgoing as discovered', () => {
    const inv = echoLb({ policy: 'Local', cni: { name: 'unknown', natOutgoing: null } });
    const node2 = buildPaths(inv).find((p) => p.id === NODEPORT('node2'))!;
    expect(node2.inCluster).toMatchObject({ verdict: 'unreachable', expectedOutcome: 'timeout' });
    expect(node2.inCluster?.note).toMatch(/a pod on another node calling node2's NodePort: .*natOutgoing unknown: assumed on/);
    expect(buildPaths(inv, [], { prober: ON_NODE2 }).find((p) => p.id === NODEPORT('node2'))!.inCluster).toMatchObject({ verdict: 'preserved' });
  });
});

describe('a ClusterIP from a pod', () => {
  const clusterIP = 'clusterIP:default/echo:80';
  it('is not SNATed (docs/domain.md#s2.4), unless the pod reaches itself, its Service\'s only endpoint (hairpin, docs/domain.md#s2.7)', () => {
    const inv = echoLb();
    expect(predict(inv, clusterIP, ON_NODE2)).toMatchObject({ verdict: 'preserved', peerRole: 'client', note: null });
    const self = predict(inv, clusterIP, { node: 'node1', address: LAB.echoPod });
    expect(self).toMatchObject({ verdict: 'lost', peerRole: 'node' });
    expect(self.note).toContain('hairpin');
  });

  it('refuses a Service without endpoints whatever its policy (docs/domain.md#s2.7)', () => {
    const empty = inventory({ nodes: NODES, services: [service({ name: 'echo', type: 'NodePort', ports: [port(80, 30080)], policy: 'Local', endpoints: [] })] });
    expect(predict(empty, NODEPORT('node2'), ON_NODE2)).toMatchObject({ verdict: 'unreachable', expectedOutcome: 'refused' });
    expect(buildPaths(empty).find((p) => p.id === NODEPORT('node2'))).toMatchObject({ verdict: 'unreachable', expectedOutcome: 'refused' });
  });
});

describe('in-cluster predictions of the lab from the hopscope pod on node2 (docs/lab.md#lab-realism)', () => {
  const lab = scenarioInventory('lab');
  const predictor = inClusterPredictor(lab);
  const paths = buildPaths(lab);
  const of = (prefix: string) => predictor(paths.find((p) => p.id.startsWith(prefix))!.id, { node: 'node2', address: '10.244.2.30' });
  it.each([
    ['nodePort:lab/echo-nodeport-local:30081@node2', 'preserved', 'ok'], // docs/lab.md#row-30
    ['nodePort:lab/echo-nodeport-local:30081@node1', 'lost', 'ok'], // docs/lab.md#row-31
    ['nodePort:lab/echo-nodeport-local:30081@node3', 'unreachable', 'timeout'], // docs/lab.md#row-32
    ['nodePort:lab/echo-nodeport-cluster:30080@node1', 'lost', 'ok'], // docs/lab.md#row-33
    ['loadBalancer:lab/echo-metallb-stale:198.51.100.61', 'preserved', 'ok'], // docs/lab.md#row-34
    ['loadBalancer:lab/echo-octavia-tcp:198.51.100.54', 'preserved', 'ok'], // docs/lab.md#row-35
    ['loadBalancer:ingress-nginx/ingress-a:198.51.100.50', 'preserved', 'ok'], // docs/lab.md#row-36
    ['loadBalancer:ingress-nginx/ingress-b:198.51.100.51', 'lost', 'ok'], // docs/lab.md#row-37
    ['loadBalancer:ingress-nginx/ingress-nopp:198.51.100.52', 'broken', 'http-error'], // docs/lab.md#row-38
    ['loadBalancer:ingress-nginx/ingress-trustall:198.51.100.53', 'spoofable', 'ok'], // docs/lab.md#row-39
    ['clusterIP:ingress-nginx/ingress-b:80', 'broken', 'empty-reply'], // docs/lab.md#row-29
  ] as const)('%s → %s (%s)', (prefix, verdict, outcome) => {
    expect(of(prefix)).toMatchObject({ vantage: 'in-cluster', verdict, expectedOutcome: outcome });
  });

  it('has no in-cluster view of egress, and none for an id the model did not build', () => {
    expect(predictor('egress:cluster', ANY_POD)).toBeNull();
    expect(predictor('nodePort:nowhere', ANY_POD)).toBeNull();
  });
});

describe('nodeOfAddress', () => {
  const inv = inventory({ nodes: NODES, pods: [pod('default', 'p', '10.250.0.9', 'node3')] });
  it.each([
    ['10.250.0.9', 'node3'], // a pod's own node, whatever its range
    ['10.244.2.30', 'node2'], // inside node2's pod CIDR
    [LAB.node1, 'node1'], // a node's own address (host network)
    ['203.0.113.10', null],
    [null, null],
  ] as const)('%s is on %s', (address, nodeName) => {
    expect(nodeOfAddress(inv, address)).toBe(nodeName);
  });
});
