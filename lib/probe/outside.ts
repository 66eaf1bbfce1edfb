// Outside vantages (docs/vantages.md): the browser and the CLI agent send the probes, the dashboard only plans them
// and checks what comes back. Three parts, top to bottom:
//   1. the plan: which requests an outside client makes, from the same planning as the in-cluster trace (plan.ts),
//      each with its own single-use nonce in the echo's probe path;
//   2. the open traces: plans waiting for reports, bounded in number and lifetime;
//   3. the reports: each counted only when it is this trace's, open, planned, carries that probe's unused nonce, and
//      an echo report in it answered the request with that nonce. A counted report becomes a ProbeResult.
// Nothing here opens a socket: targets come from the inventory, and the reports are what the vantage saw.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { parseEchoResponse } from '@/lib/echo/parse';
import { PROBE_PATH } from '@/lib/echo/reply';
import { HopscopeError } from '@/lib/errors';
import type {
  ClusterInventory,
  EchoObservation,
  EntryKind,
  NetPath,
  OutsidePlan,
  OutsideProbe,
  OutsideReport,
  ProbeResult,
  ProbeTarget,
  ReportsAnswer,
  TraceRun,
  Vantage,
  VantageKind,
} from '@/lib/types';
import { tracePaths } from './engine';
import { planProbes, type PlannedProbe } from './plan';
import { notProbedReason, type ScopeOptions } from './scope';
import { TargetSet, targetFromInventory } from './targets';
import { hostHeader, requestRefusal } from './wire';
import { processState } from '@/lib/process-state';

export type OutsideVantageKind = Exclude<VantageKind, 'in-cluster'>;

/** How long a plan waits for its reports. */
export const OUTSIDE_PLAN_TTL_MS = 10 * 60 * 1000;
/** Probes one plan asks for at most; the paths past it are listed as not probed (ask for fewer with pathIds). */
export const MAX_OUTSIDE_PROBES = 1024;

/** The ways in an outside client uses. A ClusterIP has no route from outside; egress starts in a pod. */
const OUTSIDE_ENTRY_KINDS: ReadonlySet<EntryKind> = new Set(['loadBalancer', 'externalIP', 'ingress', 'nodePort', 'hostPort', 'hostNetwork']);

export const DEMO_NOT_PROBED = "demo mode: nothing is probed; the demo's traces are simulated";
export const CLUSTER_IP_NOT_PROBED = 'not probed from outside: a ClusterIP is reachable only inside the cluster (the in-cluster trace probes it)';
export const EGRESS_NOT_PROBED_OUTSIDE =
  'not probed from outside: egress starts in a pod of the cluster (the in-cluster trace probes it, against the egress echoes listed in HOPSCOPE_EGRESS_ECHO)';
const NO_TARGET = 'not probed: the inventory has no address and port of this path that an outside client connects to';
const PLAN_FULL = `not probed: the plan is full (${MAX_OUTSIDE_PROBES} probes); ask for fewer paths with pathIds`;

// ───────────────────────────── 1. the plan ─────────────────────────────

/** 128 random bits, base64url: unguessable, and safe in a query string as it is. */
export const newNonce = (): string => randomBytes(16).toString('base64url');

/** The echo's probe path carrying `nonce`. */
export const probeHttpPath = (nonce: string): string => `${PROBE_PATH}?nonce=${nonce}`;

/** The nonce in a request target, or null. */
export function nonceOf(target: string | null | undefined): string | null {
  if (!target) return null;
  const query = target.indexOf('?');
  return query < 0 ? null : new URLSearchParams(target.slice(query + 1)).get('nonce');
}

/**
 * What a browser fetches for a probe: the Ingress host as the URL's host (the browser's own DNS and TLS name it), else
 * the address; the port always, so URL and target can be checked against each other.
 */
export function probeUrl(target: ProbeTarget, httpPath: string): string {
  const host = target.host ?? (target.address.includes(':') ? `[${target.address}]` : target.address);
  return `${target.tls ? 'https' : 'http'}://${host}:${target.port}${httpPath}`;
}

/**
 * The target as an outside client connects to it: a node by its ExternalIP when it has one the inventory lists for
 * this port (an InternalIP may be a private address outside clients have no route to), and never with a PROXY line
 * of hopscope's own: an outside request meets the real load balancer, which writes its own.
 */
function outsideTarget(target: ProbeTarget, inventory: ClusterInventory, set: TargetSet): ProbeTarget {
  const { proxyProtocol: _ownPreamble, ...rest } = target;
  const node = inventory.nodes.find((n) => n.internalIP === target.address && n.externalIP);
  const external = node ? targetFromInventory(set, node.externalIP, target.port) : null;
  return external ? { ...rest, address: external.address, label: external.label } : rest;
}

