import { z } from 'zod';
import { handler, parseQuery } from '@/lib/api';
import { deleteSnapshot, getSnapshot, requireSnapshotAdmin } from '@/lib/snapshot/service';

export const dynamic = 'force-dynamic';

interface Params {
  params: Promise<{ id: string }>;
}

const DownloadQuery = z.object({ download: z.enum(['0', '1']).optional() });

export const GET = handler(async (request: Request, { params }: Params) => {
  const { download } = parseQuery(request, DownloadQuery);
  const snapshot = await getSnapshot((await params).id);
  const headers: HeadersInit =
    download === '1' ? { 'Content-Disposition': `attachment; filename="hopscope-snapshot-${snapshot.id}.json"` } : {};
  return Response.json(snapshot, { headers });
});

export const DELETE = handler(async (request: Request, { params }: Params) => {
  requireSnapshotAdmin(request);
  const { id } = await params;
  await deleteSnapshot(id);
  return Response.json({ id, deleted: true });
});
