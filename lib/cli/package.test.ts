// The npm package as a user gets it: `npm pack` of this repository (after `npm run build`), installed into an empty
// folder with no network (the package has no dependencies), its bins run from there. Against the fixture API
// server, on the demo scenarios' manifests, on `helm template` of the project's own chart, and as the dashboard:
// the verdicts must be the product's own, not a second model's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PathsResponseSchema } from '@/lib/contract/schemas';
import { startBuiltServer } from '@/test/support/built-server';
import { startFixtureApiServer, type FixtureApiServer } from '@/test/fixture-apiserver/server';
import { sarifErrors } from '@/test/support/sarif';
import { ensureHelm } from '../../scripts/helm.mjs';
import { KREW_PLATFORMS, krewManifest } from '../../scripts/krew-manifest.mjs';
import { getInventory } from '../k8s/inventory';
import { buildPaths } from '../model';
import { assumeInventory } from './assume';
import { readManifests } from './manifests';
import { hopscope } from './run-bin';

const ROOT = path.join(import.meta.dirname, '..', '..');
const SCENARIOS = path.join(ROOT, 'scenarios');
const SLOW = 180_000;
const verdictsOf = (paths: readonly { id: string; verdict: string }[]) => Object.fromEntries(paths.map((p) => [p.id, p.verdict]));

let scratch: string;
let app: string;
let bin: string;
let kubectlBin: string;
let tarball: string;
let installed: { name: string; version: string; bin: Record<string, string>; dependencies?: object; files?: string[] };

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, '.next', 'standalone', 'server.js'))) throw new Error('the dashboard is not built: run `npm run build` first (npm test does)');
  scratch = mkdtempSync(path.join(os.tmpdir(), 'hopscope-package-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch], ROOT, { HOPSCOPE_PACK_REUSE_BUILD: '1' })) as { filename: string }[];
  app = path.join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{ "private": true }\n');
  tarball = path.join(scratch, packed[0]!.filename);
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], app);
  bin = path.join(app, 'node_modules', '.bin', 'hopscope');
  kubectlBin = path.join(app, 'node_modules', '.bin', 'kubectl-hopscope');
  installed = JSON.parse(readFileSync(path.join(app, 'node_modules', 'hopscope', 'package.json'), 'utf8'));
}, 300_000);
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const packaged = (args: string[], options: Parameters<typeof hopscope>[1] = {}) => hopscope(args, { cwd: app, ...options, bin });

/** A directory of one manifest file, as a pull request's before or after side. */
function clusterDir(name: string, manifest: string): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'cluster.yaml'), manifest);
  return dir;
}