/** Why an outside vantage gets no probe of this path, before planning; null when it may. */
function outsideReason(path: NetPath, inventory: ClusterInventory, scope: ScopeOptions): string | null {
  if (path.entry.kind === 'clusterIP') return CLUSTER_IP_NOT_PROBED;
  if (path.entry.kind === 'egress') return EGRESS_NOT_PROBED_OUTSIDE;
  if (!OUTSIDE_ENTRY_KINDS.has(path.entry.kind)) return `not probed from outside: ${path.entry.kind} paths are not planned for outside vantages`;
  return notProbedReason(path, inventory, scope);
}

export interface OutsidePlanOptions extends ScopeOptions {
  /** Where probes may go; built from the inventory unless given. */
  set?: TargetSet;
  nonce?: () => string;
  maxProbes?: number;
}

export interface OutsideProbes {
  probes: OutsideProbe[];
  notProbed: { pathId: string; reason: string }[];
}

/**
 * The requests an outside client sends for `paths`: the in-cluster planning's direct and spoof probes (plan.ts: the
 * same targets from the inventory, the Ingress host, the spoof test on the first target that gets through), moved to
 * where an outside client connects and sent to the echo's probe path with a fresh nonce each. No health checks:
 * kube-proxy's healthCheckNodePort tells a load balancer which nodes to use, and an outside probe through the load
 * balancer already meets that choice. Requests hopscope would not send (wire.ts) are left out of the plan.
 */
export function planOutsideProbes(paths: NetPath[], inventory: ClusterInventory, options: OutsidePlanOptions = {}): OutsideProbes {
  const set = options.set ?? TargetSet.fromInventory(inventory);
  const nonce = options.nonce ?? newNonce;
  const maxProbes = options.maxProbes ?? MAX_OUTSIDE_PROBES;
  const notProbed: OutsideProbes['notProbed'] = [];
  const probeable = paths.filter((path) => {
    const reason = outsideReason(path, inventory, options);
    if (reason) notProbed.push({ pathId: path.id, reason });
    return reason === null;
  });
  const planned = planProbes(probeable, inventory, { ...options, set }).filter((p) => p.kind !== 'health-check');
  const byPath = byPathId(planned);
  const probes: OutsideProbe[] = [];
  for (const path of probeable) {
    const mine = (byPath.get(path.id) ?? []).map((p) => toOutsideProbe(p, inventory, set, nonce));
    const sendable = mine.filter((m) => m.refusal === null).map((m) => m.probe);
    const refusal = mine.find((m) => m.refusal !== null && m.probe.kind === 'direct')?.refusal;
    if (!sendable.some((p) => p.kind === 'direct')) notProbed.push({ pathId: path.id, reason: refusal ? `not probed: ${refusal}` : NO_TARGET });
    else if (probes.length + sendable.length > maxProbes) notProbed.push({ pathId: path.id, reason: PLAN_FULL });
    else probes.push(...sendable);
  }
  return { probes, notProbed };
}

function byPathId<T extends { pathId: string }>(items: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(item.pathId, [...(map.get(item.pathId) ?? []), item]);
  return map;
}

function toOutsideProbe(planned: PlannedProbe, inventory: ClusterInventory, set: TargetSet, nonce: () => string): { probe: OutsideProbe; refusal: string | null } {
  const target = outsideTarget(planned.target, inventory, set);
  const value = nonce();
  const httpPath = probeHttpPath(value);
  const probe: OutsideProbe = {
    id: `${planned.pathId}#${planned.kind}#${hostHeader({ ...target, host: null })}`,
    pathId: planned.pathId,
    kind: planned.kind,
    target,
    url: probeUrl(target, httpPath),
    httpPath,
    headers: planned.forgedHeaders,
    nonce: value,
  };
  return { probe, refusal: requestRefusal({ target, httpPath, headers: probe.headers }) };
}

/** Who is probing, as the trace shows it; an agent's own address is learnt from its reports. */
export function outsideVantage(kind: OutsideVantageKind, agentName: string | null): Vantage {
  if (kind === 'browser') return { kind, label: 'your browser', name: null, node: null, address: null };
  return { kind, label: agentName ? `agent ${agentName}` : 'a hopscope agent', name: agentName, node: null, address: null };
}

// ───────────────────────────── 2. the open traces ─────────────────────────────

