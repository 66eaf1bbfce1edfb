import { handler } from '@/lib/api';
import { metrics } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

/** Prometheus exposition of hopscope's own metrics (discovery time and errors, traces, probe outcomes). */
export const GET = handler(async () => {
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType } });
});
