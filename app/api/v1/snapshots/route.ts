import { z } from 'zod';
import { SourceQuery, handler, parseBody } from '@/lib/api';
import { listSnapshots, requireSnapshotAdmin, shareAnswer, shareCurrentState, snapshotUrl } from '@/lib/snapshot/service';

export const dynamic = 'force-dynamic';

// Strict: a mistyped option (say "redacted") must fail loudly rather than share unredacted addresses.
const ShareBody = SourceQuery.extend({
  entry: z.string().min(1).max(1024).nullable().optional(),
  redact: z.boolean().default(false),
  redactNodeNames: z.boolean().default(false),
}).strict();

export const POST = handler(async (request: Request) => {
  const options = await parseBody(request, ShareBody);
  const snapshot = await shareCurrentState(options);
  return Response.json(shareAnswer(snapshot, request), { status: 201 });
});

export const GET = handler(async (request: Request) => {
  requireSnapshotAdmin(request);
  const snapshots = await listSnapshots();
  return Response.json({ snapshots: snapshots.map((s) => ({ ...s, url: snapshotUrl(s.id, request) })) });
});
