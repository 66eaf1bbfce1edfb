'use client';

import { useRouter } from 'next/navigation';
import { type SourcePickerProps, SourcePicker } from '@/components/ui/SourcePicker';

/** The source picker on the cluster overview: a choice loads the overview of that context or scenario. */
export function ClusterSourcePicker(props: Omit<SourcePickerProps, 'onPick'>) {
  const router = useRouter();
  return <SourcePicker {...props} onPick={(pick) => router.push(`/cluster?${new URLSearchParams(pick)}`)} />;
}
