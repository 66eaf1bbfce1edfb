import type { Snapshot } from '@/lib/types';
import { summarizeRedaction } from '@/lib/snapshot/redaction-summary';
import { NetText } from '@/components/ui/NetText';

/** UTC with seconds: the same text on the server and in every viewer's browser, wherever they are. */
export function formatSnapshotTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

const SOURCE_TEXT: Record<Snapshot['sourceMode'], string> = {
  kubeconfig: 'kubeconfig',
  'in-cluster': 'in-cluster',
  demo: 'demo scenario (simulated)',
};

/**
 * States plainly that this is frozen data: whose, from when, whether addresses were masked, and whether this server
 * froze it or it came in as a file (then everything in it is only what the file claims).
 */
export function SnapshotBanner({ snapshot }: { snapshot: Snapshot }) {
  const traced = snapshot.trace;
  const redaction = summarizeRedaction(snapshot);
  return (
    <header
      data-testid="snapshot-banner"
      className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-sky-300 bg-sky-50 px-4 py-3 text-sm dark:border-sky-800 dark:bg-sky-950"
    >
      <h1 className="text-base font-semibold">
        Snapshot of{' '}
        <span data-testid="snapshot-context">
          <NetText value={snapshot.context} />
        </span>{' '}
        at{' '}
        <time dateTime={snapshot.createdAt}>{formatSnapshotTime(snapshot.createdAt)}</time>
      </h1>
      {snapshot.imported && (
        <span
          data-testid="snapshot-imported"
          data-original-id={snapshot.imported.originalId}
          title={`Uploaded at ${formatSnapshotTime(snapshot.imported.at)}. The file's content (cluster, time, version, trace) is what the file claims; this hopscope did not see that cluster.`}
          className="rounded-full bg-rose-200 px-2 py-0.5 text-xs font-bold text-rose-950"
        >
          imported from a file — not verified
        </span>
      )}
      {snapshot.redacted && (
        <span
          data-testid="snapshot-redacted"
          title={`Identifiers are replaced by consistent masks: the same address has the same mask everywhere. ${redaction?.text ?? ''}`}
          className="rounded-full bg-amber-200 px-2 py-0.5 text-xs font-bold text-amber-950"
        >
          redacted
        </span>
      )}
      <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium dark:bg-slate-800">read-only</span>
      <span className="text-xs text-slate-600 dark:text-slate-300">
        source: {SOURCE_TEXT[snapshot.sourceMode]} ·{' '}
        {traced
          ? `${traced.simulated ? 'simulated trace' : 'traced'} at ${formatSnapshotTime(traced.startedAt)}`
          : 'not traced (predictions only)'}{' '}
        · hopscope <NetText value={snapshot.appVersion} />
        {snapshot.imported && <> · uploaded {formatSnapshotTime(snapshot.imported.at)}</>}
      </span>
      {redaction && (
        <p data-testid="snapshot-redaction-summary" className="basis-full text-xs text-slate-600 dark:text-slate-300">
          {redaction.text}
        </p>
      )}
      <nav className="ml-auto flex items-center gap-2">
        <a
          href={`/api/v1/snapshots/${snapshot.id}?download=1`}
          download={`hopscope-snapshot-${snapshot.id}.json`}
          data-testid="snapshot-export"
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700"
        >
          Export JSON
        </a>
        <a href="/s/import" className="text-xs underline">
          Import a snapshot
        </a>
        <a href="/" className="text-xs underline">
          Live dashboard
        </a>
      </nav>
    </header>
  );
}
