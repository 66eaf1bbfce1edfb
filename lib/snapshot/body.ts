import { badRequest } from '@/lib/errors';
import { formatBytes, snapshotTooLarge } from './limits';

/**
 * Reads a request body as text, refusing it with 413 as soon as it passes `limit` bytes (by Content-Length up front,
 * or while streaming when the length is unknown or wrong) instead of buffering whatever a client sends.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const tooLarge = (size: string) =>
    snapshotTooLarge(`request body is ${size}, the limit is ${formatBytes(limit)}`, 'export a narrower snapshot');
  const empty = () => badRequest('request body is empty', 'send a snapshot file saved with "Export JSON" as the body');
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(formatBytes(declared));
  if (!request.body) throw empty();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel();
      throw tooLarge(`more than ${formatBytes(limit)}`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw empty();
  return text;
}
