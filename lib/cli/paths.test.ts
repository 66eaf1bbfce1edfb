// `hopscope paths` and `hopscope explain` as a user runs them: the real bin against the fixture API server on
// 127.0.0.1 (through a kubeconfig, as against a cluster) and against a demo scenario.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PathsResponseSchema } from '@/lib/contract/schemas';
import { startFixtureApiServer, type FixtureApiServer } from '@/test/fixture-apiserver/server';
import { getInventory } from '../k8s/inventory';
import { buildPaths } from '../model';
import { hopscope } from './run-bin';

const SCENARIO = 'spoofable-nginx';
const scenarioFile = path.join(import.meta.dirname, '..', '..', 'scenarios', `${SCENARIO}.yaml`);
const SLOW = 120_000;

let server: FixtureApiServer;
beforeAll(async () => {
  server = await startFixtureApiServer({ scenarioFile });
});
afterAll(async () => {
  await server.close();
});

const cluster = () => ['--kubeconfig', server.kubeconfigPath];

async function expectedVerdicts(): Promise<Record<string, string>> {
  const inventory = await getInventory({ scenario: SCENARIO, scenariosDir: path.dirname(scenarioFile) });
  return Object.fromEntries(buildPaths(inventory).map((p) => [p.id, p.verdict]));
}

