// Label and field selectors as the apiserver reads them from `?labelSelector=` / `?fieldSelector=`:
// comma-separated requirements that must all hold. Supported: `k=v`, `k==v`, `k!=v`, `k` (exists), `!k`,
// and for labels the set forms `k in (a,b)` / `k notin (a,b)`.

export type Requirement =
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

export function parseSelector(text: string | null): Requirement[] {
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

export function matches(requirements: Requirement[], lookup: (key: string) => string | undefined): boolean {
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
export function fieldLookup(object: unknown): (path: string) => string | undefined {
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
