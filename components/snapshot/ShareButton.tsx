'use client';

import { useId, useState } from 'react';
import type { Snapshot } from '@/lib/types';
import { countMasks, redactionSummary, type RedactionSummary } from '@/lib/snapshot/redaction-summary';
import { CopyButton } from '@/components/ui/CopyButton';
import { NetText } from '@/components/ui/NetText';

export interface ShareButtonProps {
  /** The dashboard's current source; omitted = the server's default source. */
  context?: string | null;
  scenario?: string | null;
  /** The selected path id, shown first when the link is opened. */
  entry?: string | null;
}

type ShareState =
  | { step: 'idle' }
  | { step: 'sharing' }
  | { step: 'shared'; url: string; redacted: boolean; summary: RedactionSummary | null }
  | { step: 'failed'; message: string };

interface ErrorEnvelope {
  error?: { message?: string; hint?: string | null };
}

async function share(props: ShareButtonProps, redact: boolean, redactNodeNames: boolean) {
  const body = {
    ...(props.context ? { context: props.context } : {}),
    ...(props.scenario ? { scenario: props.scenario } : {}),
    ...(props.entry ? { entry: props.entry } : {}),
    redact,
    redactNodeNames: redact && redactNodeNames,
  };
  const response = await fetch('/api/v1/snapshots', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as { id?: string; url?: string; redacted?: boolean } & ErrorEnvelope;
  if (!response.ok || !json.url) {
    const { message, hint } = json.error ?? {};
    throw new Error([message ?? `sharing failed (HTTP ${response.status})`, hint].filter(Boolean).join(' — '));
  }
  const redacted = json.redacted ?? redact;
  const summary = redacted && json.id ? await storedSummary(json.id, redactNodeNames) : null;
  return { url: json.url, redacted, summary };
}

/** What the stored snapshot actually masked, counted from it; the plain summary if it cannot be read back. */
async function storedSummary(id: string, nodeNames: boolean): Promise<RedactionSummary> {
  try {
    const response = await fetch(`/api/v1/snapshots/${encodeURIComponent(id)}`);
    if (response.ok) return redactionSummary({ nodeNames, counts: countMasks((await response.json()) as Snapshot) });
  } catch {
    // The link exists either way; say what redaction covers without the counts.
  }
  return redactionSummary({ nodeNames });
}

function SummaryLines({ summary, testId }: { summary: RedactionSummary; testId: string }) {
  return (
    <dl data-testid={testId} className="grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5 rounded-md bg-slate-50 p-2 text-xs dark:bg-slate-800">
      <dt className="font-semibold text-emerald-800 dark:text-emerald-300">visible</dt>
      <dd>{summary.visible.join(', ')}</dd>
      <dt className="font-semibold text-amber-800 dark:text-amber-300">hidden</dt>
      <dd>{summary.hidden.join(', ')}</dd>
    </dl>
  );
}

const button =
  'rounded-md border border-slate-300 bg-white px-3 py-1 text-sm font-medium shadow-sm hover:bg-slate-100 disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700';

/** Freezes what the dashboard shows into a snapshot and offers its link; "redact" masks every address first. */
export function ShareButton(props: ShareButtonProps) {
  const [open, setOpen] = useState(false);
  const [redact, setRedact] = useState(false);
  const [redactNodeNames, setRedactNodeNames] = useState(false);
  const [state, setState] = useState<ShareState>({ step: 'idle' });
  const panelId = useId();

  async function create() {
    setState({ step: 'sharing' });
    try {
      setState({ step: 'shared', ...(await share(props, redact, redactNodeNames)) });
    } catch (err) {
      setState({ step: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  }

  return (
    <div className="relative">
      <button
        type="button"
        data-testid="share-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        className={button}
      >
        Share
      </button>
      {open && (
        <div
          id={panelId}
          role="dialog"
          aria-label="Share a snapshot"
          className="absolute right-0 z-50 mt-2 flex w-96 flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          <p className="text-slate-600 dark:text-slate-300">
            Freezes the cluster state, paths and last trace into a read-only link.
          </p>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              data-testid="share-redact"
              checked={redact}
              onChange={(e) => setRedact(e.target.checked)}
            />
            Redact addresses (for public issues)
          </label>
          <label className={`flex items-center gap-2 pl-6 ${redact ? '' : 'opacity-50'}`}>
            <input
              type="checkbox"
              data-testid="share-redact-node-names"
              disabled={!redact}
              checked={redact && redactNodeNames}
              onChange={(e) => setRedactNodeNames(e.target.checked)}
            />
            Also mask node names
          </label>
          {redact && state.step !== 'shared' && <SummaryLines summary={redactionSummary({ nodeNames: redactNodeNames })} testId="share-redaction-preview" />}
          <button type="button" data-testid="share-create" onClick={create} disabled={state.step === 'sharing'} className={button}>
            {state.step === 'sharing' ? 'Creating link…' : 'Create link'}
          </button>
          {state.step === 'shared' && (
            <div className="flex flex-col gap-1">
              <div className="flex items-center gap-2">
                <input
                  readOnly
                  aria-label="Snapshot link"
                  data-testid="share-link"
                  data-redacted={state.redacted ? 'true' : 'false'}
                  value={state.url}
                  onFocus={(e) => e.target.select()}
                  className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-xs dark:border-slate-600 dark:bg-slate-800"
                />
                <CopyButton text={state.url} label="Copy link" />
              </div>
              <a href={state.url} target="_blank" rel="noreferrer" className="text-xs underline">
                Open snapshot{state.redacted ? ' (redacted)' : ''}
              </a>
              {state.summary && <SummaryLines summary={state.summary} testId="share-redaction-summary" />}
            </div>
          )}
          {state.step === 'failed' && (
            <p role="alert" data-testid="share-error" className="text-red-700 dark:text-red-300">
              <NetText value={state.message} />
            </p>
          )}
        </div>
      )}
    </div>
  );
}
