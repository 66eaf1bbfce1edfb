import { NetText } from '@/components/ui/NetText';

/**
 * A shared link can outlive the path it names; say so rather than silently showing another one. The id comes from
 * the link and holds object names.
 */
export function MissingPathNotice({ pathId, showingAnother }: { pathId: string; showingAnother: boolean }) {
  return (
    <p role="status" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
      The linked path “<NetText value={pathId} />” does not exist in this cluster (any more); showing {showingAnother ? 'the first entry' : 'nothing'} instead.
    </p>
  );
}
