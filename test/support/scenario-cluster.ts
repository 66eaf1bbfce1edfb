// A demo scenario's objects, changed the way a test case needs, through discovery's normaliser: rule tests start from
// a realistic cluster and differ from it in one setting.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseScenarioManifest, type ManifestObject } from '@/lib/demo/manifest';
import { normalizeInventory } from '@/lib/k8s/normalize';
import { rawObjectsFromManifest } from '@/lib/k8s/raw';
import type { ClusterInventory } from '@/lib/types';

const DIR = path.join(import.meta.dirname, '..', '..', 'scenarios');

export type Edit = (objects: ManifestObject[]) => ManifestObject[];

export function scenarioObjects(id: string): ManifestObject[] {
  return parseScenarioManifest(readFileSync(path.join(DIR, `${id}.yaml`), 'utf8'), `${id}.yaml`).objects;
}

export function scenarioInventory(id: string, ...edits: Edit[]): ClusterInventory {
  const objects = edits.reduce((acc, edit) => edit(acc), structuredClone(scenarioObjects(id)));
  return normalizeInventory(rawObjectsFromManifest(objects), {
    source: { mode: 'demo', context: `demo/${id}`, server: '', scenario: id },
    errors: [],
    discoveredAt: '2026-01-01T00:00:00.000Z',
    durationMs: 0,
  });
}

type Meta = { metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> } };

/** Changes the one object of `kind` named `name` (in `namespace` when given). */
export function patch(kind: string, name: string, change: (o: Record<string, any>) => void, namespace?: string): Edit {
  return (objects) => {
    const target = objects.find((o) => o.kind === kind && (o as Meta).metadata?.name === name && (namespace === undefined || (o as Meta).metadata?.namespace === namespace));
    if (!target) throw new Error(`no ${kind} ${name} in the scenario`);
    change(target as Record<string, any>);
    return objects;
  };
}

export function annotate(kind: string, name: string, annotations: Record<string, string | null>): Edit {
  return patch(kind, name, (o) => {
    const current: Record<string, string> = { ...(o.metadata.annotations ?? {}) };
    for (const [k, v] of Object.entries(annotations)) {
      if (v === null) delete current[k];
      else current[k] = v;
    }
    o.metadata.annotations = current;
  });
}

export const add = (...added: ManifestObject[]): Edit => (objects) => [...objects, ...added];