interface OpenTrace {
  plan: OutsidePlan;
  sourceKey: string;
  paths: NetPath[];
  inventory: ClusterInventory;
  simulated: boolean;
  startedAt: string;
  expiresAt: number;
  probes: Map<string, OutsideProbe>;
  /** Counted reports by probe id: a probe's nonce is used once it is here. */
  results: Map<string, ProbeResult>;
  /** Sender addresses the reports named (an agent's sockets). */
  senderAddresses: Set<string>;
  /** Answer bytes counted so far. */
  bodyBytes: number;
}

export interface OutsideLimits {
  /** Open plans per source and vantage. */
  perSource: number;
  /** Open plans in all. */
  total: number;
  /** Answer bytes one trace counts at most; reports past it are refused. */
  bodyBytesPerTrace: number;
}

/**
 * A plan costs the dashboard no packet, only memory until its reports are in, so outside vantages do not take the
 * in-cluster trace's slot: a few plans may be open per source and vantage (an abandoned browser tab must not lock out
 * an agent for ten minutes), a bounded number in all, each until it is closed or expires.
 */
export const OUTSIDE_LIMITS: OutsideLimits = { perSource: 4, total: 16, bodyBytesPerTrace: 8 * 1024 * 1024 };
/** Closed and expired trace ids are remembered this long (and at most this many), so a late report gets 410, not 404. */
const TOMBSTONE_MS = OUTSIDE_PLAN_TTL_MS;
const MAX_TOMBSTONES = 1024;

export interface OpenRequest {
  sourceKey: string;
  vantage: Vantage;
  paths: NetPath[];
  inventory: ClusterInventory;
  scope: ScopeOptions;
}

/** What a reports call did: the answer, and the closed trace to remember (also in the answer). */
export interface ReportsOutcome {
  answer: ReportsAnswer;
  closed: TraceRun | null;
  sourceKey: string;
}

const slotKey = (sourceKey: string, vantage: VantageKind) => `${sourceKey}|${vantage}`;

export class OutsideTraces {
  private readonly open = new Map<string, OpenTrace>();
  private readonly ended = new Map<string, { at: number; why: string }>();

  constructor(
    private readonly limits: OutsideLimits = OUTSIDE_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly nonce: () => string = newNonce,
  ) {}

  /** Plans a trace for an outside vantage; in demo mode the plan has no probes. Refused past the limits. */
  start(request: OpenRequest): OutsidePlan {
    this.sweep();
    const { sourceKey, vantage } = request;
    const mine = [...this.open.values()].filter((t) => slotKey(t.sourceKey, t.plan.vantage.kind) === slotKey(sourceKey, vantage.kind));
    if (mine.length >= this.limits.perSource) {
      throw new HopscopeError(
        'trace_running',
        `${mine.length} ${vantage.kind} traces of ${sourceKey} are waiting for their reports`,
        `finish one (POST /api/v1/traces/{id}/reports with "done": true) or wait until it expires at ${mine.map((t) => t.plan.expiresAt).sort()[0]}`,
      );
    }
    if (this.open.size >= this.limits.total) {
      throw new HopscopeError('probe_budget_exhausted', `${this.open.size} outside traces are waiting for their reports`, 'try again when one has finished or expired');
    }
    const simulated = request.inventory.source.mode === 'demo';
    const { probes, notProbed } = simulated
      ? { probes: [], notProbed: request.paths.map((p) => ({ pathId: p.id, reason: DEMO_NOT_PROBED })) }
      : planOutsideProbes(request.paths, request.inventory, { ...request.scope, nonce: this.nonce });
    const started = this.now();
    const plan: OutsidePlan = { traceId: randomUUID(), vantage, expiresAt: new Date(started + OUTSIDE_PLAN_TTL_MS).toISOString(), probes, notProbed };
    this.open.set(plan.traceId, {
      plan,
      sourceKey,
      paths: request.paths,
      inventory: request.inventory,
      simulated,
      startedAt: new Date(started).toISOString(),
      expiresAt: started + OUTSIDE_PLAN_TTL_MS,
      probes: new Map(probes.map((p) => [p.id, p])),
      results: new Map(),
      senderAddresses: new Set(),
      bodyBytes: 0,
    });
    return plan;
  }

  /** The plan of an open trace (not closed, not expired), or null. */
  planOf(traceId: string): OutsidePlan | null {
    this.sweep();
    return this.open.get(traceId)?.plan ?? null;
  }

