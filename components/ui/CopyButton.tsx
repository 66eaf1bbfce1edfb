'use client';

import { useEffect, useState } from 'react';

/** Copies text with the Clipboard API and shows a visible "copied" state for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <button
      type="button"
      onClick={copy}
      data-state={state}
      className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 data-[state=copied]:border-emerald-500 data-[state=copied]:text-emerald-700 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700 dark:data-[state=copied]:text-emerald-300"
    >
      <span aria-live="polite">{state === 'copied' ? '✔ Copied' : state === 'failed' ? 'Copy failed — select the text' : label}</span>
    </button>
  );
}
