import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import type { EchoObservation, NetPath, ProbeResult, VantagePrediction } from '@/lib/types';
import { verdictOfBelief } from '@/lib/model/verdict';
import { appClientOf, classifyAddress, observeContext, tracePath, type ObserveContext } from './observe';
import { SPOOF_ADDRESS } from './plan';
import { hop, inventory, node, path, pod, service } from '@/test/support/probe';
import { scenarioInventory } from '@/test/support/samples';

const PROBER = '10.244.1.30';
const inv = inventory({
  nodes: [node('node1', '192.0.2.11', '10.244.1.0/24'), node('node2', '192.0.2.12', '10.244.2.0/24')],
  pods: [
    pod({ namespace: 'ingress-nginx', name: 'ctrl', ip: '10.244.1.20', nodeName: 'node1', roles: ['ingress-controller'] }),
    pod({ namespace: 'lab', name: 'echo', ip: '10.244.1.10', nodeName: 'node1', roles: ['echo'] }),
  ],
  services: [
    service({
      namespace: 'lab',
      name: 'stale',
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32083,
      loadBalancerIPs: ['198.51.100.61'],
      loadBalancerIngress: [{ ip: '198.51.100.61' }],
      announcingNode: 'node2',
      ports: [{ name: 'http', port: 80, nodePort: 30083, targetPort: 8080, protocol: 'TCP' }],
      endpoints: [{ ip: '10.244.1.10', nodeName: 'node1', ready: true }],
    }),
  ],
});
const ctx: ObserveContext = observeContext({ inventory: inv, vantage: { kind: 'in-cluster', node: 'node1', address: PROBER }, spoofAddress: SPOOF_ADDRESS });
/** A browser: it cannot know its own address. */
const browser: ObserveContext = observeContext({ inventory: inv, vantage: { kind: 'browser', node: null, address: null }, spoofAddress: SPOOF_ADDRESS });

const obs = (partial: Partial<EchoObservation>): EchoObservation => ({
  format: 'hopscope',
  peer: null,
  xForwardedFor: [],
  xRealIp: null,
  forwarded: [],
  proxyProtocol: null,
  echoPod: 'echo',
  echoNode: 'node1',
  host: null,
  headers: [],
  ...partial,
});

describe('classifyAddress', () => {
  it.each([
    [PROBER, 'client'],
    [SPOOF_ADDRESS, 'attacker'],
    ['192.0.2.12', 'node'],
    ['198.51.100.61', 'loadBalancer'],
    ['10.244.1.20', 'ingressController'],
    ['10.244.2.77', 'pod'],
    // The pod bridge of node2, which a masquerade towards a pod on node2 writes (docs/domain.md#s2.9).
    ['10.244.2.1', 'node'],
    ['192.0.2.1', 'loadBalancer'],
    [null, 'none'],
  ] as const)('%s is %s', (address, role) => {
    expect(classifyAddress(address, ctx)).toBe(role);
  });

  it('from outside, an address of no cluster object is the client or an LB, as the prediction expects; from inside always an LB', () => {
    expect(classifyAddress('203.0.113.50', browser, 'client')).toBe('client');
    expect(classifyAddress('203.0.113.50', browser, 'loadBalancer')).toBe('loadBalancer');
    expect(classifyAddress('203.0.113.50', browser, 'node')).toBe('loadBalancer');
    expect(classifyAddress('203.0.113.50', ctx, 'client')).toBe('loadBalancer');
    // A cluster object keeps its role whatever is expected.
    expect(classifyAddress('192.0.2.12', browser, 'client')).toBe('node');
  });

  it('takes every address of the node a host-network prober runs on as its own', () => {
    const onNode = observeContext({ inventory: inv, vantage: { kind: 'in-cluster', node: null, address: '192.0.2.12' }, spoofAddress: SPOOF_ADDRESS });
    expect(['192.0.2.12', '10.244.2.1'].map((a) => classifyAddress(a, onNode))).toEqual(['client', 'client']);
    expect(classifyAddress('192.0.2.11', onNode)).toBe('node');
  });
});

