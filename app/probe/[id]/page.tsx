import type { Metadata } from 'next';
import { BrowserProbeRunner } from '@/components/probe/BrowserProbeRunner';
import { probePageProbes } from '@/lib/graph/browser-probe';
import { probePageConnect } from '@/lib/http/guard';
import { getOutsidePlan } from '@/lib/probe/outside';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'hopscope: probes from this browser', robots: { index: false, follow: false } };

interface ProbePageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function queryOf(search: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(search)) for (const v of [value ?? []].flat()) params.append(name, v);
  return params;
}

/**
 * The page that sends one part of a browser plan, framed by the dashboard (hidden). Its CSP (proxy.ts) lets it
 * connect to the origins its address names; it runs only when those are exactly origins of this trace's open plan,
 * and only the probes to them.
 */
export default async function ProbePage({ params, searchParams }: ProbePageProps) {
  const { id } = await params;
  const connect = probePageConnect(queryOf(await searchParams));
  const plan = await getOutsidePlan(id);
  const probes = plan && connect ? probePageProbes(plan, connect) : null;
  if (!probes) {
    const reason = !plan
      ? 'there is no open browser trace with this id (it may have expired or closed)'
      : 'this address asks to reach origins that are not in the trace’s plan';
    return (
      <main className="p-4 text-sm">
        <p data-testid="probe-page-refused" data-reason={reason}>
          hopscope sends nothing from this page: {reason}. Start browser probes from the dashboard.
        </p>
        <BrowserProbeRunner traceId={id} probes={[]} refusal={reason} />
      </main>
    );
  }
  return (
    <main className="p-4 text-sm">
      <BrowserProbeRunner traceId={id} probes={probes} refusal={null} />
    </main>
  );
}
