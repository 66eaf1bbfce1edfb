import type { ServerResponse } from 'node:http';

// JSON answers, and the Status objects the real apiserver sends for failures: any step may throw an
// HttpStatusError, and sendError turns it (or anything else, as a 500) into one.

export class HttpStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function statusBody(code: number, reason: string, message: string, details: Record<string, unknown> = {}) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

export function sendJson(response: ServerResponse, code: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendError(response: ServerResponse, err: unknown) {
  // A watch has already sent its headers: all that is left is to cut the stream.
  if (response.headersSent) return response.destroy();
  if (err instanceof HttpStatusError) return sendJson(response, err.code, statusBody(err.code, err.reason, err.message, err.details));
  sendJson(response, 500, statusBody(500, 'InternalError', err instanceof Error ? err.message : String(err)));
}