describe('appClientOf → verdict (docs/lab.md)', () => {
  it.each([
    ['NodePort Local: TCP source is the client', obs({ peer: PROBER }), null, 'preserved', 'source'],
    ['NodePort Cluster: SNAT to the node', obs({ peer: '192.0.2.12' }), null, 'lost', 'none'],
    ['plain TCP LB: the LB member address', obs({ peer: '192.0.2.1' }), null, 'lost', 'none'],
    ['nginx trusting the LB: X-Real-IP', obs({ peer: '10.244.1.20', xRealIp: PROBER, xForwardedFor: [PROBER] }), null, 'header', 'x-real-ip'],
    ['nginx trusting everyone: X-Real-IP is the forged value', obs({ peer: '10.244.1.20', xRealIp: SPOOF_ADDRESS }), obs({ xRealIp: PROBER }), 'spoofable', 'x-real-ip'],
    ['PROXY header parsed by the app', obs({ peer: '192.0.2.1', proxyProtocol: { version: 2, command: 'PROXY', family: 'TCP4', src: PROBER, dst: '198.51.100.54', srcPort: 1, dstPort: 80 } }), null, 'header', 'proxy-protocol'],
    ['TCP LB passing the client header through: not vouched, ignored', obs({ peer: '192.0.2.1', xRealIp: SPOOF_ADDRESS, xForwardedFor: [SPOOF_ADDRESS] }), obs({}), 'lost', 'none'],
    ['HTTP LB appending to a forged XFF: right-most wins', obs({ peer: '192.0.2.1', xForwardedFor: [SPOOF_ADDRESS, PROBER] }), obs({ xForwardedFor: [PROBER] }), 'header', 'x-forwarded-for'],
    ['HTTP LB appending the client with its port', obs({ peer: '192.0.2.1', xForwardedFor: [`${PROBER}:51234`] }), null, 'header', 'x-forwarded-for'],
  ] as const)('%s', (_name, observation, honest, verdict, via) => {
    const client = appClientOf(observation, ctx, honest);
    expect(verdictOfBelief(client.role, client.via)).toBe(verdict);
    expect(client.via).toBe(via);
  });
});

const probe = (partial: Partial<ProbeResult> & Pick<ProbeResult, 'kind' | 'outcome'>): ProbeResult => ({
  id: `${partial.kind}-${partial.target?.address}`,
  pathId: 'p',
  target: { address: '192.0.2.11', port: 30083, label: 'node' },
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
  status: partial.outcome === 'ok' ? 200 : null,
  observation: null,
  raw: null,
  error: null,
  ...partial,
});

const inClusterPrediction = (partial: Partial<VantagePrediction>): VantagePrediction => ({
  vantage: 'in-cluster',
  verdict: 'preserved',
  expectedOutcome: 'ok',
  peerRole: 'client',
  believedRole: 'client',
  via: 'source',
  note: null,
  ...partial,
});

