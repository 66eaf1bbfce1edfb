'use client';

import { Panel } from '@xyflow/react';
import type { RefObject } from 'react';
import { useExportImage } from './use-export-image';

const BUTTON =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium shadow-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700';

/** PNG and SVG export of the whole graph, in the canvas's top-right corner. */
export function ExportButtons({ name, container }: { name: string; container: RefObject<HTMLElement | null> }) {
  const { busy, error, exportAs } = useExportImage(container, name);
  return (
    <Panel position="top-right" className="flex items-center gap-1">
      <span className="text-xs text-slate-500 dark:text-slate-400">Export</span>
      {(['png', 'svg'] as const).map((format) => (
        <button key={format} type="button" className={BUTTON} disabled={busy !== null} onClick={() => void exportAs(format)}>
          {busy === format ? '…' : format.toUpperCase()}
        </button>
      ))}
      {error && <span role="alert" className="text-xs text-red-600">{error}</span>}
    </Panel>
  );
}
