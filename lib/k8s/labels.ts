export { labelSelectorMatches } from '@/lib/model/selectors';

/** A Service's spec.selector (plain equality map) selects a pod when every pair is present; empty selects nothing. */
export function serviceSelects(selector: Record<string, string> | undefined, labels: Record<string, string> = {}): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}
