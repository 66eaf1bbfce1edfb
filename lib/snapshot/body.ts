import { badRequest } from '@/lib/errors';
import { readBodyText } from '@/lib/http/body';
import { snapshotTooLarge } from './limits';

/** A snapshot file uploaded as the request body, refused with 413 past `limit` bytes and with 400 when empty. */
export async function readSnapshotBody(request: Request, limit: number): Promise<string> {
  const text = await readBodyText(request, limit, (size, max) =>
    snapshotTooLarge(`request body is ${size}, the limit is ${max}`, 'export a narrower snapshot'),
  );
  if (text.trim() === '') throw badRequest('request body is empty', 'send a snapshot file saved with "Export JSON" as the body');
  return text;
}
