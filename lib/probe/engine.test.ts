import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '@/lib/echo/server';
import type { ProbeResult, TraceEvent, VantagePrediction } from '@/lib/types';
import { dashboardVantage, runTrace, simulateTrace, tracePaths } from './engine';
import { inventory, node, path, pod, service } from '@/test/support/probe';
import { loopbackOnlyTransport } from '@/test/support/net';
import type { ProbeTransport } from './transport';
import { parseNdjson, ndjsonResponse } from './stream';

/** A dashboard that knows nothing of itself before its sockets speak. */
const NO_SELF = { name: null, addresses: [] };

async function collect(events: AsyncIterable<TraceEvent>): Promise<TraceEvent[]> {
  const all: TraceEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer({ port: 0, host: '127.0.0.1' });
});
afterAll(() => echo.close());

// A one-node "cluster" on loopback: the node is 127.0.0.1 and the NodePort is the echo server's port. The Service
// is labelled a probe target, as the chart labels the echo's Services.
const loopbackInventory = () =>
  inventory({
    nodes: [node('node1', '127.0.0.1', '10.244.1.0/24')],
    services: [
      service({
        namespace: 'lab',
        name: 'echo',
        type: 'NodePort',
        clusterIP: '10.96.0.10',
        labels: { 'hopscope.io/probe-target': 'true' },
        externalTrafficPolicy: 'Cluster',
        ports: [{ name: 'http', port: 80, nodePort: echo.port, targetPort: 8080, protocol: 'TCP' }],
      }),
    ],
  });
const nodePortPath = () =>
  path({ id: 'nodePort/lab/echo', entry: { kind: 'nodePort', namespace: 'lab', name: 'echo', host: null, address: null, port: echo.port } });

describe('runTrace', () => {
  it('streams start, every probe, every path and done, over real sockets', async () => {
    const events = await collect(
      runTrace({ paths: [nodePortPath()], inventory: loopbackInventory(), transport: loopbackOnlyTransport, timeoutMs: 1000, concurrency: 4 }),
    );
    expect(events.map((e) => e.type)).toEqual(['start', 'probe', 'probe', 'path', 'done']);
    const done = events.at(-1) as Extract<TraceEvent, { type: 'done' }>;
    expect(done.trace.simulated).toBe(false);
    expect(done.trace.prober.address).toBe('127.0.0.1');
    expect(done.trace.paths[0]).toMatchObject({ observedVerdict: 'preserved', matchesPrediction: true });
    expect(done.trace.paths[0]!.probes.every((p) => p.observation?.peer === '127.0.0.1')).toBe(true);
  });

  it('records its vantage on the trace and on every probe: the host-network prober on node1', async () => {
    const events = await collect(
      runTrace({ paths: [nodePortPath()], inventory: loopbackInventory(), transport: loopbackOnlyTransport, timeoutMs: 1000, concurrency: 4, self: NO_SELF }),
    );
    const done = events.at(-1) as Extract<TraceEvent, { type: 'done' }>;
    expect(done.trace.vantage).toEqual({ kind: 'in-cluster', label: 'hopscope pod at 127.0.0.1 on node1', name: null, node: 'node1', address: '127.0.0.1' });
    expect(done.trace.paths[0]).toMatchObject({ vantage: 'in-cluster', predicted: { vantage: 'outside' } });
    const probes = [...events.flatMap((e) => (e.type === 'probe' ? [e.probe] : [])), ...done.trace.paths[0]!.probes];
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((p) => p.vantage === 'in-cluster')).toBe(true);
  });

  it("holds a trace whose sockets are outside every cluster range to the outside prediction, and plans for where it believes it runs", async () => {
    const seen: string[] = [];
    const answer = JSON.stringify({ kind: 'hopscope-echo-report' });
    const transport: ProbeTransport = async (request) => {
      seen.push(request.headers.length > 0 ? 'spoof' : 'direct');
      return { outcome: 'ok', status: 200, contentType: 'application/json', body: answer, error: null, localAddress: '203.0.113.9', durationMs: 1 };
    };
    const inCluster: VantagePrediction = { vantage: 'in-cluster', verdict: 'preserved', expectedOutcome: 'ok', peerRole: 'client', believedRole: 'client', via: 'source', note: null };
    // Outside, the path drops; a pod of the cluster gets through: the server that believes it is a pod sends the spoof test.
    const dropped = { ...nodePortPath(), verdict: 'unreachable' as const, expectedOutcome: 'timeout' as const, inCluster };
    const asPod = await collect(runTrace({ paths: [dropped], inventory: loopbackInventory(), transport, timeoutMs: 50, concurrency: 4, self: { name: 'hopscope/hopscope-0', addresses: ['10.244.1.7'] } }));
    expect(seen.sort()).toEqual(['direct', 'spoof']);
    const done = asPod.at(-1) as Extract<TraceEvent, { type: 'done' }>;
    expect(done.trace.vantage).toMatchObject({ kind: 'agent', address: '203.0.113.9', node: null });
    expect(done.trace.prober.inCluster).toBe(false);
    expect(done.trace.paths[0]!.predicted).toMatchObject({ vantage: 'outside', expectedOutcome: 'timeout' });
    seen.length = 0;
    await collect(runTrace({ paths: [dropped], inventory: loopbackInventory(), transport, timeoutMs: 50, concurrency: 4, self: NO_SELF }));
    // Believing nothing, it plans for a pod with no special relation to the path, which here is that same prediction.
    expect(seen).toEqual(['direct', 'spoof']);
  });

  it('keeps at most `concurrency` probes in flight', async () => {
    const nodes = Array.from({ length: 20 }, (_, i) => node(`n${i}`, `192.0.2.${i + 1}`, `10.244.${i}.0/24`));
    let inFlight = 0;
    let peak = 0;
    let calls = 0;
    const release: (() => void)[] = [];
    const transport: ProbeTransport = async () => {
      calls++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight--;
      return { outcome: 'timeout', status: null, contentType: null, body: null, error: 'dropped', localAddress: null, durationMs: 1 };
    };
    const events = runTrace({ paths: [nodePortPath()], inventory: { ...loopbackInventory(), nodes }, transport, timeoutMs: 50, concurrency: 3 });
    const collecting = collect(events);
    while (calls < 21) {
      await new Promise((resolve) => setImmediate(resolve));
      release.splice(0).forEach((r) => r());
    }
    const all = await collecting;
    expect(peak).toBe(3);
    expect(all.filter((e) => e.type === 'probe')).toHaveLength(21);
  });

  it('sends an identical request once and gives every path its copy', async () => {
    const calls: string[] = [];
    const transport: ProbeTransport = async (request) => {
      calls.push(`${request.target.address}:${request.target.port}`);
      return { outcome: 'ok', status: 200, contentType: 'text/plain', body: 'ok', error: null, localAddress: '127.0.0.1', durationMs: 1 };
    };
    const twin = { ...nodePortPath(), id: 'twin' };
    const events = await collect(runTrace({ paths: [nodePortPath(), twin], inventory: loopbackInventory(), transport, timeoutMs: 50, concurrency: 4 }));
    expect(calls).toHaveLength(2);
    const done = events.at(-1) as Extract<TraceEvent, { type: 'done' }>;
    expect(done.trace.paths.map((p) => p.probes.map((r) => r.pathId))).toEqual([
      ['nodePort/lab/echo', 'nodePort/lab/echo'],
      ['twin', 'twin'],
    ]);
  });
});

