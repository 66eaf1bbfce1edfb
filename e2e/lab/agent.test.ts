// The outside vantage through the CLI agent: `hopscope probe` runs in the lab's client namespace (203.0.113.10),
// the way a user runs it on a laptop, against the dashboard in the hopscope pod. The client namespace reaches the
// dashboard by a direct route to the pod address 10.244.2.30:3000 (the LB router routes the pod CIDRs to the
// nodes, as a VPC-routed network does: docs/lab.md#row-5), so no lab path is added for it. What the agent reports
// is held to what the packets do (e2e/lab/truth.ts) and to curl's answer for the same requests from the same
// namespace; the outside-vantage API is held to its safety rules (docs/vantages.md).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ClusterInventory, NetPath, OutsidePlan, OutsideProbe, ReportsAnswer, TraceEvent, TraceRun } from '@/lib/types';
import { parseNdjson } from '@/lib/probe/stream';
import { problemsAgainstTruth } from './against-truth';
import {
  curlInNamespace,
  curlInNamespaceAsync,
  edgePackets,
  LAB,
  LAB_TEST_ENV,
  labDown,
  labUp,
  REPO_ROOT,
  requireRoot,
  startHopscopeInLab,
  startInNamespace,
  type HopscopeInLab,
  type LabProcess,
} from './lab';
import { EGRESS_TRUTH } from './truth';

/** The agent's egress echo in the client namespace; the dashboard's operator lists it (HOPSCOPE_EGRESS_ECHO). */
const EGRESS_ECHO = `${LAB.clientIP}:8080`;
const AGENT = 'lab-client';

let hopscope: HopscopeInLab | null = null;
let egressEcho: LabProcess | null = null;

beforeAll(async () => {
  requireRoot();
  labUp();
  egressEcho = startInNamespace(LAB.clientNamespace, process.execPath, ['bin/hopscope.mjs', 'echo', '--listen', '8080', '--listen-address', LAB.clientIP]);
  hopscope = await startHopscopeInLab({ env: { ...LAB_TEST_ENV, HOPSCOPE_EGRESS_ECHO: EGRESS_ECHO } });
}, 120_000);

afterAll(async () => {
  await egressEcho?.stop();
  await hopscope?.stop();
  labDown();
});

/** The dashboard as the client namespace reaches it. */
const outside = (route: string, options: Parameters<typeof curlInNamespace>[2] = {}) =>
  curlInNamespace(LAB.clientNamespace, `${hopscope!.baseUrl}${route}`, options);
const json = <T>(response: { body: string }) => JSON.parse(response.body) as T;

/** Runs `hopscope probe` in the client namespace and answers its exit code and the compared trace it printed. */
function runAgent(args: string[] = []): Promise<{ code: number | null; trace: TraceRun | null; stderr: string }> {
  const child = spawn(
    'ip',
    ['netns', 'exec', LAB.clientNamespace, process.execPath, 'bin/hopscope.mjs', 'probe', '--server', hopscope!.baseUrl, '--name', AGENT, '--json', ...args],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      let trace: TraceRun | null = null;
      try {
        trace = JSON.parse(stdout) as TraceRun;
      } catch {
        stderr += `\n(stdout was not a trace: ${stdout.slice(0, 500)})`;
      }
      resolve({ code, trace, stderr });
    });
  });
}

function plan(body: Record<string, unknown>, query = ''): { status: number; plan: OutsidePlan } {
  const response = outside(`/api/v1/traces${query}`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.contentType.startsWith('application/json')) {
    throw new Error(`no outside plan: ${response.status} ${response.contentType} ${response.body.slice(0, 300)}`);
  }
  return { status: response.status, plan: json<OutsidePlan>(response) };
}

/** Sends one planned probe with curl from the client namespace, as the agent would, and reports what came back. */
async function sendWithCurl(probe: OutsideProbe) {
  const headers = [...(probe.target.host ? [`Host: ${probe.target.host}`] : []), ...probe.headers.map(([name, value]) => `${name}: ${value}`)];
  const started = performance.now();
  const answer = await curlInNamespaceAsync(LAB.clientNamespace, `http://${probe.target.address}:${probe.target.port}${probe.httpPath}`, { headers: [...headers, 'Accept: application/json'] });
  return { answer, durationMs: Math.round(performance.now() - started) };
}