describe('tracePath', () => {
  const nodePortPath = path({
    id: 'p',
    entry: { kind: 'nodePort', namespace: 'lab', name: 'stale', host: null, address: null, port: 30083 },
    hops: [hop({ id: 'client', kind: 'client' }), hop({ id: 'pod:lab/echo', kind: 'pod', expectedPeer: 'client', expectedPeerRole: 'client' })],
    verdict: 'preserved',
  });

  it('matches when the echo sees the client and the spoof is not believed', () => {
    const trace = tracePath(
      nodePortPath,
      [
        probe({ kind: 'direct', outcome: 'ok', observation: obs({ peer: PROBER }) }),
        probe({ kind: 'direct', outcome: 'timeout', expected: true, target: { address: '192.0.2.12', port: 30083, label: 'node2' } }),
        probe({ kind: 'spoof', outcome: 'ok', observation: obs({ peer: PROBER, xForwardedFor: [SPOOF_ADDRESS] }) }),
      ],
      ctx,
    );
    expect(trace).toMatchObject({ observedVerdict: 'preserved', matchesPrediction: true, differences: [], vantage: 'in-cluster' });
    expect(trace.observed).toEqual([{ hopId: 'pod:lab/echo', observedPeer: PROBER, observedPeerRole: 'client', via: 'source', matches: true }]);
  });

  it('reports the difference when the observation contradicts the prediction', () => {
    const trace = tracePath(nodePortPath, [probe({ kind: 'direct', outcome: 'ok', observation: obs({ peer: '192.0.2.11' }) })], ctx);
    expect(trace.matchesPrediction).toBe(false);
    expect(trace.observedVerdict).toBe('lost');
    expect(trace.differences).toContain('verdict: predicted preserved, observed lost');
  });

  it('shows a failure the prediction does not expect beside an answer', () => {
    const trace = tracePath(
      nodePortPath,
      [
        probe({ kind: 'direct', outcome: 'ok', observation: obs({ peer: PROBER }) }),
        probe({ kind: 'direct', outcome: 'refused', target: { address: '192.0.2.12', port: 30083, label: 'node2' } }),
      ],
      ctx,
    );
    expect(trace.observedVerdict).toBe('preserved');
    expect(trace.matchesPrediction).toBe(false);
    expect(trace.differences).toEqual(['192.0.2.12:30083: refused, predicted ok']);
  });

  it.each([
    [['timeout', 'timeout'], 'unreachable'],
    [['http-error', 'timeout'], 'broken'],
    [['empty-reply'], 'broken'],
  ] as const)('all direct probes failing %j → %s', (outcomes, verdict) => {
    const probes = outcomes.map((outcome, i) => probe({ kind: 'direct', outcome, target: { address: `192.0.2.1${i}`, port: 30083, label: 'n' } }));
    expect(tracePath(nodePortPath, probes, ctx).observedVerdict).toBe(verdict);
  });

  it.each(['no-route', 'dns', 'tls', 'not-sent'] as const)('a path whose every direct probe failed with %s is not reachable from here, never a verdict', (outcome) => {
    const trace = tracePath(nodePortPath, [probe({ kind: 'direct', outcome, error: `${outcome}: from this vantage` })], ctx);
    expect(trace).toMatchObject({ observedVerdict: null, matchesPrediction: false, notReachable: `not reachable from here: ${outcome}: from this vantage` });
  });

  it('reads the verdict from the probes that got through when others failed for the vantage', () => {
    const trace = tracePath(
      nodePortPath,
      [
        probe({ kind: 'direct', outcome: 'no-route', target: { address: '192.0.2.12', port: 30083, label: 'node2' } }),
        probe({ kind: 'direct', outcome: 'ok', observation: obs({ peer: PROBER }) }),
      ],
      ctx,
    );
    expect(trace).toMatchObject({ observedVerdict: 'preserved', matchesPrediction: true });
    expect(trace.notReachable).toBeUndefined();
  });

  it("compares a pod's answer behind an intercepted MetalLB address with the in-cluster prediction, and tells the outside story from the health checks", () => {
    const lbPath: NetPath = {
      ...path({ id: 'p', entry: { kind: 'loadBalancer', namespace: 'lab', name: 'stale', host: null, address: '198.51.100.61', port: 80 }, verdict: 'unreachable' }),
      inCluster: inClusterPrediction({ note: 'kube-proxy on node1 intercepts 198.51.100.61' }),
    };
    const healthy = '{"service":{"namespace":"lab","name":"stale"},"localEndpoints":1,"serviceProxyHealthy":true}';
    const empty = '{"service":{"namespace":"lab","name":"stale"},"localEndpoints":0,"serviceProxyHealthy":true}';
    const trace = tracePath(
      lbPath,
      [
        probe({ kind: 'direct', outcome: 'ok', target: { address: '198.51.100.61', port: 80, label: 'vip' }, observation: obs({ peer: PROBER }) }),
        probe({ kind: 'health-check', outcome: 'ok', status: 200, raw: healthy, target: { address: '192.0.2.11', port: 32083, label: 'hc' } }),
        probe({ kind: 'health-check', outcome: 'http-error', status: 503, raw: empty, target: { address: '192.0.2.12', port: 32083, label: 'hc' } }),
      ],
      ctx,
    );
    // The pod's own answer, a second legitimate one: no false "differs" against the outside verdict.
    expect(trace).toMatchObject({ observedVerdict: 'preserved', matchesPrediction: true, differences: [] });
    expect(trace.predicted).toEqual(lbPath.inCluster);
    expect(trace.findings.map((f) => f.code)).toEqual(['announcing-node-without-endpoint']);
    // The same answer held to the outside prediction is a difference: which prediction is used decides.
    const outside = tracePath(lbPath, trace.probes, browser);
    expect(outside.predicted?.vantage).toBe('outside');
    expect(outside.matchesPrediction).toBe(false);
  });
});

