import Link from 'next/link';
import { Suspense } from 'react';
import { Dashboard } from '@/components/dashboard/Dashboard';
import { listScenarioOptions } from '@/components/dashboard/scenarios';

export const dynamic = 'force-dynamic';

export default function Home() {
  const scenarios = listScenarioOptions();
  return (
    <div className="flex h-screen flex-col">
      <header className="flex items-center justify-between gap-4 border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex items-baseline gap-3">
          <h1 className="text-lg font-bold tracking-tight">hopscope</h1>
          <p className="hidden text-sm text-slate-500 sm:block dark:text-slate-400">which client address every hop into your cluster sees</p>
        </div>
        <nav className="flex items-center gap-3 text-sm">
          <Link href="/cluster" prefetch={false} className="font-medium text-sky-700 hover:underline dark:text-sky-300">
            Cluster overview →
          </Link>
        </nav>
      </header>
      <Suspense fallback={<p className="p-4 text-sm text-slate-500">Loading…</p>}>
        <Dashboard scenarios={scenarios} />
      </Suspense>
    </div>
  );
}
