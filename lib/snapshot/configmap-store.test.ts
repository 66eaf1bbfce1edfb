import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureApiServer, type FixtureApiServer } from '@/test/fixture-apiserver/server';
import { ConfigMapCallError, ConfigMaps } from '@/lib/k8s/configmaps';
import { sampleSnapshot } from '@/test/support/samples';
import { ConfigMapSnapshotStore, configMapNameOf, SNAPSHOT_LABELS } from './configmap-store';
import { newSnapshotId } from './ids';
import { describeSnapshotStoreContract } from './store.contract';

// Runs against the fixture API server over HTTPS through a real kubeconfig, as in a cluster.

let apiServer: FixtureApiServer;
let kubeConfig: KubeConfig;
let namespaces = 0;

beforeAll(async () => {
  apiServer = await startFixtureApiServer();
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(apiServer.kubeconfigPath);
});
afterAll(async () => {
  await apiServer.close();
});

/** Each store gets its own namespace, so tests never see each other's snapshots. */
const freshStore = (retention = { maxCount: 1000, maxAgeDays: 0 }) =>
  new ConfigMapSnapshotStore(new ConfigMaps(kubeConfig, `snapshots-${++namespaces}`), retention);

describeSnapshotStoreContract('ConfigMap store', (retention) => freshStore(retention));

describe('ConfigMap store objects', () => {
  it('stores a labelled ConfigMap with the gzipped snapshot in binaryData', async () => {
    const store = freshStore();
    const snapshot = sampleSnapshot();
    await store.put(snapshot);
    const api = kubeConfig.makeApiClient(CoreV1Api);
    const configMap = await api.readNamespacedConfigMap({ name: configMapNameOf(snapshot.id), namespace: store.namespace });
    expect(configMap.metadata?.labels).toEqual(SNAPSHOT_LABELS);
    expect(configMap.data).toBeUndefined();
    const payload = configMap.binaryData?.['snapshot.json.gz'];
    expect(JSON.parse(gunzipSync(Buffer.from(payload ?? '', 'base64')).toString('utf8'))).toEqual(snapshot);
  });

  it('maps ids to valid ConfigMap names one-to-one', () => {
    const ids = Array.from({ length: 200 }, newSnapshotId);
    const names = ids.map(configMapNameOf);
    expect(new Set(names).size).toBe(ids.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(253);
  });

  it('refuses a snapshot that will not fit a ConfigMap with a 413 that names the limit', async () => {
    const store = freshStore();
    // Random base64 barely compresses: 1.6 MB of it stays above 1 MiB after gzip.
    const big = sampleSnapshot({ whatIf: [randomBytes(1_200_000).toString('base64')] });
    await expect(store.put(big)).rejects.toMatchObject({
      status: 413,
      code: 'snapshot_too_large',
      message: expect.stringMatching(/after gzip; a ConfigMap holds at most 1 MiB/),
    });
    expect(await store.list()).toEqual([]);
  });

  it('says which permission is missing when the API forbids ConfigMaps', async () => {
    const store = freshStore();
    apiServer.setForbidden(['configmaps']);
    try {
      await expect(store.put(sampleSnapshot())).rejects.toMatchObject({
        status: 503,
        code: 'snapshot_store_forbidden',
        hint: expect.stringContaining(`grant create on configmaps in namespace ${store.namespace}`),
      });
      await expect(store.list()).rejects.toMatchObject({ code: 'snapshot_store_forbidden' });
    } finally {
      apiServer.setForbidden([]);
    }
  });

  it('does not fail a put whose ConfigMap was created when pruning then fails; it logs that', async () => {
    /** An API that creates and reads ConfigMaps but refuses to list them, as a Role without "list" would. */
    class NoList extends ConfigMaps {
      override async list(): Promise<never> {
        throw new ConfigMapCallError('list', 403, 'forbidden');
      }
    }
    const warnings: unknown[][] = [];
    const store = new ConfigMapSnapshotStore(new NoList(kubeConfig, `snapshots-${++namespaces}`), { maxCount: 10, maxAgeDays: 0 }, { warn: (...args) => warnings.push(args) });
    const snapshot = sampleSnapshot();
    await expect(store.put(snapshot)).resolves.toBeUndefined();
    expect(await store.get(snapshot.id)).toEqual(snapshot);
    expect(warnings).toEqual([[expect.stringMatching(/pruning old snapshots failed/), expect.objectContaining({ id: snapshot.id })]]);
  });

  it('reports an unreachable API server as snapshot_store_unreachable', async () => {
    const unreachable = new KubeConfig();
    unreachable.loadFromString(apiServer.kubeconfig({ server: 'https://127.0.0.1:9' }));
    const store = new ConfigMapSnapshotStore(new ConfigMaps(unreachable, 'snapshots'), { maxCount: 10, maxAgeDays: 0 });
    await expect(store.list()).rejects.toMatchObject({ status: 503, code: 'snapshot_store_unreachable' });
  });
});
