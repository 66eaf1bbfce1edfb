// `hopscope probe`: ask the dashboard for a plan, send exactly its probes from here, post what came back, print the
// comparison the dashboard made. The agent is an outside vantage (docs/vantages.md): its observations are compared
// with the outside prediction only, and each is tied to its trace by the probe's single-use nonce.
import type { NetworkInterfaceInfo } from 'node:os';
import { reportBatches } from '../probe/outside-reports';
import { Limiter } from '../snapshot/limiter';
import type { OutsideProbe, ReportsAnswer } from '../types';
import type { ProbeCommand } from './args';
import { postReports, requestPlan } from './dashboard';
import { startEgressEcho } from './egress';
import { DashboardError } from './errors';
import { progressLine } from './progress';
import { refusedReports, toReport } from './reports';
import { sendProbe, type SentProbe } from './sender';
import { exitCodeOf, renderTable } from './table';
import { terminalText } from './text';

/** Probes in flight at once: enough for a few hundred targets within a few timeouts, gentle on a laptop's uplink. */
export const AGENT_CONCURRENCY = 16;

export interface CliIo {
  /** The result: the table, or the TraceRun as JSON. */
  out(text: string): void;
  /** Everything else: progress, notices, errors. */
  err(text: string): void;
  /** Resolves when the user stops a long-running command (Ctrl-C). */
  untilStopped(): Promise<void>;
  interfaces(): NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** Whether stdout / stderr are terminals (colour, progress); false when absent. */
  stdoutIsTty?: boolean;
  stderrIsTty?: boolean;
  /** The environment (NO_COLOR, PORT); process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** All of stdin, for `check -f -`. */
  readStdin?: () => Promise<string>;
}

const notAskedFor = (pathIds: readonly string[]): SentProbe => ({
  outcome: 'not-sent',
  status: null,
  contentType: null,
  body: null,
  bytes: 0,
  error: `not sent: the agent asked only for ${pathIds.join(', ')}`,
  localAddress: null,
  durationMs: 0,
  wroteProxyHeader: null,
});

/** Sends every planned probe (at most AGENT_CONCURRENCY at once); none outside the paths the user asked for. */
export async function sendPlanned(
  probes: readonly OutsideProbe[],
  pathIds: readonly string[],
  timeoutMs: number,
  onDone: (done: number, total: number) => void = () => {},
): Promise<Map<string, SentProbe>> {
  const asked = new Set(pathIds);
  const limiter = new Limiter(AGENT_CONCURRENCY);
  let done = 0;
  const results = await limiter.map(probes, async (probe) => {
    const sent = asked.size > 0 && !asked.has(probe.pathId) ? notAskedFor(pathIds) : await sendProbe(probe, timeoutMs);
    onDone(++done, probes.length);
    return sent;
  });
  return new Map(probes.map((p, i) => [p.id, results[i]!]));
}

export async function runProbe(command: ProbeCommand, io: CliIo): Promise<number> {
  // The echo first, so a port that is taken fails before any trace is opened.
  const echo = command.listen ? await startEgressEcho(command.listen, io.interfaces(), (line) => io.err(line)) : null;
  try {
    const target = { server: command.server, context: command.context };
    const plan = await requestPlan(target, { agentName: command.agentName, pathIds: command.pathIds });
    io.err(`trace ${terminalText(plan.traceId)}: ${plan.probes.length} probe${plan.probes.length === 1 ? '' : 's'} planned for ${terminalText(plan.vantage.label)}\n`);
    const line = progressLine(io);
    const sent = await sendPlanned(plan.probes, command.pathIds, command.timeoutMs, (done, total) => line?.show(`probing: ${done}/${total} answered or timed out`));
    line?.done();
    const reports = plan.probes.map((probe) => toReport(probe, sent.get(probe.id)!));
    const answers: ReportsAnswer[] = [];
    for (const batch of reportBatches(reports)) {
      try {
        answers.push(await postReports(target, plan.traceId, batch));
      } catch (error) {
        // A call whose every report is refused is answered 422 report_refused; the other calls still count.
        if (!(error instanceof DashboardError && error.apiCode === 'report_refused')) throw error;
        io.err(`the dashboard counted none of ${batch.reports.length} report${batch.reports.length === 1 ? '' : 's'}: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
      }
    }
    for (const { probeId, reason } of refusedReports(answers)) {
      io.err(`the dashboard did not count the report of ${terminalText(probeId)}: ${terminalText(reason)}\n`);
    }
    // The call that said done was refused as a whole: close the trace with an empty one.
    const trace = answers.at(-1)?.trace ?? (await postReports(target, plan.traceId, { reports: [], done: true })).trace;
    if (!trace) throw new DashboardError('the dashboard did not close the trace after the last report', 'the agent and the dashboard may be different hopscope versions');
    io.out(command.json ? `${JSON.stringify(trace, null, 2)}\n` : renderTable(plan, sent, trace));
    const code = exitCodeOf(trace);
    if (echo) {
      io.err('probes done; the egress echo keeps listening until Ctrl-C\n');
      await io.untilStopped();
    }
    return code;
  } finally {
    await echo?.server.close();
  }
}
