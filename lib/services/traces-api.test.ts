import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson } from '@/lib/probe/stream';
import { startFixtureApiServer, type FixtureApiServer } from '@/test/fixture-apiserver/server';
import { outsideEchoBody } from '@/test/support/probe';
import type { ApiErrorBody, ClusterInventory, LastTraces, OutsidePlan, OutsideProbe, ReportsAnswer } from '@/lib/types';

// The route handlers of POST/GET /api/v1/traces and POST /api/v1/traces/{id}/reports, called with real Requests as
// Next calls them, against the fixture API server serving the lab scenario as a live cluster. No probe is sent: the
// outside vantage is played by the test, which posts what an echo would have answered.

const scenario = path.join(import.meta.dirname, '..', '..', 'scenarios', 'lab.yaml');
const ENV_KEYS = ['KUBECONFIG', 'HOPSCOPE_DEMO', 'KUBERNETES_SERVICE_HOST'] as const;
const ORIGIN = 'http://localhost:3000';
const AGENT = '203.0.113.10';

type Handler = (request: Request, context?: { params: Promise<{ id: string }> }) => Promise<Response>;
let server: FixtureApiServer;
let routes: { traces: { POST: Handler; GET: Handler }; reports: { POST: Handler } };
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  server = await startFixtureApiServer({ scenarioFile: scenario, contextName: 'lab' });
  process.env.KUBECONFIG = server.kubeconfigPath;
  delete process.env.HOPSCOPE_DEMO;
  delete process.env.KUBERNETES_SERVICE_HOST;
  // Imported after the environment is set: lib/config reads it once.
  const [traces, reports] = await Promise.all([import('@/app/api/v1/traces/route'), import('@/app/api/v1/traces/[id]/reports/route')]);
  routes = { traces: traces as never, reports: reports as never };
});
afterAll(async () => {
  await server.close();
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function plan(body: unknown, query = '') {
  const response = await routes.traces.POST(new Request(`${ORIGIN}/api/v1/traces${query}`, json(body)));
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as OutsidePlan & ApiErrorBody };
}

async function postReports(traceId: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await routes.reports.POST(new Request(`${ORIGIN}/api/v1/traces/${encodeURIComponent(traceId)}/reports`, json(body, headers)), {
    params: Promise.resolve({ id: traceId }),
  });
  return { status: response.status, body: (await response.json()) as ReportsAnswer & ApiErrorBody };
}

async function last(query = '') {
  const response = await routes.traces.GET(new Request(`${ORIGIN}/api/v1/traces${query}`));
  return (await response.json()) as LastTraces;
}

/** What the hopscope echo answers the request of `probe`, seen from the agent's address. */
function echoReport(probe: OutsideProbe) {
  const body = outsideEchoBody(probe, AGENT);
  return { probeId: probe.id, nonce: probe.nonce, outcome: 'ok', status: 200, durationMs: 3, body, contentType: 'application/json', error: null, localAddress: AGENT };
}

const LOCAL_NODE1 = 'nodePort:lab/echo-nodeport-local:30081@node1';

describe('POST /api/v1/traces for an outside vantage', () => {
  it('answers 201 with a JSON plan of discovered targets only', async () => {
    const { status, type, body } = await plan({ vantage: 'agent', agentName: 'lab-client' });
    expect([status, type]).toEqual([201, 'application/json']);
    expect(body.vantage).toMatchObject({ kind: 'agent', name: 'lab-client' });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    const cluster = (await import('@/lib/k8s/inventory')).getInventory({});
    const inventory: ClusterInventory = await cluster;
    const known = new Set([...inventory.nodes.flatMap((n) => [n.internalIP, n.externalIP]), ...inventory.services.flatMap((s) => s.loadBalancerIPs), ...inventory.ingresses.flatMap((i) => i.addresses)]);
    expect(body.probes.length).toBeGreaterThan(0);
    expect(body.probes.filter((p) => !known.has(p.target.address))).toEqual([]);
    expect(body.notProbed.some((n) => n.pathId.startsWith('clusterIP:'))).toBe(true);
  });

  it.each([
    ['a target address', { vantage: 'agent', targets: [{ address: '192.0.2.99', port: 80 }] }],
    ['a URL', { vantage: 'browser', url: 'http://203.0.113.10/' }],
    ['an agent name for the browser', { vantage: 'browser', agentName: 'laptop' }],
    ['an unknown vantage', { vantage: 'satellite' }],
  ])('refuses a request naming %s (400)', async (_what, body) => {
    const { status, body: answer } = await plan(body);
    expect(status).toBe(400);
    expect(answer.error.code).toBe('bad_request');
  });

  it('plans nothing in demo mode', async () => {
    const { status, body } = await plan({ vantage: 'browser' }, '?scenario=lab');
    expect(status).toBe(201);
    expect(body.probes).toEqual([]);
    expect(body.notProbed.length).toBeGreaterThan(0);
  });

  it('still streams the in-cluster trace as NDJSON', async () => {
    const response = await routes.traces.POST(new Request(`${ORIGIN}/api/v1/traces?scenario=lab`, json({})));
    expect(response.headers.get('content-type')).toMatch(/ndjson/);
    const events = parseNdjson(await response.text());
    expect(events.at(-1)?.type).toBe('done');
  });
});

describe('POST /api/v1/traces/{id}/reports', () => {
  it('counts each nonce once, closes with done, and remembers the trace for its vantage', async () => {
    const { body: p } = await plan({ vantage: 'agent', agentName: 'lab-client' });
    const probe = p.probes.find((x) => x.kind === 'direct' && x.pathId.startsWith(LOCAL_NODE1))!;
    const first = await postReports(p.traceId, { reports: [echoReport(probe)] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ traceId: p.traceId, accepted: [probe.id], refused: [], pending: p.probes.length - 1, trace: null });

    const again = await postReports(p.traceId, { reports: [echoReport(probe)] });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('report_refused');
    expect(again.body.error.message).toContain('already used');

    const closed = await postReports(p.traceId, { reports: [], done: true });
    expect(closed.status).toBe(200);
    const trace = closed.body.trace!;
    expect(trace.vantage).toMatchObject({ kind: 'agent', address: AGENT });
    expect(trace.paths.find((x) => x.pathId === probe.pathId)).toMatchObject({ observedVerdict: 'preserved', predicted: { vantage: 'outside' } });

    expect((await postReports(p.traceId, { reports: [], done: true })).status).toBe(410);
    expect((await postReports('no-such-trace', { reports: [], done: true })).status).toBe(404);

    const traces = await last();
    expect(traces.trace?.vantage?.kind ?? 'in-cluster').toBe('in-cluster');
    expect(traces.byVantage.agent?.id).toBe(p.traceId);
    expect(traces.byVantage.browser).toBeNull();
    expect((await last('?vantage=agent')).trace?.id).toBe(p.traceId);
  });

  it('refuses a cross-origin POST, and takes one without Origin (the agent) or from the page itself', async () => {
    const { body: p } = await plan({ vantage: 'browser' });
    const [a, b] = p.probes.filter((x) => x.kind === 'direct');
    const foreign = await postReports(p.traceId, { reports: [echoReport(a!)] }, { origin: 'https://attacker.example.net', 'sec-fetch-site': 'cross-site' });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'cross_origin_refused']);
    expect((await postReports(p.traceId, { reports: [echoReport(a!)] })).status).toBe(200);
    expect((await postReports(p.traceId, { reports: [echoReport(b!)] }, { origin: ORIGIN, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('refuses a body over 64 KiB and reports that are not reports', async () => {
    const { body: p } = await plan({ vantage: 'agent' });
    const probe = p.probes[0]!;
    const big = await postReports(p.traceId, { reports: [{ ...echoReport(probe), body: 'x'.repeat(65_000), error: 'y'.repeat(1000) }] });
    expect([big.status, big.body.error.code]).toEqual([413, 'body_too_large']);
    const bad = await postReports(p.traceId, { reports: [{ probeId: probe.id }] });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'bad_request']);
  });
});
