'use client';

import dynamic from 'next/dynamic';

/** The hop graph, loaded on the client only and after the page itself: React Flow is not in the first-load bundle. */
export const LazyHopGraph = dynamic(() => import('./HopGraph'), {
  ssr: false,
  loading: () => <p className="p-4 text-sm text-slate-500">Drawing the graph…</p>,
});
