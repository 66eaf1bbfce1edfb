import { handler } from '@/lib/api';
import { importSnapshot, shareAnswer } from '@/lib/snapshot/service';

export const dynamic = 'force-dynamic';

/** Body: a snapshot JSON file as exported from /s/{id}. Stored under a new id; answers like POST /api/v1/snapshots. */
export const POST = handler(async (request: Request) => {
  const snapshot = await importSnapshot(request);
  return Response.json(shareAnswer(snapshot, request), { status: 201 });
});
