import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

// A scenario file is a multi-document YAML manifest of real Kubernetes objects (what `kubectl get -o yaml`
// would show), led by one `kind: Scenario` header document that is not a Kubernetes object: it names and
// describes the scenario and may tune the fixture API server that serves it. See scenarios/README.md.

export const SCENARIO_API_VERSION = 'hopscope.dev/v1alpha1';

/** A Kubernetes object as found in a manifest: only the envelope is known here. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

const ScenarioHeader = z.object({
  apiVersion: z.literal(SCENARIO_API_VERSION),
  kind: z.literal('Scenario'),
  metadata: z.object({ name: z.string().regex(/^[a-z0-9-]{1,63}$/) }),
  spec: z.object({
    title: z.string().min(1),
    description: z.string().min(1),
    /** Where the setup comes from (article, tutorial, reference). */
    origin: z.string().optional(),
    /** Fixture API server tuning; ignored in demo mode. */
    fixture: z
      .object({
        /** Resources answered with 403, as `<plural>.<group>` (core: `<plural>`). */
        forbidden: z.array(z.string()).default([]),
        /** API groups served (empty lists) even without objects, e.g. an installed CRD with no objects yet. */
        apiGroups: z.array(z.string()).default([]),
      })
      .default({ forbidden: [], apiGroups: [] }),
  }),
});

export interface ScenarioMeta {
  id: string;
  title: string;
  description: string;
  origin?: string;
}

export interface ScenarioManifest {
  meta: ScenarioMeta;
  fixture: { forbidden: string[]; apiGroups: string[] };
  objects: ManifestObject[];
}

const ObjectEnvelope = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().optional() }).passthrough(),
  })
  .passthrough();

/** Parses a scenario manifest; throws with the document number on anything malformed. */
export function parseScenarioManifest(text: string, fileLabel = 'scenario'): ScenarioManifest {
  const docs = parseAllDocuments(text);
  const values: unknown[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${fileLabel}: document ${i + 1}: ${doc.errors[0]!.message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) values.push(value);
  });
  const [first, ...rest] = values;
  const header = ScenarioHeader.safeParse(first);
  if (!header.success) {
    throw new Error(`${fileLabel}: the first document must be a ${SCENARIO_API_VERSION} Scenario header`);
  }
  const objects = rest.map((value, i) => {
    const parsed = ObjectEnvelope.safeParse(value);
    if (!parsed.success) throw new Error(`${fileLabel}: document ${i + 2} is not a Kubernetes object`);
    return parsed.data as ManifestObject;
  });
  const { metadata, spec } = header.data;
  return {
    meta: { id: metadata.name, title: spec.title, description: spec.description, origin: spec.origin },
    fixture: spec.fixture,
    objects,
  };
}
