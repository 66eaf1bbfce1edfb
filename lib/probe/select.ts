import { badRequest } from '@/lib/errors';
import type { NetPath } from '@/lib/types';
import { isProbeable } from './probeable';

/**
 * The paths a trace request names; without names, every path a probe can check — egress goes to the outside
 * world, where probes never go. An id the model does not know is refused.
 */
export function selectPaths(paths: NetPath[], pathIds: string[] | undefined): NetPath[] {
  if (!pathIds) return paths.filter(isProbeable);
  const byId = new Map(paths.map((p) => [p.id, p]));
  const unknown = pathIds.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw badRequest(
      `unknown path id${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}`,
      'use the ids from GET /api/v1/paths; probe targets come only from discovered cluster objects',
    );
  }
  return [...new Set(pathIds)].map((id) => byId.get(id)!);
}
