import type { NetPath } from '@/lib/types';

/** Egress goes to the outside world, where probes never go; every other path can be probed inside the cluster. */
export const isProbeable = (path: NetPath): boolean => path.entry.kind !== 'egress';
