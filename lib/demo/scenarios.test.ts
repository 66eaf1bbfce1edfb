import { readdirSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressInRange } from '../k8s/addresses';
import { generateLargeScenario } from './large';
import { parseScenarioManifest } from './manifest';
import { listScenarios, loadScenario } from './scenarios';

const dir = path.join(import.meta.dirname, '..', '..', 'scenarios');
const header = 'apiVersion: hopscope.dev/v1alpha1\nkind: Scenario\nmetadata: { name: t }\nspec: { title: T, description: D }\n';

describe('scenario manifests', () => {
  it('lists every file in scenarios/ by its header id (= file name), then the generated large one', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''))
      .sort((a, b) => a.localeCompare(b));
    const listed = listScenarios(dir);
    expect(listed.map((s) => s.id)).toEqual([...files, 'large']);
    for (const s of listed) expect(s.title.length).toBeGreaterThan(0);
  });

  it('loads a scenario by id and rejects unknown ids with the known ones as hint', () => {
    expect(loadScenario('gke-local', dir).objects.length).toBeGreaterThan(5);
    expect(() => loadScenario('nope', dir)).toThrow(expect.objectContaining({ code: 'unknown_scenario', status: 404, hint: expect.stringContaining('gke-local') }));
  });

  it.each([
    ['no header', 'apiVersion: v1\nkind: Node\nmetadata: { name: n }\n', /first document must be/],
    ['a document without metadata.name', `${header}---\napiVersion: v1\nkind: Node\n`, /document 2 is not a Kubernetes object/],
    ['broken YAML', `${header}---\nkind: [unclosed\n`, /document 2/],
  ])('refuses %s', (_label, text, message) => {
    expect(() => parseScenarioManifest(text, 'x.yaml')).toThrow(message);
  });

  it('reads the fixture options and skips empty documents', () => {
    const manifest = parseScenarioManifest(
      'apiVersion: hopscope.dev/v1alpha1\nkind: Scenario\nmetadata: { name: t }\nspec:\n  title: T\n  description: D\n  fixture: { forbidden: [services] }\n---\n---\napiVersion: v1\nkind: Node\nmetadata: { name: n }\n',
    );
    expect(manifest.fixture).toEqual({ forbidden: ['services'], apiGroups: [] });
    expect(manifest.objects.map((o) => o.metadata.name)).toEqual(['n']);
  });

  it('uses only documentation, benchmark and lab ranges for addresses in every scenario file', () => {
    const allowed = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '10.244.0.0/16', '10.96.0.0/16', '0.0.0.0/0'];
    for (const s of listScenarios(dir)) {
      const text = JSON.stringify(loadScenario(s.id, dir).objects);
      const candidates = text.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? [];
      const ips = candidates.filter((c) => isIPv4(c));
      const foreign = ips.filter(
        (ip) => !allowed.some((range) => addressInRange(ip, range)) && !(s.id === 'large' && addressInRange(ip, '198.18.0.0/15')),
      );
      expect({ scenario: s.id, foreign }).toEqual({ scenario: s.id, foreign: [] });
    }
  });
});

describe('generated large scenario', () => {
  it('has the asked-for nodes and Services, an EndpointSlice and two pods per Service', () => {
    const { objects, meta } = generateLargeScenario({ nodes: 100, services: 400 });
    const count = (kind: string) => objects.filter((o) => o.kind === kind).length;
    expect(meta.id).toBe('large');
    expect([count('Node'), count('Service'), count('EndpointSlice'), count('Pod'), count('Ingress')]).toEqual([100, 400, 400, 801, 20]);
    const names = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });
});
