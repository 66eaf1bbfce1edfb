import { handler } from '@/lib/api';
import { listContexts } from '@/lib/k8s/inventory';

export const dynamic = 'force-dynamic';

/** GET /api/v1/contexts → {mode, current, contexts: [{name, cluster, server}]}; never credentials. */
export const GET = handler(() => Response.json(listContexts()));
