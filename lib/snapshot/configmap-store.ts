import { gunzipSync, gzipSync } from 'node:zlib';
import { HopscopeError } from '@/lib/errors';
import { ConfigMapCallError, ConfigMaps, type StoredConfigMap } from '@/lib/k8s/configmaps';
import { isSnapshotId } from './ids';
import { MAX_CONFIGMAP_PAYLOAD_BYTES, assertSnapshotSize, formatBytes, snapshotTooLarge } from './limits';
import { SnapshotSchema, parseStoredSnapshot, type Snapshot, type SnapshotSummary } from './schema';
import { newestFirst, pruneByPolicy, warnOnStderr, type RetentionPolicy, type SnapshotStore, type StoreWarn } from './store';

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
  importedAt: 'hopscope.io/imported-at',
  originalId: 'hopscope.io/original-id',
} as const;

/**
 * ConfigMap names are DNS subdomains (lowercase, digits, '-', '.'); base64url ids are not, so the name carries the
 * id's bytes in hex. The mapping is one-to-one, so a get never needs a list.
 */
export function configMapNameOf(id: string): string {
  return NAME_PREFIX + Buffer.from(id, 'base64url').toString('hex');
}

/** Summary fields live in annotations so that listing does not decompress every snapshot. */
function summaryOf(configMap: StoredConfigMap): SnapshotSummary | null {
  const a = configMap.annotations;
  const id = a[ANNOTATION.id];
  const createdAt = a[ANNOTATION.createdAt];
  const storedAt = a[ANNOTATION.storedAt];
  if (!id || !createdAt || !storedAt || !isSnapshotId(id)) return null;
  const importedAt = a[ANNOTATION.importedAt];
  const originalId = a[ANNOTATION.originalId];
  return {
    id,
    createdAt,
    storedAt,
    context: a[ANNOTATION.context] ?? '',
    redacted: a[ANNOTATION.redacted] === 'true',
    entry: a[ANNOTATION.entry] || null,
    ...(importedAt && originalId ? { imported: { at: importedAt, originalId } } : {}),
  };
}

/**
 * Snapshots as ConfigMaps in hopscope's own namespace (gzip + base64 in binaryData), for installs without a volume.
 * Needs create/get/list/delete on configmaps in that namespace (the chart's Role grants exactly that).
 */
export class ConfigMapSnapshotStore implements SnapshotStore {
  readonly kind = 'configmap';
  readonly namespace: string;

  private readonly warn: StoreWarn;

  constructor(
    private readonly configMaps: ConfigMaps,
    private readonly retention: RetentionPolicy,
    options: { warn?: StoreWarn } = {},
  ) {
    this.namespace = configMaps.namespace;
    this.warn = options.warn ?? warnOnStderr;
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
    const body: StoredConfigMap = {
      name: configMapNameOf(snapshot.id),
      labels: { ...SNAPSHOT_LABELS },
      annotations: {
        [ANNOTATION.id]: snapshot.id,
        [ANNOTATION.createdAt]: snapshot.createdAt,
        [ANNOTATION.storedAt]: snapshot.storedAt,
        [ANNOTATION.context]: snapshot.context,
        [ANNOTATION.redacted]: String(snapshot.redacted),
        [ANNOTATION.entry]: snapshot.entry ?? '',
        ...(snapshot.imported ? { [ANNOTATION.importedAt]: snapshot.imported.at, [ANNOTATION.originalId]: snapshot.imported.originalId } : {}),
      },
      binaryData: { [PAYLOAD_KEY]: payload.toString('base64') },
    };
    await this.call(() => this.configMaps.create(body));
    // The snapshot is stored; a failing prune (list or delete refused, API gone) must not turn that into an error.
    await this.prune().catch((err: unknown) =>
      this.warn('snapshot stored, but pruning old snapshots failed', { id: snapshot.id, error: err instanceof Error ? err.message : String(err) }),
    );
  }

  async get(id: string): Promise<Snapshot | null> {
    if (!isSnapshotId(id)) return null;
    const name = configMapNameOf(id);
    const configMap = await this.call(() => this.configMaps.read(name));
    if (configMap === null) return null;
    const payload = configMap.binaryData[PAYLOAD_KEY];
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
    const items = await this.call(() => this.configMaps.list(LABEL_SELECTOR));
    return items.flatMap((item) => summaryOf(item) ?? []).sort(newestFirst);
  }

  async delete(id: string): Promise<boolean> {
    if (!isSnapshotId(id)) return false;
    const name = configMapNameOf(id);
    return this.call(() => this.configMaps.delete(name));
  }

  async prune(now: Date = new Date()): Promise<string[]> {
    return pruneByPolicy(this, this.retention, now);
  }

  /** Runs one ConfigMap call and turns its failure into an error that names the missing permission or the cause. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw err instanceof ConfigMapCallError ? this.storeError(err) : err;
    }
  }

  private storeError({ verb, status: code, message: detail }: ConfigMapCallError): HopscopeError {
    const where = `configmaps in namespace ${this.namespace}`;
    if (code === null) {
      return new HopscopeError(
        'snapshot_store_unreachable',
        `cannot ${verb} ${where}: ${detail}`,
        'check that the Kubernetes API server is reachable from hopscope',
      );
    }
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
