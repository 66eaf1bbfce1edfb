import type { V1LabelSelector } from '@kubernetes/client-node';

/** metav1.LabelSelector semantics: matchLabels AND every matchExpression; an empty selector matches everything. */
export function labelSelectorMatches(selector: V1LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((expr) => {
    const actual = labels[expr.key];
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        return actual !== undefined && values.includes(actual);
      case 'NotIn':
        return actual === undefined || !values.includes(actual);
      case 'Exists':
        return actual !== undefined;
      case 'DoesNotExist':
        return actual === undefined;
      default:
        return false;
    }
  });
}

/** A Service's spec.selector (plain equality map) selects a pod when every pair is present; empty selects nothing. */
export function serviceSelects(selector: Record<string, string> | undefined, labels: Record<string, string> = {}): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}
