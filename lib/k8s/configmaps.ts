import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { httpStatus, statusMessage } from './errors';

// ConfigMap CRUD in one namespace, for the snapshot store: the only place hopscope writes to a cluster. Failures
// leave as ConfigMapCallError with the verb and the HTTP status, so callers can name the missing RBAC rule.

export type ConfigMapVerb = 'create' | 'get' | 'list' | 'delete';

export class ConfigMapCallError extends Error {
  constructor(
    readonly verb: ConfigMapVerb,
    /** HTTP status of the apiserver's answer; null when there was none (unreachable, TLS, timeout). */
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigMapCallError';
  }
}

/** A ConfigMap as the snapshot store needs it: plain data, so no `V1*` type leaves lib/k8s. */
export interface StoredConfigMap {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** base64 values, as Kubernetes keeps them. */
  binaryData: Record<string, string>;
}

const plain = (c: V1ConfigMap): StoredConfigMap => ({
  name: c.metadata?.name ?? '',
  labels: c.metadata?.labels ?? {},
  annotations: c.metadata?.annotations ?? {},
  binaryData: c.binaryData ?? {},
});

export class ConfigMaps {
  private readonly api: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  async create({ name, labels, annotations, binaryData }: StoredConfigMap): Promise<void> {
    const body: V1ConfigMap = { metadata: { name, namespace: this.namespace, labels, annotations }, binaryData };
    await this.call('create', () => this.api.createNamespacedConfigMap({ namespace: this.namespace, body }));
  }

  /** null when there is no ConfigMap of that name. */
  async read(name: string): Promise<StoredConfigMap | null> {
    const found = await this.call('get', () => this.api.readNamespacedConfigMap({ name, namespace: this.namespace }), null);
    return found && plain(found);
  }

  async list(labelSelector: string): Promise<StoredConfigMap[]> {
    const list = await this.call('list', () => this.api.listNamespacedConfigMap({ namespace: this.namespace, labelSelector }));
    return list.items.map(plain);
  }

  /** false when there was nothing to delete. */
  async delete(name: string): Promise<boolean> {
    return this.call(
      'delete',
      async () => {
        await this.api.deleteNamespacedConfigMap({ name, namespace: this.namespace });
        return true;
      },
      false,
    );
  }

  /** Runs one call; a 404 answers `notFound` when the caller gave one, every other failure is a ConfigMapCallError. */
  private async call<T, F = never>(verb: ConfigMapVerb, run: () => Promise<T>, ...notFound: [F] | []): Promise<T | F> {
    try {
      return await run();
    } catch (err) {
      const status = httpStatus(err);
      if (status === 404 && notFound.length > 0) return notFound[0] as F;
      const detail = status === null ? (err instanceof Error ? err.message : String(err)) : (statusMessage(err) ?? `HTTP ${status}`);
      throw new ConfigMapCallError(verb, status, detail);
    }
  }
}
