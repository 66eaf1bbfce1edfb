import type { EchoObservation, ProbeResult } from '@/lib/types';
import { isVantageOutcome } from '@/lib/graph/verdicts';
import { NetText } from '@/components/ui/NetText';

function outcomeTone(probe: ProbeResult): string {
  if (probe.outcome === 'ok') return 'text-emerald-700 dark:text-emerald-300';
  // The vantage's own failure says nothing about the cluster: not shown as one.
  if (isVantageOutcome(probe.outcome)) return 'text-slate-600 dark:text-slate-300';
  return 'text-red-700 dark:text-red-300';
}

function observationRows(o: EchoObservation): [string, string][] {
  const rows: [string, string | null][] = [
    ['TCP peer', o.peer],
    ['X-Forwarded-For', o.xForwardedFor.length ? o.xForwardedFor.join(' | ') : null],
    ['X-Real-IP', o.xRealIp],
    ['Forwarded', o.forwarded.length ? o.forwarded.join(' | ') : null],
    ['PROXY protocol', o.proxyProtocol ? `v${o.proxyProtocol.version} ${o.proxyProtocol.command} ${o.proxyProtocol.src ?? '?'} → ${o.proxyProtocol.dst ?? '?'}` : null],
    ['echo pod', o.echoPod],
    ['echo node', o.echoNode],
    ['Host', o.host],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== null && r[1] !== '');
}

/**
 * What the probes sent and what the echo reported. Everything is rendered as text, and every value from the network
 * through NetText: header values are hostile input, bidi controls included.
 */
export function Evidence({ probes, simulated }: { probes: ProbeResult[]; simulated: boolean }) {
  if (probes.length === 0) {
    return <p className="text-sm text-slate-500 dark:text-slate-400">No probe has reached this path yet. Use “Run probes” to observe it.</p>;
  }
  return (
    <ol className="flex flex-col gap-3">
      {probes.map((probe) => (
        <li key={probe.id} data-testid="evidence" className="rounded-lg border border-slate-200 p-2 text-sm dark:border-slate-700">
          <p className="flex flex-wrap items-center justify-between gap-2">
            <span className="font-medium">
              {probe.kind} probe → <NetText value={probe.target.label} />
            </span>
            <span data-testid="probe-outcome" data-outcome={probe.outcome} className={`text-xs font-semibold ${outcomeTone(probe)}`}>
              {probe.outcome}
              {isVantageOutcome(probe.outcome) ? ' (not reachable from here)' : ''}
              {probe.status ? ` ${probe.status}` : ''} · {probe.durationMs} ms{simulated ? ' · simulated' : ''}
            </span>
          </p>
          <p className="font-mono text-xs text-slate-500 dark:text-slate-400">
            {probe.target.tls ? 'https' : 'http'}://<NetText value={probe.target.host ?? probe.target.address} />:{probe.target.port}
            {probe.target.host && (
              <>
                {' '}
                (to <NetText value={probe.target.address} />)
              </>
            )}
            {probe.target.proxyProtocol ? ` + PROXY ${probe.target.proxyProtocol}` : ''}
            {probe.expected ? ' · outcome predicted' : ''}
          </p>
          {probe.error && (
            <p className="text-xs text-red-700 dark:text-red-300">
              <NetText value={probe.error} />
            </p>
          )}
          {probe.observation && (
            <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
              {observationRows(probe.observation).map(([name, value]) => (
                <div key={name} className="contents">
                  <dt className="text-slate-500 dark:text-slate-400">{name}</dt>
                  <dd data-testid="observation-value" className="break-all font-mono">
                    <NetText value={value} />
                  </dd>
                </div>
              ))}
            </dl>
          )}
          {probe.raw && (
            <details className="mt-1">
              <summary className="cursor-pointer text-xs text-slate-500 dark:text-slate-400">echo report (trimmed)</summary>
              <pre data-testid="echo-raw" className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 font-mono text-[11px] dark:bg-slate-800">
                <NetText value={probe.raw} />
              </pre>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
