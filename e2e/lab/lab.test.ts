// The whole chain against real packets: the lab (namespaces, kube-proxy-like iptables, HAProxy, nginx, the
// hopscope echo), the fixture API server describing it (scenarios/lab.yaml), and the built hopscope server
// running in the lab's hopscope pod namespace. Every request is made from inside that namespace.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, NetPath, TraceEvent, TraceRun } from '@/lib/types';
import type { ObservedPathTrace } from '@/lib/probe/observe';
import { parseNdjson } from '@/lib/probe/stream';
import { curlInNamespace, LAB, LAB_TEST_ENV, labDown, labUp, requireRoot, startHopscopeInLab, type HopscopeInLab } from './lab';

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
  it('observes on every lab path exactly what the model predicts', () => {
    const paths = (JSON.parse(api('/api/v1/paths').body) as { paths: NetPath[] }).paths;
    const started = performance.now();
    const { events, trace } = runTrace();
    console.info(`trace of ${trace.paths.length} paths: ${Math.round(performance.now() - started)} ms`);

    expect(events[0]).toMatchObject({ type: 'start', simulated: false });
    expect(trace.simulated).toBe(false);
    expect(trace.prober).toMatchObject({ inCluster: true, address: LAB.hopscopePodIP });
    const probeEvents = events.filter((e) => e.type === 'probe');
    expect(probeEvents.length).toBe((events[0] as Extract<TraceEvent, { type: 'start' }>).probeCount);

    const predicted = new Map(paths.map((p) => [p.id, p.verdict]));
    const comparison = trace.paths.map((p) => ({ path: p.pathId, predicted: predicted.get(p.pathId), observed: p.observedVerdict, differences: p.differences }));
    expect(comparison.filter((c) => c.differences.length > 0 || c.observed !== c.predicted)).toEqual([]);
    expect(trace.paths.every((p) => p.matchesPrediction)).toBe(true);
    expect(trace.paths.map((p) => p.pathId).sort()).toEqual(paths.filter((p) => p.entry.kind !== 'egress').map((p) => p.id).sort());
  });

  it('shows the addresses each lab path really delivers', () => {
    const { trace } = runTrace();
    const byPrefix = (prefix: string) => {
      const found = trace.paths.find((p) => p.pathId.startsWith(prefix)) as ObservedPathTrace | undefined;
      if (!found) throw new Error(`no traced path starts with ${prefix}: ${trace.paths.map((p) => p.pathId).join(', ')}`);
      return found;
    };
    const okObservation = (prefix: string) => byPrefix(prefix).probes.find((p) => p.kind === 'direct' && p.outcome === 'ok')?.observation;
    const hopscope = LAB.hopscopePodIP;

    // [path, observed verdict, what the echo saw] — the docs/lab.md rows rebuilt from discovered objects.
    const table: [string, string, { peer?: string; xRealIp?: string | null } | null][] = [
      ['clusterIP:lab/echo:80', 'preserved', { peer: hopscope }],
      ['nodePort:lab/echo-nodeport-local:30081@node1', 'preserved', { peer: hopscope }],
      ['nodePort:lab/echo-nodeport-local:30081@node2', 'unreachable', null],
      ['nodePort:lab/echo-nodeport-cluster:30080@node2', 'lost', { peer: LAB.nodeIP(2) }],
      ['loadBalancer:lab/echo-octavia-tcp:198.51.100.54', 'lost', { peer: '192.0.2.1' }],
      ['loadBalancer:lab/echo-metallb:198.51.100.60', 'preserved', { peer: hopscope }],
      ['loadBalancer:lab/echo-metallb-stale:198.51.100.61', 'unreachable', null],
      ['ingress:lab/echo-a:a.lab.example', 'header', { peer: '10.244.1.20', xRealIp: hopscope }],
      ['ingress:lab/echo-b:b.lab.example', 'header', { peer: '10.244.1.21', xRealIp: hopscope }],
      ['ingress:lab/echo-trustall:trustall.lab.example', 'spoofable', { peer: '10.244.1.22', xRealIp: hopscope }],
      ['loadBalancer:ingress-nginx/ingress-nopp:198.51.100.52', 'broken', null],
      ['nodePort:ingress-nginx/ingress-b:30882@node1', 'broken', null],
    ];
    for (const [prefix, verdict, seen] of table) {
      expect(byPrefix(prefix).observedVerdict, prefix).toBe(verdict);
      if (seen) expect(okObservation(prefix), prefix).toMatchObject(seen);
    }
    const spoofed = byPrefix('ingress:lab/echo-trustall:trustall.lab.example').probes.find((p) => p.kind === 'spoof');
    expect(spoofed?.observation?.xRealIp).toBe('198.51.100.66');
    expect(byPrefix('loadBalancer:lab/echo-metallb-stale').findings.map((f) => f.code)).toEqual(['announcing-node-without-endpoint']);
    expect(byPrefix('nodePort:lab/echo-nodeport-local:30081@node2').probes.find((p) => p.kind === 'direct')).toMatchObject({ outcome: 'timeout', expected: true });
    const health = byPrefix('loadBalancer:lab/echo-metallb-stale').probes.filter((p) => p.kind === 'health-check');
    expect(health.map((p) => [p.target.address, p.status])).toEqual([
      [LAB.nodeIP(1), 200],
      [LAB.nodeIP(2), 503],
      [LAB.nodeIP(3), 503],
    ]);
  });

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