describe('bytes the prober wrote are never evidence', () => {
  const controllerPath = path({
    id: 'c',
    entry: { kind: 'nodePort', namespace: 'lab', name: 'stale', host: null, address: '192.0.2.11', port: 30083 },
    hops: [hop({ id: 'client', kind: 'client' }), hop({ id: 'ingressController:ingress-nginx/ctrl', kind: 'ingressController', believedClientRole: 'client', clientAddressVia: 'proxy-protocol' })],
    verdict: 'header',
  });
  const withPrediction: NetPath = { ...controllerPath, inCluster: inClusterPrediction({ verdict: 'header', peerRole: 'loadBalancer', believedRole: 'client', via: 'proxy-protocol' }) };
  const ownPreamble = { proxyProtocol: { version: 2 as const, command: 'PROXY' as const, family: 'TCP4', src: PROBER, dst: '192.0.2.11', srcPort: 40000, dstPort: 30083 } };

  it("does not credit a controller's belief read from the prober's own PROXY line", () => {
    const probes = [probe({ kind: 'direct', outcome: 'ok', target: { address: '192.0.2.11', port: 30083, label: 'n', proxyProtocol: 'v2' }, observation: obs({ peer: '10.244.1.20', xRealIp: PROBER, ...ownPreamble }) })];
    const trace = tracePath(withPrediction, probes, ctx);
    expect(trace.observedVerdict).toBeNull();
    expect(trace.observed).toEqual([]);
    // The same answer without a PROXY line of hopscope's own is the controller's word.
    const sentByLb = tracePath(withPrediction, [{ ...probes[0]!, target: { ...probes[0]!.target, proxyProtocol: null } }], ctx);
    expect(sentByLb.observedVerdict).toBe('header');
  });

  it("does not take the prober's own PROXY line at the echo for the client address an LB carried", () => {
    const echoPath: NetPath = { ...nodePortLike(), inCluster: inClusterPrediction({ verdict: 'header', peerRole: 'loadBalancer', via: 'proxy-protocol' }) };
    const answer = obs({ peer: '192.0.2.1', ...ownPreamble });
    const own = tracePath(echoPath, [probe({ kind: 'direct', outcome: 'ok', target: { address: '192.0.2.11', port: 30083, label: 'n', proxyProtocol: 'v1' }, observation: answer })], ctx);
    expect(own.observedVerdict).toBe('lost');
    const carried = tracePath(echoPath, [probe({ kind: 'direct', outcome: 'ok', observation: answer })], ctx);
    expect(carried.observedVerdict).toBe('header');
  });

  function nodePortLike(): NetPath {
    return path({ id: 'e', entry: { kind: 'nodePort', namespace: 'lab', name: 'stale', host: null, address: '192.0.2.11', port: 30083 } });
  }
});

