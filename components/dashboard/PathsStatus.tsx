'use client';

import type { PathsResponse } from '@/lib/types';
import { NetText } from '@/components/ui/NetText';
import type { Loaded } from './use-paths';

/** While the paths load, or why they could not be (a message that may quote the cluster). Nothing once they are there. */
export function PathsStatus({ paths }: { paths: Loaded<PathsResponse> }) {
  if (paths.status === 'loading') return <p className="p-4 text-sm text-slate-500">Reading the cluster…</p>;
  if (paths.status === 'ready') return null;
  return (
    <div role="alert" className="m-4 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
      <p className="font-semibold">Could not load the paths.</p>
      <p>
        <NetText value={paths.message} />
      </p>
    </div>
  );
}
