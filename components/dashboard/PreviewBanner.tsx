'use client';

import type { PathsResponse } from '@/lib/types';
import { NetText } from '@/components/ui/NetText';
import type { Loaded } from './use-paths';

/**
 * Says that the graph shows a fix applied, not the cluster as it is, and how to go back. The expression names cluster
 * objects and comes from the URL, and the failure may quote the cluster: both through NetText.
 */
export function PreviewBanner({ whatIf, preview, onClose }: { whatIf: string; preview: Loaded<PathsResponse>; onClose: () => void }) {
  return (
    <div data-testid="preview-banner" role="status" className="flex flex-wrap items-center justify-between gap-2 rounded-md border-2 border-dashed border-amber-500 bg-amber-50 px-3 py-1.5 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100">
      <span>
        <span className="font-bold uppercase">preview</span> — path redrawn with the fix applied: <NetText value={whatIf} className="font-mono text-xs" />
        {preview.status === 'loading' && ' (computing…)'}
        {preview.status === 'failed' && (
          <>
            {' — could not compute: '}
            <NetText value={preview.message} />
          </>
        )}
      </span>
      <button type="button" onClick={onClose} className="rounded px-2 py-0.5 text-xs font-semibold hover:bg-amber-200 dark:hover:bg-amber-900">
        Back to the cluster as it is
      </button>
    </div>
  );
}
