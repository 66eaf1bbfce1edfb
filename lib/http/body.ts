import { HopscopeError } from '@/lib/errors';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** How a body over the limit is refused: a message about its size, turned into the caller's error. */
export type TooLarge = (size: string, limit: string) => Error;

export const bodyTooLarge: TooLarge = (size, limit) =>
  new HopscopeError('body_too_large', `request body is ${size}, the limit is ${limit}`, 'send a smaller request');

/**
 * Reads a request body as text, refusing it as soon as it passes `limit` bytes (by Content-Length up front, or while
 * streaming when the length is unknown or wrong) instead of buffering whatever a client sends. An absent body is "".
 * A fetch Response reads the same way (the CLI agent bounds the dashboard's answers with it).
 */
export async function readBodyText(request: Pick<Request, 'headers' | 'body'>, limit: number, tooLarge: TooLarge = bodyTooLarge): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(formatBytes(declared), formatBytes(limit));
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel();
      throw tooLarge(`more than ${formatBytes(limit)}`, formatBytes(limit));
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