const report = (probe: OutsideProbe, body: string, nonce = probe.nonce) => ({
  probeId: probe.id,
  nonce,
  outcome: 'ok',
  status: 200,
  durationMs: 5,
  body,
  contentType: 'application/json',
  error: null,
});

function postReports(traceId: string, reports: unknown[], done = false) {
  const response = outside(`/api/v1/traces/${encodeURIComponent(traceId)}/reports`, { method: 'POST', body: JSON.stringify({ reports, done }) });
  return { status: response.status, body: response.body };
}

/** The probe ids a reports call refused: all of them on 422 report_refused, else those its answer lists. */
function refusedIds(answer: { status: number; body: string }, sent: string[]): string[] {
  if (answer.status === 422) {
    expect(json<ApiErrorBody>(answer).error.code).toBe('report_refused');
    return sent;
  }
  expect(answer.status).toBe(200);
  return json<ReportsAnswer>(answer).refused.map((r) => r.probeId);
}

describe('the CLI agent in the client namespace', () => {
  it('observes on every outside path what the packets do, and calls nothing "differs" that agrees', async () => {
    const started = performance.now();
    const { code, trace, stderr } = await runAgent();
    console.info(`agent trace: ${Math.round(performance.now() - started)} ms`);
    expect(trace, stderr).not.toBeNull();
    expect(trace!.vantage).toMatchObject({ kind: 'agent', name: AGENT });
    expect(problemsAgainstTruth(trace!, 'agent')).toEqual([]);
    expect(code, stderr).toBe(0);
  }, 120_000);

  it('reports for each planned probe what curl gets for the same request from the same namespace', async () => {
    const { trace } = await runAgent();
    const direct = trace!.paths.flatMap((p) => p.probes).filter((p) => p.kind === 'direct' && p.outcome === 'ok');
    expect(direct.length).toBeGreaterThan(10);
    const differing = [];
    for (const probe of direct) {
      const headers = probe.target.host ? [`Host: ${probe.target.host}`] : [];
      const answer = await curlInNamespaceAsync(LAB.clientNamespace, `http://${probe.target.address}:${probe.target.port}/hopscope-probe?format=json`, { headers });
      const echo = JSON.parse(answer.body) as { peer: { address: string }; headers: [string, string][] };
      const xRealIp = echo.headers.filter(([n]) => n.toLowerCase() === 'x-real-ip').map(([, v]) => v).at(-1) ?? null;
      const curlSaw = { peer: echo.peer.address, xRealIp };
      const agentSaw = { peer: probe.observation?.peer ?? null, xRealIp: probe.observation?.xRealIp ?? null };
      if (JSON.stringify(curlSaw) !== JSON.stringify(agentSaw)) differing.push({ path: probe.pathId, curlSaw, agentSaw });
    }
    expect(differing).toEqual([]);
  }, 120_000);

  it('observes egress through the agent\'s echo: the hopscope pod leaves with its node\'s address', () => {
    const response = curlInNamespace(LAB.hopscopeNamespace, `${hopscope!.baseUrl}/api/v1/traces`, { method: 'POST', body: JSON.stringify({ pathIds: [EGRESS_TRUTH.pathId] }) });
    expect(response.status).toBe(200);
    const done = parseNdjson(response.body).at(-1) as Extract<TraceEvent, { type: 'done' }>;
    const egress = done.trace.paths.find((p) => p.pathId === EGRESS_TRUTH.pathId)!;
    const probe = egress.probes.find((p) => p.kind === 'direct');
    expect(probe?.target).toMatchObject({ address: LAB.clientIP, port: 8080 });
    expect(probe?.observation?.peer).toBe(EGRESS_TRUTH.peer);
    expect(egress.observedVerdict).toBe(EGRESS_TRUTH.verdict);
    expect(egress.differences).toEqual([]);
  });
});

