// The entry picker's data: every way in, labelled, filtered and grouped without any UI code.
import type { EntryKind, NetPath, Verdict } from '@/lib/types';

export const ENTRY_KIND_TEXT: Record<EntryKind, string> = {
  ingress: 'Ingress host',
  loadBalancer: 'LoadBalancer Service',
  nodePort: 'NodePort',
  hostPort: 'hostPort',
  hostNetwork: 'hostNetwork pod',
  clusterIP: 'ClusterIP (in-cluster)',
  egress: 'Egress',
};

/** The order entries are listed in: outside-in first, in-cluster and egress last. */
export const ENTRY_KIND_ORDER = ['ingress', 'loadBalancer', 'nodePort', 'hostPort', 'hostNetwork', 'clusterIP', 'egress'] as const satisfies readonly EntryKind[];

export const VERDICTS = ['preserved', 'header', 'lost', 'spoofable', 'broken', 'unreachable'] as const satisfies readonly Verdict[];

export interface EntryFilter {
  query: string;
  namespace: string | null;
  kind: EntryKind | null;
  verdict: Verdict | null;
}

export const EMPTY_FILTER: EntryFilter = { query: '', namespace: null, kind: null, verdict: null };

/** What a person recognises the entry by: the host for an Ingress, address:port otherwise. */
export function entryTitle(path: NetPath): string {
  const { entry } = path;
  if (entry.host) return entry.host;
  if (entry.address && entry.port) return `${entry.address}:${entry.port}`;
  if (entry.port) return `${entry.name} :${entry.port}`;
  return entry.name;
}

/** Kind and object; the node is named too, since one Service is one way in per node that answers for it. */
export function entrySubtitle(path: NetPath): string {
  const { entry } = path;
  const object = entry.namespace ? `${entry.namespace}/${entry.name}` : entry.name;
  const nodes = path.hops.filter((h) => h.kind === 'node').map((h) => h.name);
  const via = nodes.length > 0 && nodes.length <= 2 ? ` · via ${nodes.join(', ')}` : '';
  return `${ENTRY_KIND_TEXT[entry.kind]} · ${object}${via}`;
}

/** The entry shown when the URL names none: the first one in picker order. */
export function firstEntry(paths: NetPath[]): NetPath | null {
  return groupEntries(paths)[0]?.paths[0] ?? null;
}

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

export function namespacesOf(paths: NetPath[]): string[] {
  return [...new Set(paths.map((p) => p.entry.namespace).filter((ns): ns is string => Boolean(ns)))].sort();
}

export function kindsOf(paths: NetPath[]): EntryKind[] {
  const present = new Set(paths.map((p) => p.entry.kind));
  return ENTRY_KIND_ORDER.filter((k) => present.has(k));
}

export interface EntryGroup {
  kind: EntryKind;
  label: string;
  paths: NetPath[];
}

/** Groups by entry kind in ENTRY_KIND_ORDER; inside a group, by title so the list does not jump between calls. */
export function groupEntries(paths: NetPath[]): EntryGroup[] {
  return ENTRY_KIND_ORDER.map((kind) => ({
    kind,
    label: ENTRY_KIND_TEXT[kind],
    paths: paths.filter((p) => p.entry.kind === kind).sort((a, b) => entryTitle(a).localeCompare(entryTitle(b)) || a.id.localeCompare(b.id)),
  })).filter((g) => g.paths.length > 0);
}
