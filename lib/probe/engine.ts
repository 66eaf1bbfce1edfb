// Runs a trace: plan probes from the inventory, send them in parallel with a bound, stream each result as it
// lands, then compare every path with its prediction. The transport is injected, so the same engine serves real
// probes, simulated demo traces (no transport at all) and tests that count connections.
import { randomUUID } from 'node:crypto';
import { parseEchoResponse } from '@/lib/echo/parse';
import type { ClusterInventory, NetPath, ProbeResult, TraceEvent, TraceRun } from '@/lib/types';
import { classifyAddress, markExpected, tracePath, type ObserveContext } from './observe';
import { SPOOF_ADDRESS, planProbes, type PlannedProbe } from './plan';
import type { ProbeResponse, ProbeTransport } from './transport';

const RAW_LIMIT = 4096;

export interface TraceOptions {
  paths: NetPath[];
  inventory: ClusterInventory;
  transport: ProbeTransport;
  timeoutMs: number;
  concurrency: number;
}

function toResult(probe: PlannedProbe, response: ProbeResponse, startedAt: string): ProbeResult {
  const isEcho = probe.kind !== 'health-check' && response.body !== null;
  return {
    id: probe.id,
    pathId: probe.pathId,
    kind: probe.kind,
    target: probe.target,
    startedAt,
    durationMs: response.durationMs,
    outcome: response.outcome,
    status: response.status,
    observation: isEcho ? parseEchoResponse(response.body!, response.contentType) : null,
    raw: response.body === null ? null : response.body.slice(0, RAW_LIMIT),
    error: response.error,
  };
}

/** Runs `work` over `items` with at most `limit` in flight, yielding each result as soon as it is ready. */
async function* boundedParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): AsyncGenerator<R> {
  const pending = new Map<number, Promise<{ index: number; value: R }>>();
  let next = 0;
  const launch = () => {
    const index = next++;
    pending.set(index, work(items[index]!).then((value) => ({ index, value })));
  };
  while (next < items.length && pending.size < limit) launch();
  while (pending.size > 0) {
    const { index, value } = await Promise.race(pending.values());
    pending.delete(index);
    if (next < items.length) launch();
    yield value;
  }
}

/** The prober is in the cluster when its own address is a pod's, inside a node's pod CIDR, or a node's. */
function proberContext(inventory: ClusterInventory, addresses: Set<string>): ObserveContext {
  const base = { inventory, proberAddresses: new Set<string>(), spoofAddress: SPOOF_ADDRESS, proberInCluster: false };
  const inCluster = [...addresses].some((a) => ['pod', 'node', 'ingressController', 'svclb'].includes(classifyAddress(a, base)));
  return { ...base, proberAddresses: addresses, proberInCluster: inCluster };
}

/** Identical requests (the same health check for every NodePort path, one pod behind many Services) go out once. */
const requestKey = (p: PlannedProbe) => JSON.stringify([p.kind, p.target, p.httpPath, p.forgedHeaders]);

/**
 * Requests to paths the model expects to fail (a Local node dropping packets waits a whole timeout) start first,
 * so their waiting overlaps with everything else and the trace takes about one timeout.
 */
function slowFirst(requests: PlannedProbe[], paths: NetPath[]): PlannedProbe[] {
  const slow = new Set(paths.filter((p) => (p.expectedOutcome ?? 'ok') !== 'ok').map((p) => p.id));
  return [...requests].sort((a, b) => Number(slow.has(b.pathId)) - Number(slow.has(a.pathId)));
}