describe('the npm package', () => {
  it('holds the bundled CLI and the built dashboard, no TypeScript and no dependencies, and answers as hopscope and kubectl hopscope', async () => {
    const root = path.join(app, 'node_modules', 'hopscope');
    expect(installed).toMatchObject({ name: 'hopscope', bin: { hopscope: 'bin/hopscope.mjs', 'kubectl-hopscope': 'bin/hopscope.mjs' } });
    expect(installed.dependencies).toBeUndefined();
    expect(readdirSync(root).sort()).toEqual(['.next', 'LICENSE', 'README.md', 'bin', 'dist', 'package.json', 'scenarios', 'scripts'].filter((f) => f !== 'LICENSE' || existsSync(path.join(ROOT, 'LICENSE'))));
    expect(existsSync(path.join(root, 'lib'))).toBe(false);
    expect(existsSync(path.join(root, '.next', 'standalone', 'server.js'))).toBe(true);
    const [help, plugin, npx] = await Promise.all([
      packaged(['--help']),
      hopscope(['paths', '--scenario', 'k3s-servicelb-traefik', '-o', 'json'], { cwd: app, bin: kubectlBin }),
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const r = spawnSync('npx', ['--offline', '--no-install', 'hopscope', '--help'], { cwd: app, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
        resolve({ code: r.status, stdout: r.stdout });
      }),
    ]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: hopscope /);
    expect(npx).toEqual({ code: 0, stdout: help.stdout });
    expect(plugin, plugin.stderr).toMatchObject({ code: 0, stderr: '' });
    const inventory = await getInventory({ scenario: 'k3s-servicelb-traefik', scenariosDir: SCENARIOS });
    expect(verdictsOf(PathsResponseSchema.parse(JSON.parse(plugin.stdout)).paths)).toEqual(verdictsOf(buildPaths(inventory)));
  });

  it('is a krew plugin: the manifest names the package by its sha256, and installed as krew does it runs as kubectl-hopscope from PATH', async () => {
    const manifest = parse(krewManifest({ tarball, uri: 'https://downloads.example/hopscope-0.1.0.tgz', homepage: 'https://hopscope.example', version: installed.version })) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      spec: { version: string; platforms: { selector: { matchLabels: { os: string; arch: string } }; uri: string; sha256: string; files: { from: string; to: string }[]; bin: string }[] };
    };
    expect(manifest).toMatchObject({ apiVersion: 'krew.googlecontainertools.github.com/v1alpha2', kind: 'Plugin', metadata: { name: 'hopscope' }, spec: { version: `v${installed.version}` } });
    const sha256 = run('sha256sum', [tarball], scratch).split(' ')[0];
    expect(manifest.spec.platforms.map((p) => [p.selector.matchLabels.os, p.selector.matchLabels.arch])).toEqual(KREW_PLATFORMS);
    for (const platform of manifest.spec.platforms) expect(platform).toMatchObject({ sha256, bin: 'bin/hopscope.mjs', files: [{ from: 'package/*', to: '.' }] });
    expect(() => krewManifest({ tarball, uri: 'http://downloads.example/x.tgz', homepage: 'https://hopscope.example', version: '0.1.0' })).toThrow('must be https');

    // What krew does with it: unpack, apply files (package/* to the plugin root), link bin as kubectl-<name>.
    const plugin = path.join(scratch, 'krew', 'store', 'hopscope');
    const binDir = path.join(scratch, 'krew', 'bin');
    mkdirSync(plugin, { recursive: true });
    mkdirSync(binDir, { recursive: true });
    run('tar', ['xzf', tarball, '-C', plugin, '--strip-components=1'], scratch);
    run('ln', ['-s', path.join(plugin, manifest.spec.platforms[0]!.bin), path.join(binDir, 'kubectl-hopscope')], scratch);
    const viaPath = spawnSync('kubectl-hopscope', ['paths', '--scenario', 'gke-local', '-o', 'json'], { cwd: scratch, encoding: 'utf8', env: { PATH: `${binDir}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: scratch } as unknown as NodeJS.ProcessEnv });
    expect(viaPath.stderr).toBe('');
    expect(viaPath.status).toBe(0);
    const inventory = await getInventory({ scenario: 'gke-local', scenariosDir: SCENARIOS });
    expect(verdictsOf(PathsResponseSchema.parse(JSON.parse(viaPath.stdout)).paths)).toEqual(verdictsOf(buildPaths(inventory)));
  });

  describe('against a cluster', () => {
    const scenarioFile = path.join(SCENARIOS, 'spoofable-nginx.yaml');
    let server: FixtureApiServer;
    beforeAll(async () => {
      server = await startFixtureApiServer({ scenarioFile });
    });
    afterAll(() => server.close());

    it(
      'paths answers in every -o format, json and yaml being GET /api/v1/paths of the same objects',
      async () => {
        const cluster = ['--kubeconfig', server.kubeconfigPath];
        const [json, yaml, table, wide, bad] = await Promise.all([
          packaged(['paths', ...cluster, '-o', 'json']),
          packaged(['paths', ...cluster, '-o', 'yaml']),
          packaged(['paths', ...cluster, '-o', 'table']),
          packaged(['paths', ...cluster, '-o', 'wide']),
          packaged(['paths', ...cluster, '-o', 'xml']),
        ]);
        for (const r of [json, yaml, table, wide]) expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
        const answer = PathsResponseSchema.parse(JSON.parse(json.stdout));
        expect(answer.source).toMatchObject({ mode: 'kubeconfig', context: server.contextName });
        const inventory = await getInventory({ scenario: 'spoofable-nginx', scenariosDir: SCENARIOS });
        expect(verdictsOf(answer.paths)).toEqual(verdictsOf(buildPaths(inventory)));
        expect(PathsResponseSchema.parse(parse(yaml.stdout))).toEqual(answer);
        expect(table.stdout.split('\n')[0]).toMatch(/^VERDICT\s+KIND\s+NAMESPACE\s+NAME\s+ENTRY\s+FINDINGS$/);
        expect(wide.stdout.split('\n')[0]).toMatch(/APP SEES\s+IN-CLUSTER\s+FINDINGS\s+ID$/);
        for (const p of answer.paths) expect(wide.stdout).toContain(p.id);
        expect(bad).toMatchObject({ code: 2, stdout: '', stderr: 'hopscope: -o must be one of table, wide, json, yaml, got "xml"\n' });
      },
      SLOW,
    );
  });

  it(
    'check -f predicts every demo scenario from its manifest as buildPaths does, and diff catches an externalTrafficPolicy and a proxy-real-ip-cidr change',
    async () => {
      const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
      const runs = await Promise.all(files.map((f) => packaged(['check', '-f', path.join(SCENARIOS, f), '-o', 'json'])));
      for (const [i, file] of files.entries()) {
        const checked = PathsResponseSchema.parse(JSON.parse(runs[i]!.stdout));
        const inventory = await getInventory({ scenario: file.replace(/\.yaml$/, ''), scenariosDir: SCENARIOS });
        expect(verdictsOf(checked.paths), file).toEqual(verdictsOf(buildPaths(inventory)));
      }
      const text = readFileSync(path.join(SCENARIOS, 'gke-local.yaml'), 'utf8');
      expect(text).toContain('externalTrafficPolicy: Local');
      const before = clusterDir('before', text);
      const after = clusterDir('after', text.replace('externalTrafficPolicy: Local', 'externalTrafficPolicy: Cluster'));
      // ingress-nginx trusting only the node range, then everyone.
      const nginx = readFileSync(path.join(SCENARIOS, 'spoofable-nginx.yaml'), 'utf8').replace(/^ {2}use-forwarded-headers: "true"$/m, '  use-forwarded-headers: "true"\n  proxy-real-ip-cidr: "192.0.2.0/24"');
      const trusting = clusterDir('trusting', nginx);
      const trustAll = clusterDir('trust-all', nginx.replace('proxy-real-ip-cidr: "192.0.2.0/24"', 'proxy-real-ip-cidr: "0.0.0.0/0"'));
      const [diff, trust] = await Promise.all([packaged(['diff', '-f', before, '-f', after]), packaged(['diff', '-f', trusting, '-f', trustAll])]);
      expect(diff.code, diff.stderr).toBe(1);
      expect(diff.stdout).toContain('spec.externalTrafficPolicy: "Local" → "Cluster"');
      expect(diff.stdout).toMatch(/^WORSE {2}preserved → lost/m);
      expect(trust.code, trust.stderr).toBe(1);
      expect(trust.stdout).toContain('data.proxy-real-ip-cidr: "192.0.2.0/24" → "0.0.0.0/0"');
      expect(trust.stdout).toMatch(/^WORSE {2}preserved → spoofable/m);
    },
    SLOW,
  );

  it(
    'check -f - on `helm template` of the chart: what the dashboard answers for the same objects, with every assumption said, and valid SARIF',
    async () => {
      const rendered = run(ensureHelm(), ['template', 'hopscope', path.join(ROOT, 'chart'), '--namespace', 'hopscope'], ROOT);
      const [json, sarifRun] = await Promise.all([packaged(['check', '-f', '-', '-n', 'hopscope', '-o', 'json'], { stdin: rendered }), packaged(['check', '-f', '-', '-n', 'hopscope', '-o', 'sarif'], { stdin: rendered })]);
      expect(json, json.stderr).toMatchObject({ code: 0, stderr: '' });
      const answer = JSON.parse(json.stdout) as { notes: string[] };
      const checked = PathsResponseSchema.parse(answer);
      // The echo Services of the chart are ways in: ClusterIP, two NodePorts, two LoadBalancers.
      expect(new Set(checked.paths.filter((p) => p.entry.namespace === 'hopscope').map((p) => p.entry.kind))).toEqual(new Set(['clusterIP', 'nodePort', 'loadBalancer']));
      expect(answer.notes).toEqual(
        expect.arrayContaining([
          'no metadata.namespace: 9 objects placed in "hopscope" (-n)',
          expect.stringMatching(/^no Node objects: 3 nodes assumed/),
          expect.stringMatching(/^no Pod objects for 2 workloads: 3 pods assumed from their templates/),
          'no nodePort: 4 Service ports assumed to get one; numbered from 30000 here, the cluster picks its own',
          expect.stringMatching(/^no status: 2 LoadBalancer Services assumed to get an external address, unknown$/),
        ]),
      );
      expect(sarifErrors(JSON.parse(sarifRun.stdout))).toEqual([]);

      // The cluster those assumptions describe, served by an API server and read by the packaged dashboard.
      const set = await readManifests(['-'], () => Promise.resolve(rendered));
      const { objects } = assumeInventory(set, { nodes: 3, namespace: 'hopscope' });
      const api = await startFixtureApiServer({ objects });
      const dashboard = await startBuiltServer({ KUBECONFIG: api.kubeconfigPath }, [bin, 'serve']);
      try {
        const response = await fetch(`${dashboard.baseUrl}/api/v1/paths`);
        expect(response.status).toBe(200);
        const served = PathsResponseSchema.parse(await response.json());
        expect(served.source).toMatchObject({ mode: 'kubeconfig' });
        expect(verdictsOf(served.paths)).toEqual(verdictsOf(checked.paths));
        expect((await fetch(`${dashboard.baseUrl}/`)).status).toBe(200);
      } finally {
        await dashboard.stop();
        await api.close();
      }
    },
    SLOW,
  );
});
