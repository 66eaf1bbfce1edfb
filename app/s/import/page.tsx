import type { Metadata } from 'next';
import { ImportSnapshot } from '@/components/snapshot/ImportSnapshot';

export const metadata: Metadata = { title: 'hopscope: import a snapshot' };

export default function ImportSnapshotPage() {
  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-4 p-8">
      <h1 className="text-xl font-semibold">Import a snapshot</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Open a snapshot someone exported from hopscope. The file is checked against the snapshot format and shown
        read-only under a new link; nothing in it is sent to any cluster.
      </p>
      <ImportSnapshot />
    </main>
  );
}
