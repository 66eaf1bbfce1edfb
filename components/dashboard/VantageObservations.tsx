import type { PathVantageView } from '@/lib/graph/vantages';
import { ROLE_TEXT, VIA_TEXT } from '@/lib/graph/verdicts';
import { NetText, netString } from '@/components/ui/NetText';
import { StatusBadge } from '@/components/ui/StatusBadge';

const PREDICTED_FOR = { outside: 'for an outside client', 'in-cluster': 'for a pod of the cluster' } as const;

const CARD: Record<PathVantageView['state'], string> = {
  differs: 'border-2 border-red-600 bg-red-50 dark:border-red-500 dark:bg-red-950/60',
  matches: 'border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900',
  probing: 'border border-dashed border-slate-300 bg-white dark:border-slate-600 dark:bg-slate-900',
  'not-reachable': 'border border-dashed border-slate-300 bg-slate-50 dark:border-slate-600 dark:bg-slate-900',
  'not-probed': 'border border-dashed border-slate-300 bg-slate-50 dark:border-slate-600 dark:bg-slate-900',
};

/** The observed client address per hop, as this vantage saw it. */
function ObservedHops({ view }: { view: PathVantageView }) {
  if (view.hops.length === 0) return null;
  return (
    <dl className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs">
      {view.hops.map((hop) => (
        <div key={hop.hopId} className="contents" data-testid="vantage-hop" data-hop-id={hop.hopId} data-matches={hop.matches ? 'true' : 'false'}>
          <dt className="truncate text-slate-500 dark:text-slate-400">
            <NetText value={hop.hopName} />
          </dt>
          <dd className={`break-all ${hop.matches ? '' : 'font-semibold text-red-800 dark:text-red-200'}`}>
            <span data-field="observed-peer" className="font-mono">
              <NetText value={hop.observedPeer ?? 'nothing'} />
            </span>{' '}
            ({ROLE_TEXT[hop.role]}) via {VIA_TEXT[hop.via]}
            {!hop.matches && ' ⚠'}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** One vantage on one path: its prediction, what it observed, and whether they agree. */
export function VantageCard({ view }: { view: PathVantageView }) {
  const compared = view.state === 'matches' || view.state === 'differs';
  return (
    <section
      data-testid="vantage"
      data-vantage={view.kind}
      data-state={view.state}
      aria-label={netString(view.title)}
      className={`flex min-w-0 flex-col gap-1.5 rounded-lg p-2 text-sm ${CARD[view.state]}`}
    >
      <h3 data-testid="vantage-title" className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
        <NetText value={view.title} />
      </h3>
      <div className="flex flex-wrap items-center gap-1.5">
        <StatusBadge status={view.predicted.verdict} prefix="predicted" />
        <span className="text-xs text-slate-500 dark:text-slate-400">{PREDICTED_FOR[view.predicted.vantage]}</span>
        {view.observedVerdict && <StatusBadge status={view.observedVerdict} prefix="observed" />}
        {compared && (
          <span
            data-testid="path-match"
            data-matches={view.state === 'matches' ? 'true' : 'false'}
            className={`rounded-full px-2 py-0.5 text-xs font-bold ${view.state === 'matches' ? 'bg-emerald-600 text-white' : 'bg-red-600 text-white'}`}
          >
            {view.state === 'matches' ? '✔ observation matches prediction' : '⚠ observation differs from prediction'}
          </span>
        )}
      </div>
      {view.state === 'differs' && view.differences.length > 0 && (
        <ul role="alert" data-testid="vantage-differences" className="list-disc pl-5 font-medium text-red-900 dark:text-red-100">
          {view.differences.map((d) => (
            <li key={d}>
              <NetText value={d} />
            </li>
          ))}
        </ul>
      )}
      {view.state === 'not-reachable' && (
        <p data-testid="not-reachable" className="text-slate-700 dark:text-slate-200">
          <span className="font-semibold">not reachable from this vantage:</span> <NetText value={view.reason ?? ''} />
        </p>
      )}
      {view.state === 'not-probed' && (
        <>
          <span data-testid="path-not-probed" className="self-start rounded-full bg-slate-200 px-2 py-0.5 text-xs font-bold text-slate-700 dark:bg-slate-700 dark:text-slate-100">
            not probed
          </span>
          <p data-testid="not-probed-reason" className="text-slate-700 dark:text-slate-200">
            <NetText value={view.reason ?? ''} />
          </p>
        </>
      )}
      {view.state === 'probing' && (
        <p className="text-xs text-slate-600 dark:text-slate-300">
          probing… {view.probes.length} probe{view.probes.length === 1 ? '' : 's'} landed
        </p>
      )}
      {view.ownAnswer && (
        <p data-testid="own-answer" className="rounded border border-sky-300 bg-sky-50 px-2 py-1 text-xs text-sky-900 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100">
          <span className="font-semibold">Its own answer, not a difference:</span> <NetText value={view.ownAnswer} />
        </p>
      )}
      <ObservedHops view={view} />
    </section>
  );
}

/** Every vantage that took part in this path, side by side; a difference from a vantage's own prediction comes first. */
export function VantageObservations({ views }: { views: readonly PathVantageView[] }) {
  if (views.length === 0) return null;
  return (
    <div data-testid="vantages" className="grid grid-cols-[repeat(auto-fit,minmax(15rem,1fr))] gap-2">
      {views.map((view) => (
        <VantageCard key={view.kind} view={view} />
      ))}
    </div>
  );
}