describe('dashboardVantage', () => {
  const inv = () => ({
    ...loopbackInventory(),
    nodes: [node('node1', '192.0.2.11', '10.244.1.0/24'), node('node2', '192.0.2.12', '10.244.2.0/24')],
    pods: [pod({ namespace: 'hopscope', name: 'hopscope-0', ip: '10.244.9.9', nodeName: 'node2', roles: ['app'] })],
  });
  it.each([
    ['10.244.2.30', { kind: 'in-cluster', node: 'node2', label: 'hopscope pod hopscope/hs-1 on node2' }],
    ['10.244.9.9', { kind: 'in-cluster', node: 'node2' }],
    ['192.0.2.11', { kind: 'in-cluster', node: 'node1' }],
    ['203.0.113.9', { kind: 'agent', node: null, label: 'the hopscope server at 203.0.113.9, outside the cluster' }],
  ] as const)('a socket address %s', (address, vantage) => {
    expect(dashboardVantage(inv(), { name: 'hopscope/hs-1', addresses: [] }, address)).toMatchObject({ ...vantage, address });
  });
  it('before any socket, takes the first own address the cluster knows', () => {
    expect(dashboardVantage(inv(), { name: null, addresses: ['172.17.0.2', '10.244.1.40'] })).toMatchObject({ kind: 'in-cluster', node: 'node1', address: '10.244.1.40' });
  });
});

describe('tracePaths (closing a trace from any vantage)', () => {
  it("compares an agent's results with the outside prediction, keeps the plan's reasons, and tags every probe", () => {
    const result: ProbeResult = {
      id: 'r1',
      pathId: 'nodePort/lab/echo',
      kind: 'direct',
      target: { address: '127.0.0.1', port: 30080, label: 'node1' },
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 3,
      outcome: 'ok',
      status: 200,
      observation: { format: 'hopscope', peer: '203.0.113.10', xForwardedFor: [], xRealIp: null, forwarded: [], proxyProtocol: null, echoPod: 'echo', echoNode: 'node1', host: null, headers: [] },
      raw: null,
      error: null,
    };
    const other = { ...nodePortPath(), id: 'clusterIP/lab/echo' };
    const traces = tracePaths({
      paths: [nodePortPath(), other],
      inventory: loopbackInventory(),
      vantage: { kind: 'agent', label: 'agent laptop', name: 'laptop', node: null, address: null },
      results: [result],
      proberAddresses: ['203.0.113.10'],
      notProbed: new Map([['clusterIP/lab/echo', 'not probed from outside: a ClusterIP']]),
    });
    expect(traces[0]).toMatchObject({ vantage: 'agent', observedVerdict: 'preserved', matchesPrediction: true, predicted: { vantage: 'outside' } });
    expect(traces[0]!.probes.map((p) => p.vantage)).toEqual(['agent']);
    expect(traces[1]).toMatchObject({ vantage: 'agent', observedVerdict: null, notProbed: 'not probed from outside: a ClusterIP' });
  });
});

