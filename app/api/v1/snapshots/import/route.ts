import { handler } from '@/lib/api';
import { importSnapshot, snapshotUrl } from '@/lib/snapshot/service';

export const dynamic = 'force-dynamic';

/** Body: a snapshot JSON file as exported from /s/{id}. Stored under a new id; answers like POST /api/v1/snapshots. */
export const POST = handler(async (request: Request) => {
  const snapshot = await importSnapshot(request);
  return Response.json(
    { id: snapshot.id, url: snapshotUrl(snapshot.id, request), createdAt: snapshot.createdAt, redacted: snapshot.redacted },
    { status: 201 },
  );
});
