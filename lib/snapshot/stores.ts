import 'server-only';
import { config, type Config } from '@/lib/config';
import { HopscopeError } from '@/lib/errors';
import { log } from '@/lib/log';
import { resolveKubeTarget } from '@/lib/k8s/client';
import { ConfigMaps } from '@/lib/k8s/configmaps';
import { ConfigMapSnapshotStore } from './configmap-store';
import { FileSnapshotStore } from './file-store';
import type { SnapshotStore, StoreWarn } from './store';
import { processState } from '@/lib/process-state';

/** The store HOPSCOPE_SNAPSHOT_STORE selects; ConfigMaps go to hopscope's own cluster (in-cluster or current context). */
export function createSnapshotStore(cfg: Config): SnapshotStore {
  const retention = { maxCount: cfg.snapshotMaxCount, maxAgeDays: cfg.snapshotMaxAgeDays };
  const warn: StoreWarn = (message, fields) => log().warn(fields, message);
  if (cfg.snapshotStore === 'file') return new FileSnapshotStore(cfg.dataDir, retention, { warn });
  // The same credentials discovery uses: KUBECONFIG (possibly a list of files), ~/.kube/config, or the ServiceAccount.
  const target = resolveKubeTarget();
  if (!target) {
    throw new HopscopeError(
      'snapshot_store_unavailable',
      'the ConfigMap snapshot store needs a cluster, and none is configured',
      'run hopscope in its cluster or with a kubeconfig, or set HOPSCOPE_SNAPSHOT_STORE=file',
    );
  }
  return new ConfigMapSnapshotStore(new ConfigMaps(target.kubeConfig, cfg.namespace), retention, { warn });
}

/** The process-wide snapshot store: one per process, so concurrent writes from every route queue on one store. */
export function snapshotStore(): SnapshotStore {
  return processState('snapshot-store', () => createSnapshotStore(config()));
}