  /**
   * Counts the reports that pass (docs/vantages.md, step 2) and closes the trace with `done` or once every probe is
   * in. 404 for a trace it never planned, 410 for one closed or expired, 422 when this call counted nothing, closed
   * nothing and refused something.
   */
  report(traceId: string, body: { reports: OutsideReport[]; done: boolean }): ReportsOutcome {
    this.sweep();
    const trace = this.open.get(traceId);
    if (!trace) {
      const ended = this.ended.get(traceId);
      if (ended) throw new HopscopeError('trace_closed', `trace ${traceId} ${ended.why}`, 'start a new trace: POST /api/v1/traces');
      throw new HopscopeError('unknown_trace', `no trace ${traceId.slice(0, 64)} is waiting for reports`, 'use the traceId of a plan from POST /api/v1/traces');
    }
    const accepted: string[] = [];
    const refused: { probeId: string; reason: string }[] = [];
    for (const report of body.reports) {
      const reason = this.count(trace, report);
      if (reason) refused.push({ probeId: report.probeId, reason });
      else accepted.push(report.probeId);
    }
    const pending = trace.plan.probes.length - trace.results.size;
    const closed = body.done || pending === 0 ? this.close(trace) : null;
    if (!closed && accepted.length === 0 && refused.length > 0) {
      const reasons = refused.slice(0, 5).map((r) => `${r.probeId.slice(0, 200)}: ${r.reason}`).join('; ');
      throw new HopscopeError('report_refused', `no report was counted: ${reasons}${refused.length > 5 ? `; and ${refused.length - 5} more` : ''}`, 'report only probes of this plan, each once, with its own nonce and what its request got back');
    }
    return { answer: { traceId, accepted, refused, pending, trace: closed }, closed, sourceKey: trace.sourceKey };
  }

  /** Null when the report counts (and is counted now); otherwise why not. */
  private count(trace: OpenTrace, report: OutsideReport): string | null {
    const probe = trace.probes.get(report.probeId);
    const reason = reportRefusal(probe, report, trace.results);
    if (reason || !probe) return reason ?? 'not a probe of this plan';
    const bytes = report.bytes ?? Buffer.byteLength(report.body ?? '');
    if (trace.bodyBytes + bytes > this.limits.bodyBytesPerTrace) {
      return `this trace has counted ${trace.bodyBytes} answer bytes, the limit is ${this.limits.bodyBytesPerTrace}`;
    }
    trace.bodyBytes += bytes;
    trace.results.set(probe.id, resultOfReport(probe, report, trace.plan.vantage.kind, new Date(this.now())));
    if (report.localAddress) trace.senderAddresses.add(report.localAddress);
    return null;
  }

  private close(trace: OpenTrace): TraceRun {
    this.open.delete(trace.plan.traceId);
    this.bury(trace.plan.traceId, 'is closed: its reports are in');
    const vantage = { ...trace.plan.vantage, address: trace.plan.vantage.kind === 'agent' ? ([...trace.senderAddresses][0] ?? null) : null };
    const results = trace.plan.probes.map((p) => trace.results.get(p.id) ?? missingResult(p, vantage, trace.startedAt));
    return {
      id: trace.plan.traceId,
      startedAt: trace.startedAt,
      finishedAt: new Date(this.now()).toISOString(),
      simulated: trace.simulated,
      prober: {
        inCluster: false,
        address: vantage.address,
        note: trace.simulated
          ? DEMO_NOT_PROBED
          : `probes were sent by ${vantage.label}, outside the cluster; each was compared with the prediction for an outside client`,
      },
      vantage,
      // The same comparison as the in-cluster trace's, with the outside prediction and the trace's evidence cap.
      paths: tracePaths({
        paths: trace.paths,
        inventory: trace.inventory,
        vantage,
        results,
        proberAddresses: trace.senderAddresses,
        notProbed: new Map(trace.plan.notProbed.map((n) => [n.pathId, n.reason])),
      }),
    };
  }

  private bury(traceId: string, why: string): void {
    this.ended.set(traceId, { at: this.now(), why });
    while (this.ended.size > MAX_TOMBSTONES) this.ended.delete(this.ended.keys().next().value!);
  }

  /** Expired plans are dropped with what they had: a trace is only compared once its sender says it is done. */
  private sweep(): void {
    const now = this.now();
    for (const [id, trace] of this.open) {
      if (trace.expiresAt <= now) {
        this.open.delete(id);
        this.bury(id, `expired at ${trace.plan.expiresAt}`);
      }
    }
    for (const [id, ended] of this.ended) if (ended.at + TOMBSTONE_MS <= now) this.ended.delete(id);
  }
}

/** The open outside traces of this server, in memory: a restart forgets them, and their senders start anew. */
export const outsideTraces = processState('outside-traces', () => new OutsideTraces());