describe('hopscope paths', () => {
  it(
    'answers in every -o format from a cluster: json and yaml are GET /api/v1/paths, table and wide for people',
    async () => {
      const [json, yaml, table, wide, filtered] = await Promise.all([
        hopscope(['paths', ...cluster(), '-o', 'json']),
        hopscope(['paths', ...cluster(), '-o', 'yaml']),
        hopscope(['paths', ...cluster()]),
        hopscope(['paths', ...cluster(), '-o', 'wide', '--context', server.contextName]),
        hopscope(['paths', ...cluster(), '-o', 'json', '-n', 'hopscope', '--verdict', 'preserved,header']),
      ]);
      for (const r of [json, yaml, table, wide, filtered]) expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
      const answer = PathsResponseSchema.parse(JSON.parse(json.stdout));
      expect(answer.source).toMatchObject({ mode: 'kubeconfig', context: server.contextName });
      expect(answer.errors).toEqual([]);
      // Discovered through the API, the scenario's objects give the same verdicts as the demo of that scenario.
      expect(Object.fromEntries(answer.paths.map((p) => [p.id, p.verdict]))).toEqual(await expectedVerdicts());
      expect(answer.total).toBe(answer.paths.length);
      expect(PathsResponseSchema.parse(parse(yaml.stdout))).toEqual(answer);

      const rows = table.stdout.trim().split('\n');
      expect(rows[0]).toMatch(/^VERDICT\s+KIND\s+NAMESPACE\s+NAME\s+ENTRY\s+FINDINGS$/);
      expect(rows).toHaveLength(answer.paths.length + 3);
      expect(rows.at(-1)).toBe(`${answer.paths.length} paths in context ${server.contextName}`);
      // No colour when stdout is not a terminal.
      expect(table.stdout).not.toContain('\x1b[');
      expect(wide.stdout.split('\n')[0]).toMatch(/APP SEES\s+IN-CLUSTER\s+FINDINGS\s+ID$/);
      for (const p of answer.paths) expect(wide.stdout).toContain(p.id);

      const only = PathsResponseSchema.parse(JSON.parse(filtered.stdout));
      expect(only.total).toBe(answer.total);
      expect(only.paths.length).toBeGreaterThan(0);
      expect(only.paths.every((p) => p.entry.namespace === 'hopscope' && ['preserved', 'header'].includes(p.verdict))).toBe(true);
    },
    SLOW,
  );

  it(
    'reads a demo scenario with --scenario, and exits 1 with the missing resources when discovery was partial',
    async () => {
      server.setForbidden(['configmaps']);
      const [demo, partial] = await Promise.all([hopscope(['paths', '--scenario', SCENARIO, '-o', 'json']), hopscope(['paths', ...cluster()])]);
      server.setForbidden([]);
      expect(demo.code).toBe(0);
      const answer = PathsResponseSchema.parse(JSON.parse(demo.stdout));
      expect(answer.source).toMatchObject({ mode: 'demo', scenario: SCENARIO });
      expect(Object.fromEntries(answer.paths.map((p) => [p.id, p.verdict]))).toEqual(await expectedVerdicts());
      expect(partial.code).toBe(1);
      expect(partial.stdout).toContain('VERDICT');
      expect(partial.stderr).toMatch(/^hopscope: discovery missed configmaps/m);
    },
    SLOW,
  );

  it(
    'exits 2 on usage errors and without a cluster, with one message and no stack trace',
    async () => {
      const [format, noCluster, context, verdict] = await Promise.all([
        hopscope(['paths', '-o', 'xml', '--scenario', SCENARIO]),
        hopscope(['paths']),
        hopscope(['paths', ...cluster(), '--context', 'nope']),
        hopscope(['paths', '--scenario', SCENARIO, '--verdict', 'fine']),
      ]);
      expect(format).toMatchObject({ code: 2, stdout: '', stderr: 'hopscope: -o must be one of table, wide, json, yaml, got "xml"\n' });
      expect(noCluster.code).toBe(2);
      expect(noCluster.stderr).toContain('no cluster to read');
      expect(noCluster.stderr).toContain('--scenario');
      expect(context.code).toBe(2);
      expect(context.stderr).toContain(`context "nope" does not exist in the kubeconfig\nhint: known contexts: ${server.contextName}`);
      expect(verdict).toMatchObject({ code: 2, stdout: '' });
      for (const r of [format, noCluster, context, verdict]) expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    SLOW,
  );
});

describe('hopscope explain', () => {
  it(
    'tells one path hop by hop with its findings and fixes, chosen by host, id or address:port',
    async () => {
      const id = 'loadBalancer:ingress-nginx/ingress-nginx-controller:198.51.100.50:80@wk-a';
      const [byHost, byId, byAddress] = await Promise.all([
        hopscope(['explain', 'echo.example.com', '--scenario', SCENARIO]),
        hopscope(['explain', id, ...cluster()]),
        hopscope(['explain', '198.51.100.50:443', '--scenario', SCENARIO]),
      ]);
      expect(byHost.code, byHost.stderr).toBe(0);
      expect(byHost.stdout).toMatch(/^path ingress:hopscope\/hopscope-echo:echo\.example\.com:/);
      expect(byHost.stdout).toContain('  verdict   spoofable\n');
      expect(byHost.stdout).toMatch(/\n {2}4\. ingressController ingress-nginx-controller-/);
      expect(byHost.stdout).toContain('proxy-real-ip-cidr: 0.0.0.0/0');
      expect(byHost.stdout).toContain('  error forwarded-headers-trust-all');
      expect(byHost.stdout).toContain('    fix:\n      ConfigMap ingress-nginx/ingress-nginx-controller:\n        proxy-real-ip-cidr: "192.0.2.0/24"');
      expect(byId).toMatchObject({ code: 0, stderr: '' });
      expect(byId.stdout.split('\n')[0]).toBe(`path ${id}`);
      // 198.51.100.50:80 would be two paths (the LoadBalancer and the Ingress behind it); :443 is one.
      expect(byAddress.stdout.split('\n')[0]).toBe(`path ${id.replace(':80@', ':443@')}`);
    },
    SLOW,
  );

  it(
    'lists the candidates of an ambiguous or unknown selector and exits 2',
    async () => {
      const [ambiguous, unknown] = await Promise.all([
        hopscope(['explain', '198.51.100.50', '--scenario', SCENARIO]),
        hopscope(['explain', 'nothing.example.com', '--scenario', SCENARIO]),
      ]);
      expect(ambiguous).toMatchObject({ code: 2, stdout: '' });
      expect(ambiguous.stderr).toContain('hopscope: "198.51.100.50" matches 3 paths; give one of their ids:\n');
      expect(ambiguous.stderr).toContain('\n  loadBalancer:ingress-nginx/ingress-nginx-controller:198.51.100.50:443@wk-a  (spoofable)\n');
      expect(unknown).toMatchObject({ code: 2, stdout: '' });
      expect(unknown.stderr).toContain('no path matches "nothing.example.com"');
      expect(unknown.stderr).toContain('  clusterIP:hopscope/hopscope-echo:80  (preserved)');
    },
    SLOW,
  );
});