export async function* runTrace(options: TraceOptions): AsyncGenerator<TraceEvent> {
  const { paths, inventory, transport } = options;
  const traceId = randomUUID();
  const startedAt = new Date().toISOString();
  const planned = planProbes(paths, inventory);
  const unique = slowFirst([...new Map(planned.map((p) => [requestKey(p), p])).values()], paths);
  yield { type: 'start', traceId, simulated: false, pathIds: paths.map((p) => p.id), probeCount: unique.length };

  const byKey = new Map<string, ProbeResult>();
  const proberAddresses = new Set<string>();
  const send = async (probe: PlannedProbe) => {
    const probeStartedAt = new Date().toISOString();
    const headers = probe.forgedHeaders;
    const response = await transport({ target: probe.target, httpPath: probe.httpPath, headers, timeoutMs: options.timeoutMs });
    if (response.localAddress) proberAddresses.add(response.localAddress);
    return { key: requestKey(probe), result: toResult(probe, response, probeStartedAt) };
  };
  for await (const { key, result } of boundedParallel(unique, options.concurrency, send)) {
    byKey.set(key, result);
    yield { type: 'probe', probe: result, done: byKey.size, total: unique.length };
  }

  const ctx = proberContext(inventory, proberAddresses);
  const traces = paths.map((path) => {
    const probes = planned
      .filter((p) => p.pathId === path.id)
      .map((p) => markExpected({ ...byKey.get(requestKey(p))!, id: p.id, pathId: p.pathId }, path, ctx));
    return tracePath(path, probes, ctx);
  });
  for (const path of traces) yield { type: 'path', path };

  const prober = [...proberAddresses][0] ?? null;
  const trace: TraceRun = {
    id: traceId,
    startedAt,
    finishedAt: new Date().toISOString(),
    simulated: false,
    prober: {
      inCluster: ctx.proberInCluster,
      address: prober,
      note: ctx.proberInCluster
        ? `probes were sent from ${prober}, inside the cluster: kube-proxy treats them as in-cluster traffic`
        : `probes were sent from ${prober ?? 'an unknown address'}, outside the cluster's pod and node addresses`,
    },
    paths: traces,
  };
  yield { type: 'done', trace };
}

/**
 * Demo mode: no packet is sent. Every path's "observation" is its prediction, labelled simulated, with one
 * probe per planned target whose outcome is what the model expects.
 */
export async function* simulateTrace(paths: NetPath[], inventory: ClusterInventory): AsyncGenerator<TraceEvent> {
  const traceId = randomUUID();
  const startedAt = new Date().toISOString();
  const planned = planProbes(paths, inventory).filter((p) => p.kind !== 'health-check');
  yield { type: 'start', traceId, simulated: true, pathIds: paths.map((p) => p.id), probeCount: planned.length };
  const byPath = new Map(paths.map((p) => [p.id, p]));
  const results: ProbeResult[] = [];
  for (const probe of planned) {
    const path = byPath.get(probe.pathId)!;
    const outcome =
      path.expectedOutcome ??
      (path.verdict === 'unreachable' ? 'timeout' : path.verdict === 'broken' ? 'http-error' : 'ok');
    const result: ProbeResult = {
      id: probe.id,
      pathId: probe.pathId,
      kind: probe.kind,
      target: probe.target,
      startedAt,
      durationMs: 0,
      outcome,
      status: outcome === 'ok' ? 200 : null,
      observation: null,
      raw: null,
      error: outcome === 'ok' ? null : 'simulated from the prediction',
      expected: true,
    };
    results.push(result);
    yield { type: 'probe', probe: result, done: results.length, total: planned.length };
  }
  const traces = paths.map((path) => ({
    pathId: path.id,
    probes: results.filter((r) => r.pathId === path.id),
    observed: [],
    observedVerdict: path.verdict,
    matchesPrediction: true,
    differences: [],
    inClusterNote: path.inClusterNote ?? null,
  }));
  for (const path of traces) yield { type: 'path', path };
  yield {
    type: 'done',
    trace: {
      id: traceId,
      startedAt,
      finishedAt: new Date().toISOString(),
      simulated: true,
      prober: { inCluster: false, address: null, note: 'demo mode: simulated from the predictions, no probe was sent' },
      paths: traces,
    },
  };
}
