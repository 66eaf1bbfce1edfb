'use client';

import { useState } from 'react';
import type { DiscoveryError } from '@/lib/types';
import { NetText } from '@/components/ui/NetText';

/**
 * Discovery problems name what is missing and what to do; the graph is built from what could be read. Messages are
 * the API server's own words (and hints quote its names), so they are shown through NetText.
 */
export function ErrorBanner({ errors }: { errors: DiscoveryError[] }) {
  const [dismissed, setDismissed] = useState(false);
  if (errors.length === 0 || dismissed) return null;
  return (
    <div role="alert" data-testid="discovery-errors" className="flex items-start justify-between gap-4 border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
      <div>
        <p className="font-semibold">
          Partial view: {errors.length} {errors.length === 1 ? 'resource' : 'resources'} could not be read, so predictions may miss what they describe.
        </p>
        <ul className="mt-1 list-disc pl-5">
          {errors.map((e) => (
            <li key={`${e.resource}:${e.status}`}>
              <NetText value={e.resource} className="font-mono" /> — {e.status ? `HTTP ${e.status}` : e.reason}: <NetText value={e.message} />
              {e.hint && (
                <span className="text-amber-800 dark:text-amber-300">
                  {' → '}
                  <NetText value={e.hint} />
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
      <button type="button" onClick={() => setDismissed(true)} className="rounded px-2 py-1 text-xs font-medium hover:bg-amber-200 dark:hover:bg-amber-900" aria-label="Dismiss discovery errors">
        Dismiss ✕
      </button>
    </div>
  );
}
