import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '@/lib/echo/server';
import type { TraceEvent } from '@/lib/types';
import { runTrace, simulateTrace } from './engine';
import { inventory, node, path, service } from '@/test/support/probe';
import { loopbackOnlyTransport } from '@/test/support/net';
import type { ProbeTransport } from './transport';
import { parseNdjson, ndjsonResponse } from './stream';

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
