import { randomUUID } from 'node:crypto';
import type { ManifestObject } from '@/lib/demo/manifest';
import type { ResourceType } from './resources';

// The fixture's etcd: objects per resource type under their namespace/name key, one resourceVersion counter
// for all of them, and every change reported to one listener (the watch fan-out).

export type StoredObject = ManifestObject & { metadata: ManifestObject['metadata'] & { resourceVersion: string; uid: string } };

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type ChangeListener = (type: ChangeType, resource: ResourceType, object: StoredObject) => void;

const keyOf = (namespace: string | null | undefined, name: string) => `${namespace ?? ''}/${name}`;

export class ObjectStore {
  private readonly objects = new Map<ResourceType, Map<string, StoredObject>>();
  /** Objects per resource in etcd key order (namespace/name), rebuilt after a change; pages are cut from it. */
  private readonly sorted = new Map<ResourceType, StoredObject[]>();
  private version = 1;

  constructor(private readonly changed: ChangeListener) {}

  get resourceVersion(): string {
    return String(this.version);
  }

  get(resource: ResourceType, namespace: string | null, name: string): StoredObject | undefined {
    return this.objects.get(resource)?.get(keyOf(namespace, name));
  }

  /** Stores a copy under a new resourceVersion; `uid` keeps an updated object's identity. */
  put(resource: ResourceType, object: ManifestObject, uid?: string): StoredObject {
    const stored = structuredClone(object) as StoredObject;
    stored.metadata.resourceVersion = String(++this.version);
    stored.metadata.uid = uid ?? (typeof object.metadata.uid === 'string' ? object.metadata.uid : randomUUID());
    stored.metadata.creationTimestamp ??= new Date().toISOString();
    let bucket = this.objects.get(resource);
    if (!bucket) this.objects.set(resource, (bucket = new Map()));
    const key = keyOf(stored.metadata.namespace, stored.metadata.name);
    const type = bucket.has(key) ? 'MODIFIED' : 'ADDED';
    bucket.set(key, stored);
    this.sorted.delete(resource);
    this.changed(type, resource, stored);
    return stored;
  }

  delete(resource: ResourceType, object: StoredObject): void {
    this.objects.get(resource)?.delete(keyOf(object.metadata.namespace, object.metadata.name));
    this.sorted.delete(resource);
    this.changed('DELETED', resource, object);
  }

  inKeyOrder(resource: ResourceType): StoredObject[] {
    let list = this.sorted.get(resource);
    if (!list) {
      const keyed = [...(this.objects.get(resource)?.values() ?? [])].map((o) => [keyOf(o.metadata.namespace, o.metadata.name), o] as const);
      list = keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
      this.sorted.set(resource, list);
    }
    return list;
  }
}
