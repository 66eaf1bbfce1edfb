// The agent's side of the dashboard's API: ask for a plan, post the reports. Every answer is read bounded and
// checked against the contract before anything is sent, and every way this can fail becomes one clear message
// (the dashboard unreachable, its error envelope with the hint, an answer that is not hopscope's API).
import { ZodError, type ZodType } from 'zod';
import type { ReportsBodyInput, TraceBodyInput } from '../contract/requests';
import { ApiErrorBodySchema, OutsidePlanSchema, ReportsAnswerSchema } from '../contract/schemas';
import { readBodyText } from '../http/body';
import type { OutsidePlan, ReportsAnswer } from '../types';
import { DashboardError } from './errors';
import { USER_AGENT } from './sender';
import { terminalText } from './text';

/** A plan of 1000 paths with their traces stays far below this; a server that sends more is not the dashboard. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 60_000;

export interface DashboardTarget {
  /** Base URL without a trailing slash (args.ts serverBase). */
  server: string;
  context: string | null;
}

function urlOf(target: DashboardTarget, path: string): string {
  const query = target.context === null ? '' : `?${new URLSearchParams({ context: target.context })}`;
  return `${target.server}${path}${query}`;
}

function unreachable(target: DashboardTarget, error: unknown): DashboardError {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new DashboardError(`the dashboard at ${target.server} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
  }
  const what = cause?.code
    ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}`
    : `${error instanceof Error ? error.message : String(error)}${cause?.message ? ` (${cause.message})` : ''}`;
  return new DashboardError(
    `cannot reach the dashboard at ${target.server}: ${what}`,
    'is it running, and is --server its URL? e.g. kubectl -n hopscope port-forward svc/hopscope 3000:80, then --server http://localhost:3000',
  );
}

function parsed<T>(schema: ZodType<T>, value: unknown, what: string): T {
  try {
    return schema.parse(value);
  } catch (error) {
    const issues = error instanceof ZodError ? error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`).join('; ') : String(error);
    throw new DashboardError(`the dashboard's ${what} does not match hopscope's API: ${issues}`, 'the agent and the dashboard may be different hopscope versions');
  }
}

async function postJson(target: DashboardTarget, path: string, body: unknown): Promise<{ status: number; json: unknown; contentType: string }> {
  let response: Response;
  try {
    response = await fetch(urlOf(target, path), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': USER_AGENT },
      body: JSON.stringify(body),
      // A redirect would turn the POST into something else, or send the agent's trace elsewhere: say so instead.
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(target, error);
  }
  const contentType = response.headers.get('content-type') ?? '';
  let text: string;
  try {
    text = await readBodyText(response, MAX_ANSWER_BYTES, (size, limit) => new DashboardError(`the dashboard's answer is ${size}, more than the agent reads (${limit})`));
  } catch (error) {
    if (error instanceof DashboardError) throw error;
    throw unreachable(target, error);
  }
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    throw new DashboardError(
      `the dashboard answered ${response.status} with a redirect${location ? ` to ${terminalText(location.slice(0, 200))}` : ''}`,
      'give that URL as --server',
    );
  }
  let json: unknown = undefined;
  if (/\bjson\b/i.test(contentType)) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new DashboardError(`the dashboard's answer to POST ${path} is not valid JSON (HTTP ${response.status})`);
    }
  }
  if (response.status < 200 || response.status >= 300) {
    const envelope = ApiErrorBodySchema.safeParse(json);
    if (envelope.success) {
      const { code, message, hint } = envelope.data.error;
      throw new DashboardError(`the dashboard refused POST ${path}: ${code} (HTTP ${response.status}): ${terminalText(message)}`, hint ? terminalText(hint) : null, code);
    }
    throw new DashboardError(
      `POST ${path} answered HTTP ${response.status}${contentType ? ` (${terminalText(contentType.slice(0, 80))})` : ''}, not hopscope's API`,
      'is --server the hopscope dashboard?',
    );
  }
  if (json === undefined) {
    // An older dashboard streams an in-cluster trace (NDJSON) whatever the body asks: it knows no outside vantages.
    const stream = /ndjson/i.test(contentType);
    throw new DashboardError(
      stream
        ? 'the dashboard answered with a trace stream instead of an agent plan: this hopscope does not know outside vantages'
        : `POST ${path} answered ${terminalText(contentType.slice(0, 80)) || 'without a content type'}, not JSON`,
      stream ? 'update the dashboard' : 'is --server the hopscope dashboard?',
    );
  }
  return { status: response.status, json, contentType };
}

/** POST /api/v1/traces {vantage: "agent"}: the plan, checked against the contract and for duplicate probes. */
export async function requestPlan(target: DashboardTarget, request: { agentName: string | null; pathIds: string[] }): Promise<OutsidePlan> {
  const body: TraceBodyInput = {
    vantage: 'agent',
    ...(request.agentName ? { agentName: request.agentName } : {}),
    ...(request.pathIds.length > 0 ? { pathIds: request.pathIds } : {}),
  };
  const { json } = await postJson(target, '/api/v1/traces', body);
  const plan = parsed(OutsidePlanSchema, json, 'plan');
  if (plan.vantage.kind !== 'agent') throw new DashboardError(`the dashboard planned a trace for vantage "${terminalText(plan.vantage.kind)}", not for this agent`);
  const seen = new Set<string>();
  for (const probe of plan.probes) {
    // Reports are matched by probe id: two probes with one id could not both be reported.
    if (seen.has(probe.id)) throw new DashboardError(`the dashboard's plan lists probe ${terminalText(probe.id)} twice`);
    seen.add(probe.id);
  }
  return plan;
}

/** POST /api/v1/traces/{id}/reports. */
export async function postReports(target: DashboardTarget, traceId: string, body: ReportsBodyInput): Promise<ReportsAnswer> {
  const { json } = await postJson(target, `/api/v1/traces/${encodeURIComponent(traceId)}/reports`, body);
  return parsed(ReportsAnswerSchema, json, 'answer to the reports');
}
