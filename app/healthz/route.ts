// Liveness: the process serves requests. No Kubernetes call here, so a flaky apiserver never restarts us.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' });
}
