// The dashboard's view state lives in the URL so a shared link restores exactly what the sender saw.
import type { EntryKind, Verdict } from '@/lib/types';
import { VERDICTS } from '@/lib/contract/enums';
import { ENTRY_KIND_ORDER } from './entries';

export interface DashboardUrlState {
  path: string | null;
  scenario: string | null;
  context: string | null;
  query: string;
  namespace: string | null;
  kind: EntryKind | null;
  verdict: Verdict | null;
  /** Open hop in the details panel. */
  hop: string | null;
}

type Params = { get(name: string): string | null };

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

export function readUrlState(params: Params): DashboardUrlState {
  return {
    path: params.get('path') || null,
    scenario: params.get('scenario') || null,
    context: params.get('context') || null,
    query: params.get('q') ?? '',
    namespace: params.get('ns') || null,
    kind: oneOf(params.get('kind'), ENTRY_KIND_ORDER),
    verdict: oneOf(params.get('verdict'), VERDICTS),
    hop: params.get('hop') || null,
  };
}

/** Query string for a state; empty values are left out so links stay short. */
export function writeUrlState(state: DashboardUrlState): string {
  const params = new URLSearchParams();
  const set = (name: string, value: string | null) => {
    if (value) params.set(name, value);
  };
  set('scenario', state.scenario);
  set('context', state.context);
  set('path', state.path);
  set('hop', state.hop);
  set('q', state.query.trim() || null);
  set('ns', state.namespace);
  set('kind', state.kind);
  set('verdict', state.verdict);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Query string for the API calls: only the cluster source, never view state. */
export function sourceQuery(state: Pick<DashboardUrlState, 'scenario' | 'context'>, extra: Record<string, string | null> = {}): string {
  const params = new URLSearchParams();
  if (state.context) params.set('context', state.context);
  if (state.scenario) params.set('scenario', state.scenario);
  for (const [name, value] of Object.entries(extra)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
