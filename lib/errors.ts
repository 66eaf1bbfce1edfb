import type { ApiErrorBody } from './types';

/** The one error type route handlers map to HTTP; `code` is stable, `hint` says what to do. */
export class HopscopeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 500,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'HopscopeError';
  }
}

export const badRequest = (message: string, hint: string | null = null) =>
  new HopscopeError('bad_request', message, 400, hint);
export const notFound = (message: string, hint: string | null = null) => new HopscopeError('not_found', message, 404, hint);

export function errorBody(code: string, message: string, hint: string | null = null): ApiErrorBody {
  return { error: { code, message, hint } };
}

/** Turns anything thrown into the single error envelope; never leaks a stack trace. */
export function toErrorResponse(err: unknown): Response {
  if (err instanceof HopscopeError) {
    return Response.json(errorBody(err.code, err.message, err.hint), { status: err.status });
  }
  const message = err instanceof Error ? err.message : String(err);
  return Response.json(errorBody('internal', `unexpected error: ${message}`), { status: 500 });
}
