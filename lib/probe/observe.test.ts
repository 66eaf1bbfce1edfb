import { describe, expect, it } from 'vitest';
import type { EchoObservation, ProbeResult } from '@/lib/types';
import { verdictOfBelief } from '@/lib/model/verdict';
import { appClientOf, classifyAddress, tracePath, type ObserveContext } from './observe';
import { SPOOF_ADDRESS } from './plan';
import { hop, inventory, node, path, pod, service } from '@/test/support/probe';

const PROBER = '10.244.1.30';
const ctx: ObserveContext = {
  inventory: inventory({
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
  }),
  proberAddresses: new Set([PROBER]),
  spoofAddress: SPOOF_ADDRESS,
  proberInCluster: true,
};

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
    ['192.0.2.1', 'loadBalancer'],
    [null, 'none'],
  ] as const)('%s is %s', (address, role) => {
    expect(classifyAddress(address, ctx)).toBe(role);
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
        probe({ kind: 'direct', outcome: 'timeout', target: { address: '192.0.2.12', port: 30083, label: 'node2' } }),
        probe({ kind: 'spoof', outcome: 'ok', observation: obs({ peer: PROBER, xForwardedFor: [SPOOF_ADDRESS] }) }),
      ],
      ctx,
    );
    expect(trace).toMatchObject({ observedVerdict: 'preserved', matchesPrediction: true, differences: [] });
    expect(trace.observed).toEqual([{ hopId: 'pod:lab/echo', observedPeer: PROBER, observedPeerRole: 'client', via: 'source', matches: true }]);
  });

  it('reports the difference when the observation contradicts the prediction', () => {
    const trace = tracePath(nodePortPath, [probe({ kind: 'direct', outcome: 'ok', observation: obs({ peer: '192.0.2.11' }) })], ctx);
    expect(trace.matchesPrediction).toBe(false);
    expect(trace.observedVerdict).toBe('lost');
    expect(trace.differences).toContain('verdict: predicted preserved, observed lost');
  });

  it.each([
    [['timeout', 'timeout'], 'unreachable'],
    [['http-error', 'timeout'], 'broken'],
    [['empty-reply'], 'broken'],
  ] as const)('all direct probes failing %j → %s', (outcomes, verdict) => {
    const probes = outcomes.map((outcome, i) => probe({ kind: 'direct', outcome, target: { address: `192.0.2.1${i}`, port: 30083, label: 'n' } }));
    expect(tracePath(nodePortPath, probes, ctx).observedVerdict).toBe(verdict);
  });

  it('finds an announcing node without local endpoint behind an intercepted MetalLB address', () => {
    const lbPath = path({
      id: 'p',
      entry: { kind: 'loadBalancer', namespace: 'lab', name: 'stale', host: null, address: '198.51.100.61', port: 80 },
      verdict: 'unreachable',
    });
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
    expect(trace.observedVerdict).toBe('unreachable');
    expect(trace.matchesPrediction).toBe(true);
    expect(trace.findings.map((f) => f.code)).toEqual(['announcing-node-without-endpoint']);
    expect(trace.inClusterNote).toMatch(/never passed the load balancer/);
  });
});
