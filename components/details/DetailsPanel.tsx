'use client';

import { useEffect, useRef } from 'react';
import type { Finding, NetPath, PathTrace, ProbeResult } from '@/lib/types';
import type { GraphNode } from '@/lib/graph/elements';
import { type PathVantageView, pathVantageViews, runOfPathTraces } from '@/lib/graph/vantages';
import { HOP_KIND_TEXT, ROLE_TEXT, VIA_TEXT } from '@/lib/graph/verdicts';
import { NetText } from '@/components/ui/NetText';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { Evidence } from './Evidence';
import { FindingCard } from './FindingCard';

export interface DetailsPanelProps {
  node: GraphNode;
  path: NetPath;
  /** What each vantage observed on this path; without it, `trace` and `probes` are one vantage's. */
  views?: readonly PathVantageView[];
  trace?: PathTrace | null;
  probes?: ProbeResult[];
  /** Findings of the hop in the cluster as it is, so a what-if stays switchable while its preview is shown (default: the node's). */
  findings?: Finding[];
  simulated: boolean;
  activeWhatIf: string | null;
  onPreview: (whatIf: string | null) => void;
  onClose: () => void;
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-2">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{title}</h3>
      {children}
    </section>
  );
}

function KeyValues({ rows }: { rows: [string, string][] }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
      {rows.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="text-slate-500 dark:text-slate-400">
            <NetText value={key} />
          </dt>
          <dd className="break-all font-mono text-xs leading-5">
            <NetText value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function DetailsPanel({ node, path, views, trace = null, probes = [], findings, simulated, activeWhatIf, onPreview, onClose }: DetailsPanelProps) {
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, [node.id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const title = node.type === 'hop' ? node.data.hop.name : `${node.data.hops.length} more ${HOP_KIND_TEXT[node.data.kind].toLowerCase()}s`;
  const kind = node.type === 'hop' ? (node.data.loadBalancer?.caption ?? HOP_KIND_TEXT[node.data.hop.kind]) : HOP_KIND_TEXT[node.data.kind];

  return (
    <aside
      aria-labelledby="details-title"
      data-testid="details"
      className="flex h-full w-full flex-col gap-4 overflow-y-auto border-l border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <header className="flex items-start justify-between gap-2">
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
            <NetText value={kind} />
          </p>
          <h2 id="details-title" ref={heading} tabIndex={-1} className="break-all text-lg font-semibold outline-none">
            <NetText value={title} />
          </h2>
        </div>
        <button type="button" onClick={onClose} aria-label="Close details" className="rounded px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
          ✕
        </button>
      </header>

      {node.type === 'summary' ? (
        <Section title="Hops in this group">
          <ul className="flex flex-col gap-1 text-sm">
            {node.data.hops.map((hop) => (
              <li key={hop.id} className="flex justify-between gap-2">
                <NetText value={hop.name} />
                {hop.address && <NetText value={hop.address} className="font-mono text-xs" />}
              </li>
            ))}
          </ul>
        </Section>
      ) : (
        <HopDetails
          node={node}
          path={path}
          views={views ?? oneVantage(path, trace, probes, simulated)}
          findings={findings}
          activeWhatIf={activeWhatIf}
          onPreview={onPreview}
        />
      )}
    </aside>
  );
}

/** One trace (or probes still streaming) as the single vantage it came from. */
function oneVantage(path: NetPath, trace: PathTrace | null, probes: ProbeResult[], simulated: boolean): PathVantageView[] {
  if (trace) return pathVantageViews(path, [runOfPathTraces([trace], simulated)]);
  if (probes.length === 0) return [];
  return pathVantageViews(path, [{ ...runOfPathTraces([], simulated), running: true, probes: { [path.id]: probes } }]);
}

interface HopDetailsProps {
  node: Extract<GraphNode, { type: 'hop' }>;
  path: NetPath;
  views: readonly PathVantageView[];
  findings?: Finding[];
  activeWhatIf: string | null;
  onPreview: (whatIf: string | null) => void;
}

function HopDetails({ node, path, views, findings = node.data.findings, activeWhatIf, onPreview }: HopDetailsProps) {
  const { hop, predicted, observedStatus } = node.data;
  const seen: [string, string][] = [
    ['own address', hop.address ? `${hop.address}${hop.port ? `:${hop.port}` : ''}` : '—'],
    ['TCP peer (predicted)', hop.expectedPeer ? `${hop.expectedPeer} (${ROLE_TEXT[hop.expectedPeerRole]})` : '—'],
    ['client address via', VIA_TEXT[hop.clientAddressVia]],
    ['takes as client', hop.believedClient ? `${hop.believedClient} (${ROLE_TEXT[hop.believedClientRole]})` : '—'],
  ];
  const isLastHop = path.hops.at(-1)?.id === hop.id;
  const here = views.flatMap((view) => {
    const observed = view.hops.find((h) => h.hopId === hop.id);
    return observed ? [{ view, observed }] : [];
  });
  const withProbes = views.filter((v) => v.probes.length > 0);
  return (
    <>
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge status={predicted} prefix="predicted" />
        {observedStatus && <StatusBadge status={observedStatus} prefix="observed" />}
      </div>

      {here
        .filter(({ observed }) => !observed.matches)
        .map(({ view, observed }) => (
          <div key={view.kind} role="alert" data-vantage={view.kind} className="rounded-lg border-2 border-red-600 bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
            <p className="font-bold">
              ⚠ Observed differs from the prediction, <NetText value={view.title} />
            </p>
            <p>
              Predicted peer <NetText value={hop.expectedPeer ?? '—'} /> ({ROLE_TEXT[hop.expectedPeerRole]}), observed <NetText value={observed.observedPeer ?? 'nothing'} /> (
              {ROLE_TEXT[observed.role]}) via {VIA_TEXT[observed.via]}.
            </p>
            {view.differences.map((d) => (
              <p key={d}>
                <NetText value={d} />
              </p>
            ))}
          </div>
        ))}

      <Section title="What this hop sees">
        <KeyValues rows={seen} />
      </Section>

      {here.length > 0 && (
        <Section title="Observed here, per vantage">
          <ul className="flex flex-col gap-1 text-sm" data-testid="hop-vantages">
            {here.map(({ view, observed }) => (
              <li key={view.kind} data-vantage={view.kind} data-matches={observed.matches ? 'true' : 'false'} className="flex flex-col">
                <span className="text-xs font-semibold text-slate-500 dark:text-slate-400">
                  <NetText value={view.title} />
                </span>
                <span className={observed.matches ? '' : 'font-semibold text-red-800 dark:text-red-200'}>
                  <NetText value={observed.observedPeer ?? 'nothing'} className="font-mono text-xs" /> ({ROLE_TEXT[observed.role]}) via {VIA_TEXT[observed.via]}
                  {observed.matches ? ' · as predicted for this vantage' : ' · differs from the prediction for this vantage'}
                </span>
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title="Kubernetes objects">
        {hop.objects.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">No Kubernetes object behind this hop.</p>
        ) : (
          <ul className="flex flex-col gap-1 text-sm" data-testid="objects">
            {hop.objects.map((o) => (
              <li key={`${o.kind}/${o.namespace ?? ''}/${o.name}`} className="font-mono text-xs">
                <span className="font-semibold">{o.kind}</span> <NetText value={o.namespace ? `${o.namespace}/${o.name}` : o.name} />
              </li>
            ))}
          </ul>
        )}
        {Object.keys(hop.details).length > 0 && <KeyValues rows={Object.entries(hop.details)} />}
      </Section>

      <Section title="Finding and fix">
        {findings.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">Nothing to fix at this hop.</p>
        ) : (
          findings.map((f) => <FindingCard key={f.code} finding={f} activeWhatIf={activeWhatIf} onPreview={onPreview} />)
        )}
      </Section>

      <Section title={isLastHop ? 'Evidence (what the echo reported)' : 'Evidence (probes of this path)'}>
        {withProbes.length === 0 ? (
          <Evidence probes={[]} simulated={false} />
        ) : (
          withProbes.map((view) => (
            <div key={view.kind} data-testid="vantage-evidence" data-vantage={view.kind} className="flex flex-col gap-1">
              {(withProbes.length > 1 || view.kind !== 'in-cluster') && (
                <h4 className="text-xs font-semibold text-slate-600 dark:text-slate-300">
                  <NetText value={view.title} />
                </h4>
              )}
              <Evidence probes={view.probes} simulated={view.simulated} />
            </div>
          ))
        )}
      </Section>
    </>
  );
}
