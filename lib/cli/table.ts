// What `hopscope probe` prints: per path, the observed verdict beside the prediction for this vantage (from the
// trace the dashboard compared), then one row per probe with what the echo saw. Paths this vantage could not reach
// or was not asked to probe say so, never with a verdict. Pure: plan, what was sent and the trace in, text out;
// every value from the network goes through terminalText.
import { parseEchoResponse } from '../echo/parse';
import type { EchoObservation, OutsidePlan, PathTrace, TraceRun } from '../types';
import { EXIT } from './args';
import type { SentProbe } from './sender';
import { terminalText } from './text';

const NONE = '-';

/** What the echo saw, as the agent received it; null when the answer is no echo report. */
export function observationOf(sent: SentProbe): EchoObservation | null {
  return sent.body === null ? null : parseEchoResponse(sent.body, sent.contentType);
}

function outcomeText(sent: SentProbe): string {
  if (sent.status !== null) return `${sent.outcome} ${sent.status}`;
  return sent.outcome;
}

function cells(row: readonly string[]): string[] {
  return row.map((c) => terminalText(c));
}

function aligned(rows: string[][], indent: string): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

function verdictLine(trace: PathTrace | undefined): string {
  if (!trace) return 'no comparison: the dashboard sent back no trace of this path';
  if (trace.notReachable) return `not reachable from here: ${trace.notReachable}`;
  if (trace.notProbed) return `not probed: ${trace.notProbed}`;
  const predicted = trace.predicted ? `${trace.predicted.verdict} (${trace.predicted.vantage})` : 'none';
  const observed = trace.observedVerdict ?? 'none';
  return `observed ${observed}, predicted ${predicted}: ${trace.matchesPrediction ? 'matches' : 'DIFFERS'}`;
}

/** The table for a finished trace. `sent` has an entry for every probe of the plan. */
export function renderTable(plan: OutsidePlan, sent: ReadonlyMap<string, SentProbe>, trace: TraceRun): string {
  const byPath = new Map(trace.paths.map((p) => [p.pathId, p]));
  const pathIds = [...new Set([...plan.probes.map((p) => p.pathId), ...trace.paths.map((p) => p.pathId)])];
  const lines: string[] = [`trace ${terminalText(trace.id)} from ${terminalText(trace.vantage?.label ?? plan.vantage.label)}`];
  for (const pathId of pathIds) {
    const pathTrace = byPath.get(pathId);
    lines.push('', `path ${terminalText(pathId)}`, `  ${terminalText(verdictLine(pathTrace))}`);
    for (const difference of pathTrace?.notProbed || pathTrace?.notReachable ? [] : (pathTrace?.differences ?? [])) {
      lines.push(`  differs: ${terminalText(difference)}`);
    }
    const probes = plan.probes.filter((p) => p.pathId === pathId);
    if (probes.length === 0) continue;
    const rows: string[][] = [cells(['probe', 'target', 'outcome', 'peer', 'X-Forwarded-For', 'X-Real-IP', 'PROXY src'])];
    const notes: string[] = [];
    for (const probe of probes) {
      const result = sent.get(probe.id);
      if (!result) continue;
      const seen = observationOf(result);
      const target = `${probe.target.label} ${probe.target.host ? `(${probe.target.host}) ` : ''}${probe.target.address}:${probe.target.port}${probe.target.tls ? ' tls' : ''}`;
      rows.push(
        cells([
          probe.kind,
          target,
          outcomeText(result),
          seen?.peer ?? NONE,
          seen && seen.xForwardedFor.length > 0 ? seen.xForwardedFor.join(' | ') : NONE,
          seen?.xRealIp ?? NONE,
          seen?.proxyProtocol?.src ?? NONE,
        ]),
      );
      // A PROXY line the agent wrote shows what the receiver does with one, never what a load balancer does.
      if (result.wroteProxyHeader) notes.push(`${probe.kind}: simulated LB: the agent wrote this PROXY line: ${terminalText(result.wroteProxyHeader)}`);
      if (result.error) notes.push(`${probe.kind}: ${terminalText(result.error)}`);
      if (result.status !== null && !seen && probe.kind !== 'health-check') notes.push(`${probe.kind}: the answer is no echo report`);
    }
    lines.push(...aligned(rows, '  '), ...notes.map((n) => `    ${n}`));
  }
  for (const { pathId, reason } of plan.notProbed.filter((n) => !byPath.has(n.pathId))) {
    lines.push('', `path ${terminalText(pathId)}`, `  not probed: ${terminalText(reason)}`);
  }
  lines.push('', summaryLine(trace));
  return `${lines.join('\n')}\n`;
}

function isCompared(p: PathTrace): boolean {
  return !p.notProbed && !p.notReachable && p.observedVerdict !== null;
}

export function summaryLine(trace: TraceRun): string {
  const compared = trace.paths.filter(isCompared);
  const differ = compared.filter((p) => !p.matchesPrediction).length;
  const unreachable = trace.paths.filter((p) => p.notReachable).length;
  const notProbed = trace.paths.filter((p) => !p.notReachable && p.notProbed).length;
  return `${compared.length} path${compared.length === 1 ? '' : 's'} compared: ${compared.length - differ} match, ${differ} differ; ${unreachable} not reachable from here; ${notProbed} not probed`;
}

/** 1 when a path this vantage reached differs from its prediction, else 0: unreached paths have no verdict. */
export function exitCodeOf(trace: TraceRun): number {
  return trace.paths.some((p) => isCompared(p) && !p.matchesPrediction) ? EXIT.differs : EXIT.matches;
}
