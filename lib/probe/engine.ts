// Runs a trace: plan probes from the inventory, send them in parallel with a bound, stream each result as it
// lands, then compare every path with its prediction. The transport is injected, so the same engine serves real
// probes, simulated demo traces (no transport at all) and tests that count connections.
//
// What a trace keeps of an answer: an echo report is kept as its observation plus the reply trimmed to RAW_LIMIT; a
// health check as kube-proxy's fields (health.ts); anything else only as status, timing and size — never its body,
// since whoever can open the dashboard reads the trace. All the evidence of one trace together is capped too.
import { randomUUID } from 'node:crypto';
import { config } from '@/lib/config';
import { parseEchoResponse, type ParsedEchoObservation } from '@/lib/echo/parse';
import type { ClusterInventory, EchoObservation, NetPath, ProbeResult, TraceEvent, TraceRun } from '@/lib/types';
import { healthCheckReport } from './health';
import { classifyAddress, markExpected, notProbedTrace, tracePath, type ObserveContext } from './observe';
import { SPOOF_ADDRESS, planProbes, type PlannedProbe } from './plan';
import { notProbedReason, type ScopeOptions } from './scope';
import type { ProbeResponse, ProbeTransport } from './transport';

/** Characters of an echo's reply kept as `raw`. */
const RAW_LIMIT = 4096;

/**
 * Characters of answer-derived evidence (observations and kept replies, counted as JSON) one trace keeps over all
 * its paths; past it a probe keeps status, timing and size only, and says so in `truncated`. The streamed probe
 * events have the same cap of their own.
 */
export const TRACE_EVIDENCE_LIMIT = 1024 * 1024;

export interface TraceOptions {
  paths: NetPath[];
  inventory: ClusterInventory;
  transport: ProbeTransport;
  timeoutMs: number;
  concurrency: number;
  /** HOPSCOPE_PROBE_ANY_SERVICE (scope.ts); read from the configuration when unset. */
  probeAnyService?: boolean;
}

const scopeOptions = (probeAnyService: boolean | undefined): ScopeOptions => ({
  probeAnyService: probeAnyService ?? config().probeAnyService,
});

/** The observation as the contract has it: the parser's reading notes and cut list are not part of it. */
function contractObservation(parsed: ParsedEchoObservation): EchoObservation {
  const { derivedClient: _derived, notes: _notes, truncated: _truncated, ...observation } = parsed;
  return observation;
}

const joined = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join('; ') || null;

/** The fields of a result that say which probe it is. */
const probeFields = (probe: PlannedProbe, startedAt: string) => ({ id: probe.id, pathId: probe.pathId, kind: probe.kind, target: probe.target, startedAt });

function toResult(probe: PlannedProbe, response: ProbeResponse, startedAt: string): ProbeResult {
  const base = {
    ...probeFields(probe, startedAt),
    durationMs: response.durationMs,
    outcome: response.outcome,
    status: response.status,
  };
  const { body } = response;
  if (body === null) return { ...base, observation: null, raw: null, error: response.error };
  const bytes = response.bytes ?? Buffer.byteLength(body);
  const notKept = response.error
    ? `${response.error}; hopscope kept the answer's size (${bytes} bytes), not its body`
    : `the answer (${bytes} bytes) is not ${probe.kind === 'health-check' ? 'a kube-proxy health check answer' : 'an echo report'}; hopscope kept its status, timing and size, not its body`;
  if (probe.kind === 'health-check') {
    const report = healthCheckReport(body);
    return { ...base, observation: null, raw: report, bytes, error: report === null ? notKept : response.error };
  }
  const parsed = parseEchoResponse(body, response.contentType);
  if (!parsed) return { ...base, observation: null, raw: null, bytes, error: notKept };
  return {
    ...base,
    observation: contractObservation(parsed),
    raw: body.slice(0, RAW_LIMIT),
    bytes,
    error: response.error,
    ...(parsed.truncated.length > 0 ? { truncated: `hopscope cut this echo report: ${parsed.truncated.join(', ')}` } : {}),
  };
}

/** A probe hopscope would not send (wire.ts): recorded with the reason, nothing went out. */
function refusedResult(probe: PlannedProbe, startedAt: string): ProbeResult {
  return { ...probeFields(probe, startedAt), durationMs: 0, outcome: 'error', status: null, observation: null, raw: null, error: probe.refusal };
}

/** Why a path counts as not probed although it was planned: hopscope refused every direct request of it. */
function refusedPath(planned: PlannedProbe[]): string | null {
  const direct = planned.filter((p) => p.kind === 'direct');
  return direct.length > 0 && direct.every((p) => p.refusal) ? `not probed: ${direct[0]!.refusal}` : null;
}