describe('simulateTrace (demo mode)', () => {
  it('labels everything simulated and needs no transport at all', async () => {
    const unreachable = { ...nodePortPath(), id: 'u', verdict: 'unreachable' as const };
    const events = await collect(simulateTrace([nodePortPath(), unreachable], loopbackInventory()));
    const done = events.at(-1) as Extract<TraceEvent, { type: 'done' }>;
    expect(done.trace.simulated).toBe(true);
    expect(events[0]).toMatchObject({ type: 'start', simulated: true });
    expect(done.trace.paths.map((p) => [p.pathId, p.observedVerdict])).toEqual([
      ['nodePort/lab/echo', 'preserved'],
      ['u', 'unreachable'],
    ]);
    expect(done.trace.paths[1]!.probes.every((p) => p.outcome === 'timeout' && p.durationMs === 0)).toBe(true);
    expect(done.trace.vantage).toMatchObject({ kind: 'in-cluster', label: expect.stringMatching(/^simulated/) });
    expect(done.trace.paths.flatMap((p) => p.probes).every((p) => p.vantage === 'in-cluster')).toBe(true);
  });
});

describe('simulateTrace and the probe scope', () => {
  it('simulates only what a real trace would probe, and says why the rest is not', async () => {
    const inv = loopbackInventory();
    const app = service({ namespace: 'shop', name: 'shop', type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30090, targetPort: 8080, protocol: 'TCP' }] });
    const appPath = path({ id: 'nodePort/shop/shop', entry: { kind: 'nodePort', namespace: 'shop', name: 'shop', host: null, address: null, port: 30090 } });
    const withApp = { ...inv, services: [...inv.services, app] };
    const done = (await collect(simulateTrace([nodePortPath(), appPath], withApp, { probeAnyService: false }))).at(-1) as Extract<TraceEvent, { type: 'done' }>;
    expect(done.trace.paths.map((p) => [p.pathId, p.probes.length > 0, p.observedVerdict])).toEqual([
      ['nodePort/lab/echo', true, 'preserved'],
      ['nodePort/shop/shop', false, null],
    ]);
    expect(done.trace.paths[1]!.notProbed).toMatch(/^not probed: Service shop\/shop is not a probe target/);
    const anyService = (await collect(simulateTrace([appPath], withApp, { probeAnyService: true }))).at(-1) as Extract<TraceEvent, { type: 'done' }>;
    expect(anyService.trace.paths[0]).toMatchObject({ observedVerdict: 'preserved', matchesPrediction: true });
  });

  it('sends nothing for a path outside the scope of a real trace', async () => {
    const calls: string[] = [];
    const transport: ProbeTransport = async (request) => {
      calls.push(`${request.target.address}:${request.target.port}`);
      return { outcome: 'ok', status: 200, contentType: 'text/plain', body: 'ok', error: null, localAddress: '127.0.0.1', durationMs: 1 };
    };
    const unlabelled = loopbackInventory();
    unlabelled.services = unlabelled.services.map((s) => ({ ...s, labels: {} }));
    const events = await collect(runTrace({ paths: [nodePortPath()], inventory: unlabelled, transport, timeoutMs: 50, concurrency: 4, probeAnyService: false }));
    expect(calls).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['start', 'path', 'done']);
    expect(events[0]).toMatchObject({ probeCount: 0, pathIds: ['nodePort/lab/echo'] });
  });
});

describe('ndjsonResponse', () => {
  it('writes one JSON event per line, the finished run last', async () => {
    const response = ndjsonResponse(simulateTrace([nodePortPath()], loopbackInventory()));
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const text = await response.text();
    const events = parseNdjson(text);
    expect(text.trim().split('\n')).toHaveLength(events.length);
    const start = events[0];
    expect(start?.type).toBe('start');
    expect(events.at(-1)).toMatchObject({ type: 'done', trace: { id: start?.type === 'start' ? start.traceId : null } });
  });

  it('ends with an error line when the trace fails midway', async () => {
    async function* failing(): AsyncGenerator<TraceEvent> {
      yield { type: 'start', traceId: 't', simulated: false, pathIds: [], probeCount: 0 };
      throw new Error('inventory vanished');
    }
    const events = parseNdjson(await ndjsonResponse(failing()).text());
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'trace_failed' } });
  });
});
