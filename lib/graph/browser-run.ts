// Client-side state of "Probe from this browser": the plan asked for, the probe page sending one group of its
// origins at a time, the reports posted back, the closed trace. The messages between the dashboard and its probe page
// are declared here once, with the check each side applies to what it receives. Pure.
import type { OutsidePlan, OutsideReport, ReportsAnswer, TraceRun } from '@/lib/types';

export type BrowserRunStatus = 'idle' | 'planning' | 'probing' | 'reporting' | 'done' | 'failed';

export interface BrowserRunState {
  status: BrowserRunStatus;
  traceId: string | null;
  /** Probes with a report so far, of the plan's total. */
  done: number;
  total: number;
  /** Paths the plan does not ask this browser to probe, and why (ClusterIP, egress, demo mode, …). */
  notProbed: number;
  /** Reports that say the browser could not send the probe (mixed content, refused, DNS, …). */
  notSent: number;
  /** Reports the dashboard did not count, and why. */
  refused: { probeId: string; reason: string }[];
  /** The probe page now sending; null when none is. */
  frame: string | null;
  cancelling: boolean;
  run: TraceRun | null;
  error: string | null;
}

export const IDLE_BROWSER_RUN: BrowserRunState = {
  status: 'idle',
  traceId: null,
  done: 0,
  total: 0,
  notProbed: 0,
  notSent: 0,
  refused: [],
  frame: null,
  cancelling: false,
  run: null,
  error: null,
};

export type BrowserRunAction =
  | { type: 'begin' }
  | { type: 'planned'; plan: OutsidePlan }
  | { type: 'frame'; src: string | null }
  | { type: 'report'; report: OutsideReport }
  | { type: 'cancel' }
  | { type: 'reporting' }
  | { type: 'answered'; answers: ReportsAnswer[] }
  | { type: 'failed'; message: string }
  | { type: 'reset' };

export function browserRunReducer(state: BrowserRunState, action: BrowserRunAction): BrowserRunState {
  switch (action.type) {
    case 'begin':
      return { ...IDLE_BROWSER_RUN, status: 'planning', run: state.run };
    case 'planned':
      return { ...state, status: 'probing', traceId: action.plan.traceId, total: action.plan.probes.length, notProbed: action.plan.notProbed.length };
    case 'frame':
      return { ...state, frame: action.src };
    case 'report':
      return { ...state, done: Math.min(state.total, state.done + 1), notSent: state.notSent + (action.report.outcome === 'not-sent' ? 1 : 0) };
    case 'cancel':
      return state.status === 'planning' || state.status === 'probing' ? { ...state, cancelling: true } : state;
    case 'reporting':
      return { ...state, status: 'reporting', frame: null };
    case 'answered': {
      const run = action.answers.at(-1)?.trace ?? null;
      const refused = action.answers.flatMap((a) => a.refused);
      if (!run) return { ...state, status: 'failed', frame: null, refused, error: 'the dashboard did not close the trace after the last report' };
      return { ...state, status: 'done', frame: null, refused, run };
    }
    case 'failed':
      return { ...state, status: 'failed', frame: null, error: action.message };
    case 'reset':
      return IDLE_BROWSER_RUN;
  }
}

export const isBrowserRunning = (state: BrowserRunState) => state.status === 'planning' || state.status === 'probing' || state.status === 'reporting';

// ───────────────────────────── dashboard ⇄ probe page ─────────────────────────────

/** From the probe page to the dashboard that framed it. */
export type FrameToDashboard =
  | { type: 'hopscope-probe-ready'; traceId: string }
  | { type: 'hopscope-probe-report'; traceId: string; report: OutsideReport }
  | { type: 'hopscope-probe-finished'; traceId: string; reports: OutsideReport[] }
  | { type: 'hopscope-probe-refused'; traceId: string; reason: string };

/** From the dashboard to its probe page. */
export type DashboardToFrame = { type: 'hopscope-probe-start'; traceId: string } | { type: 'hopscope-probe-cancel'; traceId: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isReport = (value: unknown): value is OutsideReport =>
  isRecord(value) && typeof value.probeId === 'string' && typeof value.nonce === 'string' && typeof value.outcome === 'string';

/** A message of the probe page for this trace, or null for anything else that reaches the window. */
export function frameMessage(data: unknown, traceId: string): FrameToDashboard | null {
  if (!isRecord(data) || data.traceId !== traceId) return null;
  switch (data.type) {
    case 'hopscope-probe-ready':
      return { type: data.type, traceId };
    case 'hopscope-probe-report':
      return isReport(data.report) ? { type: data.type, traceId, report: data.report } : null;
    case 'hopscope-probe-finished':
      return Array.isArray(data.reports) && data.reports.every(isReport) ? { type: data.type, traceId, reports: data.reports } : null;
    case 'hopscope-probe-refused':
      return typeof data.reason === 'string' ? { type: data.type, traceId, reason: data.reason } : null;
    default:
      return null;
  }
}

/** A command of the dashboard for this probe page, or null. */
export function dashboardMessage(data: unknown, traceId: string): DashboardToFrame | null {
  if (!isRecord(data) || data.traceId !== traceId) return null;
  return data.type === 'hopscope-probe-start' || data.type === 'hopscope-probe-cancel' ? { type: data.type, traceId } : null;
}

/** How long one probe page may take: its probes in rounds of `concurrency`, each bounded by the timeout, and its load. */
export function frameDeadlineMs(probeCount: number, timeoutMs: number, concurrency: number, loadMs = 30_000): number {
  return Math.ceil(probeCount / concurrency) * (timeoutMs + 1_000) + loadMs;
}
