// The in-cluster vantage against real packets: the lab (namespaces, kube-proxy-like iptables, Calico-like
// natOutgoing, HAProxy, nginx, the hopscope echo), the fixture API server describing it (scenarios/lab.yaml), and the
// built hopscope server running in the lab's hopscope pod namespace on node2. Every request is made from inside that
// namespace; what hopscope observes is held to what the packets do (e2e/lab/truth.ts), not to its own prediction.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, Finding, NetPath, PathTrace, TraceEvent, TraceRun } from '@/lib/types';
import { parseNdjson } from '@/lib/probe/stream';
import { problemsAgainstTruth } from './against-truth';
import { curlInNamespace, LAB, LAB_TEST_ENV, labDown, labUp, REPO_ROOT, requireRoot, startHopscopeInLab, type HopscopeInLab } from './lab';

let hopscope: HopscopeInLab | null = null;

beforeAll(async () => {
  requireRoot();
  const { ms } = labUp();
  console.info(`lab up: ${Math.round(ms)} ms`);
  hopscope = await startHopscopeInLab({ env: LAB_TEST_ENV });
}, 120_000);

afterAll(async () => {
  await hopscope?.stop();
  const { ms } = labDown();
  console.info(`lab down: ${Math.round(ms)} ms`);
});

const api = (route: string, options: Parameters<typeof curlInNamespace>[2] = {}) =>
  curlInNamespace(LAB.hopscopeNamespace, `${hopscope!.baseUrl}${route}`, options);

const ingressTrustall = () =>
  (JSON.parse(api('/api/v1/paths').body) as { paths: NetPath[] }).paths.find((p) => p.id.startsWith('ingress:lab/echo-trustall:'))!.id;

function runTrace(query = '', body = '{}'): { events: TraceEvent[]; trace: TraceRun } {
  const response = api(`/api/v1/traces${query}`, { method: 'POST', body });
  expect(response.status).toBe(200);
  expect(response.contentType).toMatch(/^application\/x-ndjson/);
  const events = parseNdjson(response.body);
  const done = events.at(-1);
  if (done?.type !== 'done') throw new Error(`the trace did not finish: ${response.body.slice(-2000)}`);
  return { events, trace: done.trace };
}

