import { metrics } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

/** Prometheus exposition of hopscope's own metrics (discovery time and errors, traces, probe outcomes). */
export async function GET() {
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType } });
}
