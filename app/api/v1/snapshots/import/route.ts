import { handler, requestOrigin } from '@/lib/api';
import { readSnapshotBody } from '@/lib/snapshot/body';
import { MAX_SNAPSHOT_BYTES } from '@/lib/snapshot/limits';
import { importSnapshot } from '@/lib/snapshot/service';

export const dynamic = 'force-dynamic';

/** Body: a snapshot JSON file as exported from /s/{id}. Stored under a new id; answers like POST /api/v1/snapshots. */
export const POST = handler(async (request: Request) => {
  const text = await readSnapshotBody(request, MAX_SNAPSHOT_BYTES);
  return Response.json(await importSnapshot(text, requestOrigin(request)), { status: 201 });
});