/**
 * The open plan of trace `traceId` for `vantage`, or null: what the browser's probe page may send (only planned
 * probes, only while the plan is open).
 */
export async function getOutsidePlan(traceId: string, vantage: OutsideVantageKind = 'browser'): Promise<OutsidePlan | null> {
  const plan = outsideTraces.planOf(traceId);
  return plan?.vantage.kind === vantage ? plan : null;
}

// ───────────────────────────── 3. the reports ─────────────────────────────

const digest = (value: string) => createHash('sha256').update(value).digest();
/** Compares digests of equal length, so the time taken says nothing about how much of a nonce was right. */
const sameNonce = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/**
 * Null when `report` may count for `probe`; otherwise why not. The nonce ties the report to this probe of this trace,
 * once. What an echo saw is evidence only when its report carries the nonce in the request it answered: an echo
 * report for another request (another probe, another trace, a replay) is refused. An answer that is not an echo
 * report (an ingress controller's 400, a timeout) counts as the in-cluster trace counts it: status, timing and size,
 * which can only ever show that the request failed.
 */
export function reportRefusal(probe: OutsideProbe | undefined, report: OutsideReport, counted: ReadonlyMap<string, unknown>): string | null {
  if (!probe) return 'not a probe of this plan';
  if (!sameNonce(report.nonce, probe.nonce)) return "not this probe's nonce";
  if (counted.has(probe.id)) return "this probe's nonce was already used";
  if (report.body !== null) {
    const parsed = parseEchoResponse(report.body, report.contentType);
    if (parsed && !sameNonce(nonceOf(parsed.path) ?? '', probe.nonce)) {
      return "the echo report does not carry this probe's nonce in its request path: it answered another request";
    }
  }
  return null;
}

/** Characters of an echo's reply kept as `raw`, as the in-cluster engine keeps them. */
const RAW_LIMIT = 4096;
const joined = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join('; ') || undefined;

/** The observation as the contract has it: the parser's reading notes and cut list are not part of it. */
function contractObservation(parsed: NonNullable<ReturnType<typeof parseEchoResponse>>): EchoObservation {
  const { derivedClient: _derived, notes: _notes, truncated: _truncated, ...observation } = parsed;
  return observation;
}

/**
 * A counted report as a ProbeResult of its vantage. It keeps what the in-cluster engine keeps of an answer: an echo
 * report as its observation and the reply trimmed to RAW_LIMIT; anything else only status, timing and size.
 */
export function resultOfReport(probe: OutsideProbe, report: OutsideReport, vantage: VantageKind, receivedAt: Date): ProbeResult {
  const base = {
    id: probe.id,
    pathId: probe.pathId,
    kind: probe.kind,
    target: probe.target,
    startedAt: new Date(receivedAt.getTime() - report.durationMs).toISOString(),
    durationMs: report.durationMs,
    outcome: report.outcome,
    status: report.status,
    vantage,
  };
  const cut = report.truncated ? `the sender cut this answer: ${report.truncated}` : undefined;
  const { body } = report;
  if (body === null) {
    return { ...base, observation: null, raw: null, error: report.error, ...(report.bytes !== undefined ? { bytes: report.bytes } : {}), ...(cut ? { truncated: cut } : {}) };
  }
  const bytes = report.bytes ?? Buffer.byteLength(body);
  const parsed = parseEchoResponse(body, report.contentType);
  if (!parsed) {
    const notKept = `the answer (${bytes} bytes) is not an echo report; hopscope kept its status, timing and size, not its body`;
    return { ...base, observation: null, raw: null, bytes, error: report.error ? `${report.error}; ${notKept}` : notKept, ...(cut ? { truncated: cut } : {}) };
  }
  const truncated = joined(cut, parsed.truncated.length > 0 ? `hopscope cut this echo report: ${parsed.truncated.join(', ')}` : null);
  return { ...base, observation: contractObservation(parsed), raw: body.slice(0, RAW_LIMIT), bytes, error: report.error, ...(truncated ? { truncated } : {}) };
}

/** A planned probe its vantage sent no report for: it says nothing of the path. */
function missingResult(probe: OutsideProbe, vantage: Vantage, startedAt: string): ProbeResult {
  return {
    id: probe.id,
    pathId: probe.pathId,
    kind: probe.kind,
    target: probe.target,
    startedAt,
    durationMs: 0,
    outcome: 'not-sent',
    status: null,
    observation: null,
    raw: null,
    error: `not sent: ${vantage.label} sent no report for this probe`,
    vantage: vantage.kind,
  };
}
