import Link from 'next/link';
import { SourceQuery } from '@/lib/contract/requests';
import { HopscopeError } from '@/lib/errors';
import { getInventory, listContexts } from '@/lib/k8s/inventory';
import type { ClusterInventory } from '@/lib/types';
import { ClusterSourcePicker } from '@/components/cluster/ClusterSourcePicker';
import { listScenarioOptions } from '@/components/dashboard/scenarios';
import { ClusterUnavailable, DiscoveryErrors, Ingresses, LoadBalancers, NodesTable, Services, SourceBanner } from '@/components/cluster/sections';

export const dynamic = 'force-dynamic';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ClusterPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  const parsed = SourceQuery.safeParse({
    context: typeof raw.context === 'string' ? raw.context : undefined,
    scenario: typeof raw.scenario === 'string' ? raw.scenario : undefined,
  });
  const query = parsed.success ? parsed.data : {};
  const contexts = listContexts();
  const scenarios = listScenarioOptions();

  let inventory: ClusterInventory | null = null;
  let failure: { code: string; message: string; hint: string | null } | null = parsed.success
    ? null
    : { code: 'bad_request', message: parsed.error.issues.map((i) => i.message).join('; '), hint: null };
  if (!failure) {
    try {
      inventory = await getInventory(query);
    } catch (err) {
      if (!(err instanceof HopscopeError)) throw err;
      failure = { code: err.code, message: err.message, hint: err.hint };
    }
  }

  return (
    <div className="min-h-screen">
      <header className="flex flex-wrap items-center justify-between gap-4 border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex items-baseline gap-3">
          <Link href="/" className="text-lg font-bold tracking-tight">
            hopscope
          </Link>
          <h1 className="text-sm text-slate-500 dark:text-slate-400">Cluster overview</h1>
        </div>
        <ClusterSourcePicker
          contexts={contexts}
          context={query.context ?? null}
          scenarios={scenarios}
          scenario={inventory?.source.scenario ?? query.scenario ?? null}
        />
      </header>
      <main className="mx-auto flex max-w-7xl flex-col gap-4 p-4">
        {failure || !inventory ? (
          <ClusterUnavailable code={failure?.code ?? 'internal'} message={failure?.message ?? 'no inventory'} hint={failure?.hint ?? null} />
        ) : (
          <>
            <SourceBanner source={inventory.source} />
            <DiscoveryErrors errors={inventory.errors} />
            <NodesTable inventory={inventory} />
            <LoadBalancers inventory={inventory} />
            <Services services={inventory.services} />
            <Ingresses ingresses={inventory.ingresses} />
          </>
        )}
      </main>
    </div>
  );
}
