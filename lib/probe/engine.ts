// Runs a trace: plan probes from the inventory, send them in parallel with a bound, stream each result as it
// lands, then compare every path with its prediction. The transport is injected, so the same engine serves real
// probes, simulated demo traces (no transport at all) and tests that count connections.
//
// What a trace keeps of an answer: an echo report is kept as its observation plus the reply trimmed to RAW_LIMIT; a
// health check as kube-proxy's fields (health.ts); anything else only as status, timing and size — never its body,
// since whoever can open the dashboard reads the trace. All the evidence of one trace together is capped too.
import { randomUUID } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import { config, type EgressEcho } from '@/lib/config';
import { parseEchoResponse, type ParsedEchoObservation } from '@/lib/echo/parse';
import { isClusterAddress, nodeOfAddress, outsidePrediction } from '@/lib/model/vantage';
import type { ClusterInventory, EchoObservation, NetPath, PathTrace, ProbeResult, TraceEvent, TraceRun, Vantage, VantageKind } from '@/lib/types';
import { planEgressProbes, traceEgressPath } from './egress';
import { healthCheckReport } from './health';
import { markExpected, notProbedTrace, observeContext, tracePath, type ObservedPathTrace } from './observe';
import { SPOOF_ADDRESS, planProbes, type PlannedProbe } from './plan';
import { isEgressProbed, notProbedReason, type ScopeOptions } from './scope';
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
  /** HOPSCOPE_EGRESS_ECHO (egress.ts); read from the configuration when unset. */
  egressEchoes?: readonly EgressEcho[];
  /** Who this server is before its sockets say (dashboardSelf); read from the process when unset. */
  self?: DashboardSelf;
}

/** What the dashboard knows of itself before it probes: its pod's name, and its own addresses. */
export interface DashboardSelf {
  /** "namespace/name" of its pod, when it runs in one. */
  name: string | null;
  /** Its interfaces' addresses (not loopback). */
  addresses: string[];
}

/**
 * The dashboard as the process sees it: in a pod, the release namespace (downward API) and the kernel host name,
 * which the kubelet sets to the pod's name; outside a pod no name. Its addresses are its interfaces'.
 */
export function dashboardSelf(): DashboardSelf {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !i.internal)
    .map((i) => i!.address);
  return { name: config().inCluster ? `${config().namespace}/${hostname()}` : null, addresses };
}

/**
 * The vantage of probes sent from `address` (a socket's local address, else the first of this server's own addresses
 * the cluster knows): a pod (or node) of the cluster, on the node the inventory places it on; an address no cluster
 * object and no pod range holds is a machine outside the cluster, held to the outside prediction like the agent.
 */
export function dashboardVantage(inventory: ClusterInventory, self: DashboardSelf, address: string | null = null): Vantage {
  const ip = address ?? self.addresses.find((a) => isClusterAddress(inventory, a)) ?? null;
  if (ip !== null && !isClusterAddress(inventory, ip)) {
    return { kind: 'agent', label: `the hopscope server at ${ip}, outside the cluster`, name: null, node: null, address: ip };
  }
  const node = nodeOfAddress(inventory, ip);
  const who = self.name ?? (ip ? `at ${ip}` : 'of this dashboard');
  return { kind: 'in-cluster', label: `hopscope pod ${who}${node ? ` on ${node}` : ''}`, name: self.name, node, address: ip };
}

const scopeOptions = (probeAnyService: boolean | undefined): ScopeOptions => ({
  probeAnyService: probeAnyService ?? config().probeAnyService,
});

