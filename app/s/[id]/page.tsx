import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { SnapshotBanner } from '@/components/snapshot/SnapshotBanner';
import { SnapshotViewer } from '@/components/snapshot/SnapshotViewer';
import { isolatedNetString } from '@/components/ui/NetText';
import { findSnapshot } from '@/lib/snapshot/service';

export const dynamic = 'force-dynamic';

interface SnapshotPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: SnapshotPageProps): Promise<Metadata> {
  const snapshot = await findSnapshot((await params).id);
  // Share links are unlisted: keep them out of search engines even when hopscope is public. The context name is the
  // kubeconfig's (or the imported file's): a plain-text title gets it isolated, its bidi controls shown.
  return {
    title: snapshot ? `hopscope snapshot of ${isolatedNetString(snapshot.context)}` : 'hopscope: snapshot not found',
    robots: { index: false, follow: false },
  };
}

export default async function SnapshotPage({ params, searchParams }: SnapshotPageProps) {
  const snapshot = await findSnapshot((await params).id);
  if (!snapshot) notFound();
  const requested = (await searchParams).path;
  return (
    <main className="flex min-h-screen flex-col gap-4 p-4">
      <SnapshotBanner snapshot={snapshot} />
      <SnapshotViewer
        paths={snapshot.paths}
        trace={snapshot.trace}
        initialPathId={typeof requested === 'string' ? requested : snapshot.entry}
      />
    </main>
  );
}