describe('outside-vantage safety in the lab', () => {
  it('plans probes only to discovered addresses of probeable paths, never to a ClusterIP or out of the cluster', () => {
    const { status, plan: p } = plan({ vantage: 'agent', agentName: AGENT });
    expect(status).toBe(201);
    const cluster = json<ClusterInventory>(outside('/api/v1/cluster'));
    const paths = json<{ paths: NetPath[] }>(outside('/api/v1/paths')).paths;
    const discovered = new Set([
      ...cluster.nodes.flatMap((n) => (n.internalIP ? [n.internalIP] : [])),
      ...cluster.services.flatMap((s) => s.loadBalancerIPs),
      ...cluster.ingresses.flatMap((i) => i.addresses),
    ]);
    expect(p.probes.length).toBeGreaterThan(0);
    expect(p.probes.filter((probe) => !discovered.has(probe.target.address))).toEqual([]);
    const kinds = new Map(paths.map((path) => [path.id, path.entry.kind]));
    expect(new Set(p.probes.map((probe) => kinds.get(probe.pathId)))).toEqual(new Set(['loadBalancer', 'ingress', 'nodePort']));
    const notProbed = new Map(p.notProbed.map((n) => [n.pathId, n.reason]));
    for (const path of paths.filter((x) => x.entry.kind === 'clusterIP' || x.entry.kind === 'egress')) expect(notProbed.has(path.id), path.id).toBe(true);
    // Every probe carries its own nonce, in its path.
    expect(new Set(p.probes.map((probe) => probe.nonce)).size).toBe(p.probes.length);
    for (const probe of p.probes) expect(probe.httpPath).toContain(encodeURIComponent(probe.nonce));
  });

  it.each([
    ['a target address', { vantage: 'agent', targets: [{ address: '192.0.2.99', port: 80 }] }],
    ['a URL', { vantage: 'browser', url: 'http://203.0.113.10/' }],
    ['an address as a path id', { vantage: 'agent', pathIds: ['192.0.2.99:80'] }],
  ])('refuses an outside plan naming %s (400)', (_what, body) => {
    const response = outside('/api/v1/traces', { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(json<ApiErrorBody>(response).error.code).toBe('bad_request');
  });

  it('counts a report once: a nonce is single-use and good only for its own probe of its own trace', async () => {
    const first = plan({ vantage: 'agent', agentName: AGENT }).plan;
    const second = plan({ vantage: 'agent', agentName: AGENT }).plan;
    const probeOf = (p: OutsidePlan) => p.probes.find((x) => x.kind === 'direct' && x.pathId === 'nodePort:lab/echo-nodeport-cluster:30080@node1')!;
    const mine = probeOf(first);
    const theirs = probeOf(second);
    const answer = (await sendWithCurl(mine)).answer;
    expect(answer.status).toBe(200);

    // Another trace's probe id with this nonce, this probe with another trace's nonce, a probe id no plan has.
    expect(refusedIds(postReports(second.traceId, [report(mine, answer.body)]), [mine.id])).toEqual([mine.id]);
    expect(refusedIds(postReports(first.traceId, [report(mine, answer.body, theirs.nonce)]), [mine.id])).toEqual([mine.id]);
    expect(refusedIds(postReports(first.traceId, [{ ...report(mine, answer.body), probeId: 'probe-that-was-never-planned' }]), ['probe-that-was-never-planned'])).toEqual([
      'probe-that-was-never-planned',
    ]);
    // The echo's answer to another probe's request carries that probe's nonce: not evidence for this one.
    const otherAnswer = (await sendWithCurl(theirs)).answer;
    expect(refusedIds(postReports(first.traceId, [report(mine, otherAnswer.body)]), [mine.id])).toEqual([mine.id]);

    const counted = postReports(first.traceId, [report(mine, answer.body)]);
    expect(counted.status).toBe(200);
    expect(json<ReportsAnswer>(counted).accepted).toEqual([mine.id]);
    expect(refusedIds(postReports(first.traceId, [report(mine, answer.body)]), [mine.id])).toEqual([mine.id]);

    const closed = postReports(first.traceId, [], true);
    expect(closed.status).toBe(200);
    expect(json<ReportsAnswer>(closed).trace?.vantage?.kind).toBe('agent');
    expect(postReports(first.traceId, [report(probeOf(first), answer.body)]).status).toBe(410);
    expect(postReports('no-such-trace', [report(mine, answer.body)]).status).toBe(404);
  }, 60_000);

  it('plans no probe in demo mode: demo traces stay simulated', () => {
    const { status, plan: p } = plan({ vantage: 'agent', agentName: AGENT }, '?scenario=lab');
    expect(status).toBe(201);
    expect(p.probes).toEqual([]);
    expect(p.notProbed.length).toBeGreaterThan(0);
  });

  it('addressed nothing outside the lab, whatever the agent, the dashboard and the echo sent', () => {
    const edges = edgePackets();
    expect(edges.find((e) => e.namespace === LAB.clientNamespace)?.lab).toBeGreaterThan(0);
    expect(edges.filter((e) => e.outside > 0)).toEqual([]);
  });
});
