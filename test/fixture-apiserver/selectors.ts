import type { ManifestObject } from '@/lib/demo/manifest';

// Label and field selectors as the apiserver reads them from `?labelSelector=` / `?fieldSelector=`:
// comma-separated requirements that must all hold. Supported: `k=v`, `k==v`, `k!=v`, `k` (exists), `!k`,
// and for labels the set forms `k in (a,b)` / `k notin (a,b)`.

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'exists' | 'absent'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

/** Splits on commas that are not inside `( … )`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseSelector(text: string | null): Requirement[] {
  if (!text) return [];
  return splitTopLevel(text).map((part): Requirement => {
    const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (set) {
      const values = set[3]!.split(',').map((v) => v.trim()).filter(Boolean);
      return { op: set[2] as 'in' | 'notin', key: set[1]!, values };
    }
    const neq = /^([^!=]+)!=(.*)$/.exec(part);
    if (neq) return { op: 'neq', key: neq[1]!.trim(), value: neq[2]!.trim() };
    const eq = /^([^!=]+)==?(.*)$/.exec(part);
    if (eq) return { op: 'eq', key: eq[1]!.trim(), value: eq[2]!.trim() };
    if (part.startsWith('!')) return { op: 'absent', key: part.slice(1).trim() };
    return { op: 'exists', key: part };
  });
}

function matches(requirements: Requirement[], lookup: (key: string) => string | undefined): boolean {
  return requirements.every((r) => {
    const actual = lookup(r.key);
    switch (r.op) {
      case 'eq':
        return actual === r.value;
      case 'neq':
        return actual !== r.value;
      case 'exists':
        return actual !== undefined;
      case 'absent':
        return actual === undefined;
      case 'in':
        return actual !== undefined && r.values.includes(actual);
      case 'notin':
        return actual === undefined || !r.values.includes(actual);
    }
  });
}

/** Field paths like `metadata.name`, `spec.nodeName`, `status.phase`; non-string leaves compare as text. */
function fieldLookup(object: unknown): (path: string) => string | undefined {
  return (path) => {
    let value: unknown = object;
    for (const segment of path.split('.')) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[segment];
    }
    if (value === undefined || value === null) return undefined;
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
}

/** What a list or watch selects: its namespace (null: every one) and its selectors; null when it selects everything. */
export function requestFilter(namespace: string | null, query: URLSearchParams): ((object: ManifestObject) => boolean) | null {
  const labels = parseSelector(query.get('labelSelector'));
  const fields = parseSelector(query.get('fieldSelector'));
  if (namespace === null && labels.length === 0 && fields.length === 0) return null;
  return (object) =>
    (namespace === null || object.metadata.namespace === namespace) &&
    matches(labels, (key) => object.metadata.labels?.[key]) &&
    matches(fields, fieldLookup(object));
}
