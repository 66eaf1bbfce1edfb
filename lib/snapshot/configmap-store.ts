import { gunzipSync, gzipSync } from 'node:zlib';
import { ApiException, CoreV1Api, KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { HopscopeError } from '@/lib/errors';
import { isSnapshotId } from './ids';
import { MAX_CONFIGMAP_PAYLOAD_BYTES, assertSnapshotSize, formatBytes, snapshotTooLarge } from './limits';
import { SnapshotSchema, parseStoredSnapshot, type Snapshot, type SnapshotSummary } from './schema';
import { newestFirst, pruneByPolicy, type RetentionPolicy, type SnapshotStore } from './store';

export const SNAPSHOT_LABELS = {
  'app.kubernetes.io/managed-by': 'hopscope',
  'hopscope.io/snapshot': 'true',
} as const;
const LABEL_SELECTOR = Object.entries(SNAPSHOT_LABELS)
  .map(([key, value]) => `${key}=${value}`)
  .join(',');

const PAYLOAD_KEY = 'snapshot.json.gz';
const NAME_PREFIX = 'hopscope-snapshot-';
const ANNOTATION = {
  id: 'hopscope.io/snapshot-id',
  createdAt: 'hopscope.io/created-at',
  storedAt: 'hopscope.io/stored-at',
  context: 'hopscope.io/context',
  redacted: 'hopscope.io/redacted',
  entry: 'hopscope.io/entry',
} as const;

/**
 * ConfigMap names are DNS subdomains (lowercase, digits, '-', '.'); base64url ids are not, so the name carries the
 * id's bytes in hex. The mapping is one-to-one, so a get never needs a list.
 */
export function configMapNameOf(id: string): string {
  return NAME_PREFIX + Buffer.from(id, 'base64url').toString('hex');
}

/** Summary fields live in annotations so that listing does not decompress every snapshot. */
function summaryOf(configMap: V1ConfigMap): SnapshotSummary | null {
  const a = configMap.metadata?.annotations ?? {};
  const id = a[ANNOTATION.id];
  const createdAt = a[ANNOTATION.createdAt];
  const storedAt = a[ANNOTATION.storedAt];
  if (!id || !createdAt || !storedAt || !isSnapshotId(id)) return null;
  return {
    id,
    createdAt,
    storedAt,
    context: a[ANNOTATION.context] ?? '',
    redacted: a[ANNOTATION.redacted] === 'true',
    entry: a[ANNOTATION.entry] || null,
  };
}

/** The Kubernetes verb behind each store operation, for error messages that say which RBAC rule is missing. */
type Verb = 'create' | 'get' | 'list' | 'delete';

/**
 * Snapshots as ConfigMaps in hopscope's own namespace (gzip + base64 in binaryData), for installs without a volume.
 * Needs create/get/list/delete on configmaps in that namespace (the chart's Role grants exactly that).
 */
export class ConfigMapSnapshotStore implements SnapshotStore {
  readonly kind = 'configmap';
  private readonly api: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
    private readonly retention: RetentionPolicy,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  async put(snapshot: Snapshot): Promise<void> {
    const json = JSON.stringify(SnapshotSchema.parse(snapshot));
    assertSnapshotSize(json);
    const payload = gzipSync(json);
    if (payload.length > MAX_CONFIGMAP_PAYLOAD_BYTES) {
      throw snapshotTooLarge(
        `snapshot is ${formatBytes(payload.length)} after gzip; a ConfigMap holds at most 1 MiB`,
        'share a narrower view (one context, fewer paths), or switch to the file store (HOPSCOPE_SNAPSHOT_STORE=file with a volume)',
      );
    }
    const body: V1ConfigMap = {
      metadata: {
        name: configMapNameOf(snapshot.id),
        namespace: this.namespace,
        labels: { ...SNAPSHOT_LABELS },
        annotations: {
          [ANNOTATION.id]: snapshot.id,
          [ANNOTATION.createdAt]: snapshot.createdAt,
          [ANNOTATION.storedAt]: snapshot.storedAt,
          [ANNOTATION.context]: snapshot.context,
          [ANNOTATION.redacted]: String(snapshot.redacted),
          [ANNOTATION.entry]: snapshot.entry ?? '',
        },
      },
      binaryData: { [PAYLOAD_KEY]: payload.toString('base64') },
    };
    await this.call('create', () => this.api.createNamespacedConfigMap({ namespace: this.namespace, body }));
    await this.prune();
  }

  async get(id: string): Promise<Snapshot | null> {
    if (!isSnapshotId(id)) return null;
    const name = configMapNameOf(id);
    const configMap = await this.call('get', () => this.api.readNamespacedConfigMap({ name, namespace: this.namespace }), {
      notFound: null,
    });
    if (configMap === null) return null;
    const payload = configMap.binaryData?.[PAYLOAD_KEY];
    if (!payload) throw new HopscopeError('snapshot_corrupt', `ConfigMap ${name} has no ${PAYLOAD_KEY}`);
    let text: string;
    try {
      text = gunzipSync(Buffer.from(payload, 'base64')).toString('utf8');
    } catch {
      throw new HopscopeError('snapshot_corrupt', `ConfigMap ${name}: ${PAYLOAD_KEY} is not gzip data`);
    }
    return parseStoredSnapshot(text, `ConfigMap ${name}`);
  }

  async list(): Promise<SnapshotSummary[]> {
    const list = await this.call('list', () =>
      this.api.listNamespacedConfigMap({ namespace: this.namespace, labelSelector: LABEL_SELECTOR }),
    );
    return list.items.flatMap((item) => summaryOf(item) ?? []).sort(newestFirst);
  }

  async delete(id: string): Promise<boolean> {
    if (!isSnapshotId(id)) return false;
    const name = configMapNameOf(id);
    const deleted = await this.call(
      'delete',
      async () => {
        await this.api.deleteNamespacedConfigMap({ name, namespace: this.namespace });
        return true;
      },
      { notFound: false },
    );
    return deleted;
  }

  async prune(now: Date = new Date()): Promise<string[]> {
    return pruneByPolicy(this, this.retention, now);
  }

  /** Runs one API call and maps Kubernetes failures to errors that name the missing permission or the cause. */
  private async call<T, F = never>(verb: Verb, run: () => Promise<T>, options?: { notFound: F }): Promise<T | F> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ApiException && err.code === 404 && options) return options.notFound;
      throw this.storeError(verb, err);
    }
  }

  private storeError(verb: Verb, err: unknown): HopscopeError {
    const where = `configmaps in namespace ${this.namespace}`;
    if (!(err instanceof ApiException)) {
      const detail = err instanceof Error ? err.message : String(err);
      return new HopscopeError(
        'snapshot_store_unreachable',
        `cannot ${verb} ${where}: ${detail}`,
        'check that the Kubernetes API server is reachable from hopscope',
      );
    }
    const code = err.code as number;
    if (code === 401 || code === 403) {
      return new HopscopeError(
        'snapshot_store_forbidden',
        `the Kubernetes API refused to ${verb} ${where} (HTTP ${code})`,
        `grant ${verb} on configmaps in namespace ${this.namespace} to the hopscope ServiceAccount`,
      );
    }
    if (code === 413) {
      return snapshotTooLarge(`the Kubernetes API rejected the snapshot as too large (HTTP 413)`, 'share a narrower view');
    }
    if (code === 404) {
      return new HopscopeError(
        'snapshot_store_unavailable',
        `cannot ${verb} ${where}: namespace not found`,
        'set HOPSCOPE_NAMESPACE to the namespace hopscope is installed in',
      );
    }
    return new HopscopeError(
      'snapshot_store_unavailable',
      `cannot ${verb} ${where}: Kubernetes API answered HTTP ${code}`,
      'see the hopscope log and the API server status',
    );
  }
}
