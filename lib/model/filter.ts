// Which paths a query asks for: the API's ?namespace=&kind=&verdict=&q= and the dashboard's entry picker use this
// one function, so a script and a person filtering the same way see the same paths.
import type { EntryKind, NetPath, Verdict } from '@/lib/types';

export interface EntryFilter {
  query: string;
  namespace: string | null;
  kind: EntryKind | null;
  verdict: Verdict | null;
}

export const EMPTY_FILTER: EntryFilter = { query: '', namespace: null, kind: null, verdict: null };

function searchableText(path: NetPath): string {
  const { entry } = path;
  return [entry.host, entry.address, entry.port, entry.namespace, entry.name, entry.kind, path.verdict, ...path.hops.map((h) => h.name)]
    .filter((v) => v !== null && v !== undefined)
    .join(' ')
    .toLowerCase();
}

export function filterPaths(paths: NetPath[], filter: EntryFilter): NetPath[] {
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  return paths.filter((path) => {
    if (filter.namespace && path.entry.namespace !== filter.namespace) return false;
    if (filter.kind && path.entry.kind !== filter.kind) return false;
    if (filter.verdict && path.verdict !== filter.verdict) return false;
    if (words.length === 0) return true;
    const text = searchableText(path);
    return words.every((w) => text.includes(w));
  });
}
