import { ERROR_STATUS, type ErrorCode } from './contract/errors';
import type { ApiErrorBody } from './types';

/** The one error type route handlers map to HTTP; `code` is stable, its status comes from ERROR_STATUS, `hint` says what to do. */
export class HopscopeError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'HopscopeError';
    this.status = ERROR_STATUS[code];
  }
}

export const badRequest = (message: string, hint: string | null = null) => new HopscopeError('bad_request', message, hint);
export const notFound = (message: string, hint: string | null = null) => new HopscopeError('not_found', message, hint);

export function errorBody(code: ErrorCode, message: string, hint: string | null = null): ApiErrorBody {
  return { error: { code, message, hint } };
}

/** Turns anything thrown into the single error envelope; never leaks a stack trace. */
export function toErrorResponse(err: unknown): Response {
  if (err instanceof HopscopeError) {
    return Response.json(errorBody(err.code, err.message, err.hint), { status: err.status });
  }
  const message = err instanceof Error ? err.message : String(err);
  return Response.json(errorBody('internal', `unexpected error: ${message}`), { status: ERROR_STATUS.internal });
}
