'use client';

import { useEffect, useState } from 'react';
import type { NetPath, PathsResponse } from '@/lib/types';
import { type DashboardUrlState, sourceQuery } from '@/lib/graph/url-state';
import { type Loaded, usePaths } from './use-paths';

export interface WhatIfPreview {
  /** The fix being previewed, if any. */
  whatIf: string | null;
  setWhatIf: (whatIf: string | null) => void;
  preview: Loaded<PathsResponse>;
  /** The selected path as it would be with the fix, once computed. */
  previewPath: NetPath | null;
}

/** A fix previewed on the selected path: the paths recomputed with it applied. Another path ends the preview. */
export function useWhatIf(source: Pick<DashboardUrlState, 'scenario' | 'context'>, selectedId: string | null): WhatIfPreview {
  const [whatIf, setWhatIf] = useState<string | null>(null);
  const preview = usePaths(whatIf ? sourceQuery(source, { whatIf }) : null);
  useEffect(() => setWhatIf(null), [selectedId]);
  const previewPath = whatIf && preview.status === 'ready' ? (preview.data.paths.find((p) => p.id === selectedId) ?? null) : null;
  return { whatIf, setWhatIf, preview, previewPath };
}
