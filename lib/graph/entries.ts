// The entry picker's data: every way in, labelled and grouped without any UI code (filtering: lib/model/filter.ts).
import { ENTRY_KINDS } from '@/lib/contract/enums';
import type { EntryKind, NetPath } from '@/lib/types';

export const ENTRY_KIND_TEXT: Record<EntryKind, string> = {
  ingress: 'Ingress host',
  loadBalancer: 'LoadBalancer Service',
  externalIP: 'Service externalIP',
  nodePort: 'NodePort',
  hostPort: 'hostPort',
  hostNetwork: 'hostNetwork pod',
  clusterIP: 'ClusterIP (in-cluster)',
  egress: 'Egress',
};

/** The order entries are listed in: outside-in first, in-cluster and egress last. */
export const ENTRY_KIND_ORDER = ENTRY_KINDS;

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