describe('outside vantages', () => {
  const passThrough = path({
    id: 'o',
    entry: { kind: 'loadBalancer', namespace: 'lab', name: 'stale', host: null, address: '198.51.100.61', port: 80 },
    hops: [hop({ id: 'client', kind: 'client' }), hop({ id: 'pod:lab/echo', kind: 'pod', expectedPeer: 'client', expectedPeerRole: 'client' })],
    verdict: 'preserved',
  });

  it("takes a browser's unknown public address for the client the prediction expects, and says so", () => {
    const trace = tracePath(passThrough, [probe({ kind: 'direct', outcome: 'ok', target: { address: '198.51.100.61', port: 80, label: 'vip' }, observation: obs({ peer: '203.0.113.50' }) })], browser);
    expect(trace).toMatchObject({ vantage: 'browser', observedVerdict: 'preserved', matchesPrediction: true, predicted: { vantage: 'outside', verdict: 'preserved' } });
    expect(trace.note).toMatch(/203\.0\.113\.50 belongs to no cluster object.*taken as the client the prediction expects/);
  });

  it("holds an agent's own address to be the client, and a node's address to be what it is", () => {
    const agent = observeContext({ inventory: inv, vantage: { kind: 'agent', node: null, address: null }, proberAddresses: ['203.0.113.10'], spoofAddress: SPOOF_ADDRESS });
    const seen = (peer: string) => tracePath(passThrough, [probe({ kind: 'direct', outcome: 'ok', observation: obs({ peer }) })], agent);
    expect(seen('203.0.113.10')).toMatchObject({ observedVerdict: 'preserved', matchesPrediction: true });
    expect(seen('203.0.113.10').note).toBeUndefined();
    expect(seen('192.0.2.11')).toMatchObject({ observedVerdict: 'lost', matchesPrediction: false });
  });
});

describe('the lab from the hopscope pod on node2 (docs/lab.md#lab-realism)', () => {
  const lab = scenarioInventory('lab');
  const paths = buildPaths(lab);
  const pod = observeContext({ inventory: lab, vantage: { kind: 'in-cluster', node: 'node2', address: '10.244.2.30' }, spoofAddress: SPOOF_ADDRESS });
  const byPrefix = (prefix: string) => paths.find((p) => p.id.startsWith(prefix))!;
  const answered = (p: NetPath, observation: Partial<EchoObservation>) => tracePath(p, [probe({ pathId: p.id, kind: 'direct', outcome: 'ok', observation: obs(observation) })], pod);

  it.each([
    // docs/lab.md#row-36: short-circuited to nginx (a), the pod is nginx's own TCP peer.
    ['loadBalancer:ingress-nginx/ingress-a:198.51.100.50', { peer: '10.244.1.20', xRealIp: '10.244.2.30' }, 'preserved'],
    // docs/lab.md#row-37: really through HAProxy (ipMode Proxy), whose PROXY header carries node2.
    ['loadBalancer:ingress-nginx/ingress-b:198.51.100.51', { peer: '10.244.1.21', xRealIp: '192.0.2.12' }, 'lost'],
    // docs/lab.md#row-30: the pod-traffic rule on the pod's own node, no endpoint there.
    ['nodePort:lab/echo-nodeport-local:30081@node2', { peer: '10.244.2.30' }, 'preserved'],
    // docs/lab.md#row-31: natOutgoing masquerades the pod to node2 before node1 keeps that source.
    ['nodePort:lab/echo-nodeport-local:30081@node1', { peer: '192.0.2.12' }, 'lost'],
  ] as const)('%s: what the pod meets is the in-cluster prediction', (prefix, observation, verdict) => {
    const trace = answered(byPrefix(prefix), observation);
    expect(trace).toMatchObject({ observedVerdict: verdict, matchesPrediction: true, differences: [], predicted: { vantage: 'in-cluster', verdict } });
  });

  it('recomputes the prediction for the prober it is given, not for the paths default pod', () => {
    const node2 = byPrefix('nodePort:lab/echo-nodeport-local:30081@node2');
    // A pod on another node is masqueraded to its node, and node2, without endpoint, drops it (docs/lab.md#row-32).
    expect(node2.inCluster).toMatchObject({ verdict: 'unreachable', expectedOutcome: 'timeout' });
    expect(answered(node2, { peer: '10.244.2.30' }).predicted).toMatchObject({ verdict: 'preserved', expectedOutcome: 'ok' });
  });
});
