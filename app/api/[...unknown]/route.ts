import { handler } from '@/lib/api';
import { notFound } from '@/lib/errors';

export const dynamic = 'force-dynamic';

// Any /api path no route serves answers in the error envelope, not with the HTML 404 page.
function unknownApi(request: Request): never {
  throw notFound(`no API at ${new URL(request.url).pathname}`, 'the API lives under /api/v1; see the README for its endpoints');
}

export const GET = handler(unknownApi);
export const POST = handler(unknownApi);
export const PUT = handler(unknownApi);
export const PATCH = handler(unknownApi);
export const DELETE = handler(unknownApi);
