import 'server-only';
import { KubeConfig } from '@kubernetes/client-node';
import { config, type Config } from '@/lib/config';
import { ConfigMapSnapshotStore } from './configmap-store';
import { FileSnapshotStore } from './file-store';
import type { SnapshotStore } from './store';

/** The store HOPSCOPE_SNAPSHOT_STORE selects; ConfigMaps go to hopscope's own cluster (in-cluster or current context). */
export function createSnapshotStore(cfg: Config): SnapshotStore {
  const retention = { maxCount: cfg.snapshotMaxCount, maxAgeDays: cfg.snapshotMaxAgeDays };
  if (cfg.snapshotStore === 'file') return new FileSnapshotStore(cfg.dataDir, retention);
  const kubeConfig = new KubeConfig();
  // KUBECONFIG (possibly a list of files), then ~/.kube/config, then the in-cluster ServiceAccount.
  kubeConfig.loadFromDefault();
  return new ConfigMapSnapshotStore(kubeConfig, cfg.namespace, retention);
}

let store: SnapshotStore | null = null;

/** The process-wide snapshot store. */
export function snapshotStore(): SnapshotStore {
  store ??= createSnapshotStore(config());
  return store;
}