/** Keeps answer evidence until TRACE_EVIDENCE_LIMIT is spent; after that, probes keep status, timing and size. */
class EvidenceBudget {
  private used = 0;
  private spent = false;

  constructor(private readonly limit: number) {}

  keep(probe: ProbeResult): ProbeResult {
    if (probe.observation === null && probe.raw === null) return probe;
    const size = JSON.stringify(probe.observation).length + JSON.stringify(probe.raw).length;
    if (!this.spent && this.used + size <= this.limit) {
      this.used += size;
      return probe;
    }
    this.spent = true;
    const note = `the trace's size cap (${this.limit / 2 ** 20} MiB of answer evidence) was reached: this answer's observation and reply were not kept, its status, timing and size were`;
    return { ...probe, observation: null, raw: null, truncated: joined(probe.truncated, note)! };
  }
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
  const scope = scopeOptions(options.probeAnyService);
  const traceId = randomUUID();
  const startedAt = new Date().toISOString();
  const planned = planProbes(paths, inventory, scope);
  const unique = slowFirst([...new Map(planned.map((p) => [requestKey(p), p])).values()], paths);
  yield { type: 'start', traceId, simulated: false, pathIds: paths.map((p) => p.id), probeCount: unique.length };

  const byKey = new Map<string, ProbeResult>();
  const proberAddresses = new Set<string>();
  const send = async (probe: PlannedProbe) => {
    const probeStartedAt = new Date().toISOString();
    if (probe.refusal) return { key: requestKey(probe), result: refusedResult(probe, probeStartedAt) };
    const headers = probe.forgedHeaders;
    const response = await transport({ target: probe.target, httpPath: probe.httpPath, headers, timeoutMs: options.timeoutMs });
    if (response.localAddress) proberAddresses.add(response.localAddress);
    return { key: requestKey(probe), result: toResult(probe, response, probeStartedAt) };
  };
  const streamed = new EvidenceBudget(TRACE_EVIDENCE_LIMIT);
  for await (const { key, result } of boundedParallel(unique, options.concurrency, send)) {
    byKey.set(key, result);
    yield { type: 'probe', probe: streamed.keep(result), done: byKey.size, total: unique.length };
  }

  // Verdicts are read from the whole evidence; the cap only decides what the trace keeps of it.
  const ctx = proberContext(inventory, proberAddresses);
  const kept = new EvidenceBudget(TRACE_EVIDENCE_LIMIT);
  const traces = paths.map((path) => {
    const mine = planned.filter((p) => p.pathId === path.id);
    const probes = mine.map((p) => {
      const result = { ...byKey.get(requestKey(p))!, id: p.id, pathId: p.pathId };
      return p.refusal ? result : markExpected(result, path, ctx);
    });
    const reason = notProbedReason(path, inventory, scope) ?? refusedPath(mine);
    const trace = reason ? notProbedTrace(path, reason, probes) : tracePath(path, probes, ctx);
    return { ...trace, probes: trace.probes.map((p) => kept.keep(p)) };
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
 * probe per planned target whose outcome is what the model expects. Paths a real trace would not probe (scope.ts)
 * or requests it would refuse (wire.ts) are shown as such.
 */
export async function* simulateTrace(
  paths: NetPath[],
  inventory: ClusterInventory,
  options: Pick<TraceOptions, 'probeAnyService'> = {},
): AsyncGenerator<TraceEvent> {
  const scope = scopeOptions(options.probeAnyService);
  const traceId = randomUUID();
  const startedAt = new Date().toISOString();
  const planned = planProbes(paths, inventory, scope).filter((p) => p.kind !== 'health-check');
  yield { type: 'start', traceId, simulated: true, pathIds: paths.map((p) => p.id), probeCount: planned.length };
  const byPath = new Map(paths.map((p) => [p.id, p]));
  const results: ProbeResult[] = [];
  for (const probe of planned) {
    const path = byPath.get(probe.pathId)!;
    const outcome =
      path.expectedOutcome ??
      (path.verdict === 'unreachable' ? 'timeout' : path.verdict === 'broken' ? 'http-error' : 'ok');
    const result: ProbeResult = probe.refusal
      ? refusedResult(probe, startedAt)
      : {
          ...probeFields(probe, startedAt),
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
  const traces = paths.map((path) => {
    const probes = results.filter((r) => r.pathId === path.id);
    const reason = notProbedReason(path, inventory, scope) ?? refusedPath(planned.filter((p) => p.pathId === path.id));
    if (reason) {
      const { findings: _none, ...trace } = notProbedTrace(path, reason, probes);
      return trace;
    }
    return {
      pathId: path.id,
      probes,
      observed: [],
      observedVerdict: path.verdict,
      matchesPrediction: true,
      differences: [],
      inClusterNote: path.inClusterNote ?? null,
    };
  });
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
