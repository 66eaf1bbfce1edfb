'use client';

import { useEffect, useState } from 'react';
import { fetchJson } from './fetch-json';

interface ContextsResponse {
  mode: 'kubeconfig' | 'in-cluster' | 'demo';
  current: string | null;
  contexts: { name: string; cluster: string; server: string }[];
}

export interface ContextSwitcherProps {
  /** The context in the URL, if any (otherwise the kubeconfig's current context). */
  selected: string | null;
  onChange: (context: string) => void;
}

/**
 * The kubeconfig contexts, like `kubectl config use-context` but per view: the choice lives in the URL. Shown even
 * when the current context cannot be reached, because that is when people need to switch.
 */
export function ContextSwitcher({ selected, onChange }: ContextSwitcherProps) {
  const [contexts, setContexts] = useState<ContextsResponse | null>(null);
  useEffect(() => {
    fetchJson<ContextsResponse>('/api/v1/contexts').then(setContexts, () => setContexts(null));
  }, []);
  if (!contexts || contexts.mode !== 'kubeconfig' || contexts.contexts.length === 0) return null;
  const value = selected ?? contexts.current ?? '';
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="text-xs text-slate-600 dark:text-slate-400">context</span>
      <select
        data-testid="context-switcher"
        aria-label="Kubernetes context"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="rounded border border-slate-300 bg-white px-1 py-0.5 text-sm dark:border-slate-600 dark:bg-slate-900"
      >
        {contexts.contexts.map((c) => (
          <option key={c.name} value={c.name} title={c.server}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
