'use client';

import { useReactFlow } from '@xyflow/react';
import { type RefObject, useCallback, useState } from 'react';
import { exportGraphImage, type ImageFormat } from './export-image';

export interface ImageExport {
  /** The format being written, if any. */
  busy: ImageFormat | null;
  error: string | null;
  exportAs: (format: ImageFormat) => Promise<void>;
}

/** Saves the whole graph (not just the visible part) as an image file. Needs the graph's React Flow provider. */
export function useExportImage(container: RefObject<HTMLElement | null>, fileName: string): ImageExport {
  const { getNodes } = useReactFlow();
  const [busy, setBusy] = useState<ImageFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const exportAs = useCallback(
    async (format: ImageFormat) => {
      if (!container.current) return;
      setBusy(format);
      setError(null);
      try {
        await exportGraphImage(container.current, getNodes(), format, fileName);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      } finally {
        setBusy(null);
      }
    },
    [container, getNodes, fileName],
  );
  return { busy, error, exportAs };
}
