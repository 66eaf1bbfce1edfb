'use client';

import type { Finding } from '@/lib/types';
import { CopyButton } from '@/components/ui/CopyButton';
import { NetText, netString } from '@/components/ui/NetText';

const SEVERITY_STYLE: Record<Finding['severity'], string> = {
  info: 'border-sky-300 bg-sky-50 dark:border-sky-800 dark:bg-sky-950',
  warning: 'border-amber-300 bg-amber-50 dark:border-amber-800 dark:bg-amber-950',
  error: 'border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950',
};

export interface FindingCardProps {
  finding: Finding;
  /** The what-if currently previewed, if any. */
  activeWhatIf: string | null;
  onPreview: (whatIf: string | null) => void;
}

export function FindingCard({ finding, activeWhatIf, onPreview }: FindingCardProps) {
  const previewing = finding.whatIf != null && finding.whatIf === activeWhatIf;
  return (
    <article data-testid="finding" data-code={finding.code} className={`flex flex-col gap-2 rounded-lg border p-3 text-sm ${SEVERITY_STYLE[finding.severity]}`}>
      <p>
        <span className="mr-1 text-xs font-bold uppercase">{finding.severity}</span>
        <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{finding.code}</span>
      </p>
      <p>
        <NetText value={finding.message} />
      </p>
      {finding.fix && (
        <div className="flex flex-col gap-1">
          <div className="flex items-center justify-between">
            <span className="text-xs font-semibold uppercase tracking-wide">Fix</span>
            {/* A command with a hidden bidi control is a Trojan Source: what is copied shows it, as the page does. */}
            <CopyButton text={netString(finding.fix)} label="Copy fix" />
          </div>
          <pre data-testid="fix" className="overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-2 font-mono text-xs text-slate-100">
            <NetText value={finding.fix} />
          </pre>
        </div>
      )}
      {finding.tradeOff && (
        <p className="text-xs">
          <span className="font-semibold">Trade-off: </span>
          <NetText value={finding.tradeOff} />
        </p>
      )}
      {finding.whatIf && (
        <label className="flex cursor-pointer items-center gap-2 text-xs font-medium">
          <input type="checkbox" role="switch" checked={previewing} onChange={(e) => onPreview(e.target.checked ? finding.whatIf ?? null : null)} />
          Preview the path with this fix applied
        </label>
      )}
    </article>
  );
}