/** The in-cluster trace's scope: also the egress echoes the deployment lists, the only targets outside the cluster. */
const inClusterScope = (options: Pick<TraceOptions, 'probeAnyService' | 'egressEchoes'>): ScopeOptions => ({
  ...scopeOptions(options.probeAnyService),
  egressEchoes: options.egressEchoes ?? config().egressEchoes,
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
  return { ...probeFields(probe, startedAt), durationMs: 0, outcome: 'not-sent', status: null, observation: null, raw: null, error: probe.refusal };
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

/** Identical requests (the same health check for every NodePort path, one pod behind many Services) go out once. */
const requestKey = (p: PlannedProbe) => JSON.stringify([p.kind, p.target, p.httpPath, p.forgedHeaders]);

/**
 * Requests to paths this vantage is expected to fail on (a Local node dropping packets waits a whole timeout) start
 * first, so their waiting overlaps with everything else and the trace takes about one timeout.
 */
function slowFirst(requests: PlannedProbe[], paths: NetPath[], outcomeOf: (path: NetPath) => string): PlannedProbe[] {
  const slow = new Set(paths.filter((p) => outcomeOf(p) !== 'ok').map((p) => p.id));
  return [...requests].sort((a, b) => Number(slow.has(b.pathId)) - Number(slow.has(a.pathId)));
}

export interface TracePathsInput {
  paths: NetPath[];
  inventory: ClusterInventory;
  vantage: Vantage;
  /** Every probe result of the trace, each naming its path. */
  results: ProbeResult[];
  /** Addresses that are the sender's own besides vantage.address (an agent's reported local addresses). */
  proberAddresses?: Iterable<string>;
  /** Why a path got no probe from this vantage (the plan's notProbed); such a path is predicted, not observed. */
  notProbed?: ReadonlyMap<string, string>;
  /** The egress echoes the trace probed (in-cluster only): the egress path is read from what they saw. */
  egressEchoes?: readonly EgressEcho[];
}

/**
 * The path traces of a trace from any vantage: each path's results (expected failures marked), compared with the
 * prediction for that vantage (observe.ts), and kept within the trace's evidence cap. The in-cluster engine and the
 * outside traces (browser, agent) both close their traces with it.
 */
export function tracePaths(input: TracePathsInput): ObservedPathTrace[] {
  const { paths, inventory, vantage } = input;
  const ctx = observeContext({ inventory, vantage, proberAddresses: input.proberAddresses, spoofAddress: SPOOF_ADDRESS });
  const byPath = new Map<string, ProbeResult[]>();
  for (const r of input.results) byPath.set(r.pathId, [...(byPath.get(r.pathId) ?? []), r]);
  const kept = new EvidenceBudget(TRACE_EVIDENCE_LIMIT);
  return paths.map((path) => {
    const probes = (byPath.get(path.id) ?? []).map((p) => markExpected({ ...p, vantage: vantage.kind }, path, ctx));
    const reason = input.notProbed?.get(path.id);
    const trace = reason
      ? notProbedTrace(path, reason, probes, ctx)
      : isEgressProbed(path, input.egressEchoes)
        ? traceEgressPath(path, probes, ctx)
        : tracePath(path, probes, ctx);
    return { ...trace, probes: trace.probes.map((p) => kept.keep(p)) };
  });
}

export async function* runTrace(options: TraceOptions): AsyncGenerator<TraceEvent> {
  const { paths, inventory, transport } = options;
  const scope = inClusterScope(options);
  const self = options.self ?? dashboardSelf();
  const traceId = randomUUID();
  const startedAt = new Date().toISOString();
  // Planned for where the server believes it runs; compared below with where its sockets say it does.
  const believedVantage = dashboardVantage(inventory, self);
  const believedKind = believedVantage.kind;
  const believed = observeContext({ inventory, vantage: believedVantage, spoofAddress: SPOOF_ADDRESS });
  const outcomeOf = (path: NetPath) => believed.predictionOf(path).expectedOutcome;
  const planned = [...planProbes(paths, inventory, { ...scope, expectedOutcome: outcomeOf }), ...planEgressProbes(paths, scope.egressEchoes ?? [])];
  const unique = slowFirst([...new Map(planned.map((p) => [requestKey(p), p])).values()], paths, outcomeOf);
  yield { type: 'start', traceId, simulated: false, pathIds: paths.map((p) => p.id), probeCount: unique.length };

  const byKey = new Map<string, ProbeResult>();
  const proberAddresses = new Set<string>();
  const send = async (probe: PlannedProbe) => {
    const probeStartedAt = new Date().toISOString();
    if (probe.refusal) return { key: requestKey(probe), result: { ...refusedResult(probe, probeStartedAt), vantage: believedKind } };
    const headers = probe.forgedHeaders;
    const response = await transport({ target: probe.target, httpPath: probe.httpPath, headers, timeoutMs: options.timeoutMs });
    if (response.localAddress) proberAddresses.add(response.localAddress);
    // Each answer says where it was sent from: its socket's own address.
    const vantage = dashboardVantage(inventory, self, response.localAddress).kind;
    return { key: requestKey(probe), result: { ...toResult(probe, response, probeStartedAt), vantage } };
  };
  const streamed = new EvidenceBudget(TRACE_EVIDENCE_LIMIT);
  for await (const { key, result } of boundedParallel(unique, options.concurrency, send)) {
    byKey.set(key, result);
    yield { type: 'probe', probe: streamed.keep(result), done: byKey.size, total: unique.length };
  }

  // Verdicts are read from the whole evidence; the cap only decides what the trace keeps of it.
  const prober = [...proberAddresses][0] ?? null;
  const vantage = dashboardVantage(inventory, self, prober);
  const notProbed = new Map<string, string>();
  for (const path of paths) {
    const reason = notProbedReason(path, inventory, scope) ?? refusedPath(planned.filter((p) => p.pathId === path.id));
    if (reason) notProbed.set(path.id, reason);
  }
  const results = planned.map((p) => ({ ...byKey.get(requestKey(p))!, id: p.id, pathId: p.pathId }));
  const traces = tracePaths({ paths, inventory, vantage, results, proberAddresses, notProbed, egressEchoes: scope.egressEchoes });
  for (const path of traces) yield { type: 'path', path };

  const inCluster = vantage.kind === 'in-cluster';
  const trace: TraceRun = {
    id: traceId,
    startedAt,
    finishedAt: new Date().toISOString(),
    simulated: false,
    prober: {
      inCluster,
      address: prober,
      note: inCluster
        ? `probes were sent from ${prober ?? 'an unknown address'}, inside the cluster: kube-proxy treats them as in-cluster traffic, so each path is compared with what a pod there is predicted to find`
        : `probes were sent from ${prober ?? 'an unknown address'}, outside the cluster's pod and node addresses: each path is compared with the outside prediction`,
    },
    vantage,
    paths: traces,
  };
  yield { type: 'done', trace };
}

/**
 * Demo mode: no packet is sent. Every path's "observation" is its in-cluster prediction (the demo dashboard stands for
 * a pod of the demo cluster), labelled simulated, with one probe per planned target whose outcome is the predicted
 * one. Paths a real trace would not probe (scope.ts) or requests it would refuse (wire.ts) are shown as such.
 */
export async function* simulateTrace(
  paths: NetPath[],
  inventory: ClusterInventory,
  options: Pick<TraceOptions, 'probeAnyService'> = {},
): AsyncGenerator<TraceEvent> {
  const scope = scopeOptions(options.probeAnyService);
  const traceId = randomUUID();
  const startedAt = new Date().toISOString();
  const predictionOf = (path: NetPath) => path.inCluster ?? outsidePrediction(path);
  const expectedOutcome = (path: NetPath) => predictionOf(path).expectedOutcome;
  const planned = planProbes(paths, inventory, { ...scope, expectedOutcome }).filter((p) => p.kind !== 'health-check');
  yield { type: 'start', traceId, simulated: true, pathIds: paths.map((p) => p.id), probeCount: planned.length };
  const vantage: Vantage = { kind: 'in-cluster', label: 'simulated: a pod of the demo cluster, no probe was sent', name: null, node: null, address: null };
  const byPath = new Map(paths.map((p) => [p.id, p]));
  const results: ProbeResult[] = [];
  for (const probe of planned) {
    const outcome = expectedOutcome(byPath.get(probe.pathId)!);
    const result: ProbeResult = probe.refusal
      ? { ...refusedResult(probe, startedAt), vantage: vantage.kind }
      : {
          ...probeFields(probe, startedAt),
          durationMs: 0,
          outcome,
          status: outcome === 'ok' ? 200 : null,
          observation: null,
          raw: null,
          error: outcome === 'ok' ? null : 'simulated from the prediction',
          expected: true,
          vantage: vantage.kind,
        };
    results.push(result);
    yield { type: 'probe', probe: result, done: results.length, total: planned.length };
  }
  const traces = paths.map((path): PathTrace => {
    const probes = results.filter((r) => r.pathId === path.id);
    const predicted = predictionOf(path);
    const reason = notProbedReason(path, inventory, scope) ?? refusedPath(planned.filter((p) => p.pathId === path.id));
    if (reason) {
      const { findings: _none, ...trace } = notProbedTrace(path, reason, probes);
      return { ...trace, vantage: vantage.kind, predicted };
    }
    return { pathId: path.id, probes, observed: [], observedVerdict: predicted.verdict, matchesPrediction: true, differences: [], vantage: vantage.kind, predicted };
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
      vantage,
      paths: traces,
    },
  };
}
