// Label selectors as the API defines them, on the contract's plain shapes: used by discovery (MetalLB pools and
// node selectors) and by the model (which pods a NetworkPolicy selects).
import type { LabelSelector } from '@/lib/types';

/** metav1.LabelSelector semantics: matchLabels AND every matchExpression; an empty selector matches everything. */
export function labelSelectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
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