describe('POST /api/v1/traces in the real-packet lab', () => {
  it('observes on every lab path what the packets do from the hopscope pod, and calls nothing "differs" that agrees', () => {
    const paths = (JSON.parse(api('/api/v1/paths').body) as { paths: NetPath[] }).paths;
    const started = performance.now();
    const { events, trace } = runTrace();
    console.info(`trace of ${trace.paths.length} paths: ${Math.round(performance.now() - started)} ms`);

    expect(events[0]).toMatchObject({ type: 'start', simulated: false });
    expect(trace.paths.map((p) => p.pathId).sort()).toEqual(paths.filter((p) => p.entry.kind !== 'egress').map((p) => p.id).sort());
    // docs/lab.md#lab-realism, e2e/lab/truth.ts: measured by e2e/lab/packets.test.ts, not taken from the model.
    expect(problemsAgainstTruth(trace, 'in-cluster')).toEqual([]);
    expect(trace.prober).toMatchObject({ inCluster: true, address: LAB.hopscopePodIP });
    expect(trace.vantage).toMatchObject({ kind: 'in-cluster', node: LAB.hopscopeNode, address: LAB.hopscopePodIP });
    const probeEvents = events.filter((e) => e.type === 'probe');
    expect(probeEvents.length).toBe((events[0] as Extract<TraceEvent, { type: 'start' }>).probeCount);
  });

  it('tells the outside story of the stale MetalLB address from the health checks, beside the pod\'s own answer', () => {
    const { trace } = runTrace();
    const stale = trace.paths.find((p) => p.pathId.startsWith('loadBalancer:lab/echo-metallb-stale:')) as (PathTrace & { findings?: Finding[] }) | undefined;
    // node2 announces the address but has no endpoint (docs/domain.md#s2.1): only node1 answers 200.
    const health = stale?.probes.filter((p) => p.kind === 'health-check').map((p) => [p.target.address, p.status]);
    expect(health).toEqual([
      [LAB.nodeIP(1), 200],
      [LAB.nodeIP(2), 503],
      [LAB.nodeIP(3), 503],
    ]);
    expect(stale?.findings?.map((f) => f.code)).toEqual(['announcing-node-without-endpoint']);
  });

  it('shows a real difference when the objects say something the packets contradict', async () => {
    // The ConfigMap claims nginx (a') trusts only the LB subnet, but the running nginx trusts everyone: the model
    // predicts a header, the forged X-Forwarded-For shows the path is spoofable.
    const drifted = path.join(LAB.stateDir, 'lab-drifted.yaml');
    const yaml = readFileSync(path.join(REPO_ROOT, 'scenarios', 'lab.yaml'), 'utf8');
    const claim = `    hopscope.dev/lab-note: trusts X-Forwarded-For from anyone (default proxy-real-ip-cidr 0.0.0.0/0)
data:
  use-forwarded-headers: "true"
`;
    expect(yaml).toContain(claim);
    writeFileSync(drifted, yaml.replace(claim, `${claim}  proxy-real-ip-cidr: 192.0.2.0/24\n`));
    await hopscope!.stop();
    hopscope = await startHopscopeInLab({ scenarioFile: drifted, env: LAB_TEST_ENV });
    try {
      const { trace } = runTrace('', JSON.stringify({ pathIds: [ingressTrustall()] }));
      const traced = trace.paths[0]!;
      expect(traced.observedVerdict).toBe('spoofable');
      expect(traced.predicted?.verdict).not.toBe('spoofable');
      expect(traced.matchesPrediction).toBe(false);
      expect(traced.differences.join('\n')).toMatch(/spoofable/);
    } finally {
      await hopscope!.stop();
      hopscope = await startHopscopeInLab({ env: LAB_TEST_ENV });
    }
  }, 90_000);

  it.each([
    ['a target address', { targets: [{ address: '192.0.2.99', port: 80 }] }],
    ['a URL', { url: 'http://203.0.113.10/' }],
    ['an address next to path ids', { pathIds: ['clusterIP:lab/echo:80'], address: '10.244.1.10' }],
    ['an address as a path id', { pathIds: ['192.0.2.99:80'] }],
    ['a URL as a path id', { pathIds: ['http://192.0.2.99/'] }],
  ])('refuses a trace naming %s (400)', (_what, body) => {
    const response = api('/api/v1/traces', { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect((JSON.parse(response.body) as ApiErrorBody).error.code).toBe('bad_request');
  });

  it('sends no probe in demo mode: the lab hosts log nothing, the result is labelled simulated', () => {
    const stateDir = path.join(LAB.stateDir, 'run');
    const requestLogs = () =>
      [
        path.join(stateDir, 'echo.log'),
        ...readdirSync(stateDir, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && entry.name.startsWith('nginx-'))
          .map((entry) => path.join(stateDir, entry.name, 'logs', 'access.log')),
      ]
        .map((file) => readFileSync(file, 'utf8').length)
        .join(',');
    const before = requestLogs();
    const { trace } = runTrace('?scenario=lab');
    expect(trace.simulated).toBe(true);
    expect(trace.paths.length).toBeGreaterThan(0);
    expect(trace.paths.flatMap((p) => p.probes).every((p) => p.durationMs === 0 && p.observation === null)).toBe(true);
    expect(requestLogs()).toBe(before);
    // The same log sizes do grow when a real probe goes out, so the check above can fail.
    runTrace('', JSON.stringify({ pathIds: ['clusterIP:lab/echo:80'] }));
    expect(requestLogs()).not.toBe(before);
  });
});
