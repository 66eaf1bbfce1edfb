import 'server-only';
import { z } from 'zod';
import { badRequest, HopscopeError, toErrorResponse } from './errors';
import { log } from './log';

/** Query parameters every cluster-reading route accepts: which kubeconfig context, or which demo scenario. */
export const SourceQuery = z.object({
  context: z.string().min(1).max(253).optional(),
  scenario: z
    .string()
    .regex(/^[a-z0-9-]{1,63}$/, 'scenario ids are lowercase letters, digits and dashes')
    .optional(),
});
export type SourceQueryInput = z.infer<typeof SourceQuery>;

/** Parses URL search params with a zod schema; failures become a 400 in the error envelope. */
export function parseQuery<T extends z.ZodType>(request: Request, schema: T): z.infer<T> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** Parses a JSON body with a zod schema; an empty body counts as `{}`. `hint` tells the caller how to fix a refusal. */
export async function parseBody<T extends z.ZodType>(request: Request, schema: T, hint: string | null = null): Promise<z.infer<T>> {
  const text = await request.text();
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw badRequest('request body is not valid JSON', hint);
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), hint);
  }
  return parsed.data;
}

/** Wraps a route handler so that every failure leaves through the one error envelope. */
export function handler<Args extends unknown[]>(fn: (request: Request, ...args: Args) => Promise<Response> | Response) {
  return async (request: Request, ...args: Args): Promise<Response> => {
    try {
      return await fn(request, ...args);
    } catch (err) {
      // Unexpected failures keep their stack in the server log; the client only gets the envelope.
      if (!(err instanceof HopscopeError)) log().error({ err, url: request.url }, 'request failed');
      else if (err.status >= 500) log().warn({ code: err.code, url: request.url }, err.message);
      return toErrorResponse(err);
    }
  };
}
