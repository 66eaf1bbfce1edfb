// `hopscope check` as CI runs it: the real bin on manifests with no cluster. On the demo scenarios (which hold
// nodes, pods, EndpointSlices and status) it must predict exactly what the dashboard predicts for the same
// objects; on a rendered chart it says what it assumed; bad input fails with the file and line, exit 2.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PathsResponseSchema } from '@/lib/contract/schemas';
import { sarifErrors } from '@/test/support/sarif';
import { getInventory } from '../k8s/inventory';
import { buildPaths } from '../model';
import { hopscope } from './run-bin';

const ROOT = path.join(import.meta.dirname, '..', '..');
const SCENARIOS = path.join(ROOT, 'scenarios');
const RENDERED = path.join(import.meta.dirname, 'testdata', 'rendered', 'ingress-nginx.yaml');
const BAD = path.join(import.meta.dirname, 'testdata', 'bad');
const SLOW = 180_000;

const verdictsOf = (paths: { id: string; verdict: string }[]) => Object.fromEntries(paths.map((p) => [p.id, p.verdict]));

describe('hopscope check', () => {
  it(
    'predicts the demo scenarios from their manifests exactly as buildPaths does on the same inventory',
    async () => {
      const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
      expect(files.length).toBeGreaterThan(5);
      // A few at a time: every run is a whole CLI process, and all of them at once on two cores outlast their deadline.
      const runs: Awaited<ReturnType<typeof hopscope>>[] = [];
      for (let i = 0; i < files.length; i += 3) {
        runs.push(...(await Promise.all(files.slice(i, i + 3).map((f) => hopscope(['check', '-f', path.join(SCENARIOS, f), '-o', 'json'])))));
      }
      for (const [i, file] of files.entries()) {
        const run = runs[i]!;
        expect(run, `${file}: ${run.stderr}`).toMatchObject({ code: 0, stderr: '' });
        const answer = JSON.parse(run.stdout) as { paths: unknown; notes: string[]; ignored: Record<string, number> };
        const checked = PathsResponseSchema.parse(answer);
        const inventory = await getInventory({ scenario: file.replace(/\.yaml$/, ''), scenariosDir: SCENARIOS });
        const expected = buildPaths(inventory);
        expect(checked.paths.map((p) => p.id), file).toEqual(expected.map((p) => p.id));
        expect(verdictsOf(checked.paths), file).toEqual(verdictsOf(expected));
        expect(checked.paths.map((p) => p.findings.map((f) => f.code)), file).toEqual(expected.map((p) => p.findings.map((f) => f.code)));
        // A cluster dump needs no assumptions, only the kinds discovery never reads are counted.
        expect(answer.notes.filter((n) => !n.startsWith('ignored ')), file).toEqual([]);
      }
    },
    SLOW,
  );

  it(
    'assumes what a rendered chart lacks, says so, and fails on --fail-on verdicts; stdin is a file like any other',
    async () => {
      const text = readFileSync(RENDERED, 'utf8');
      const [plain, strict, stdin, json] = await Promise.all([
        hopscope(['check', '-f', RENDERED]),
        hopscope(['check', '-f', RENDERED, '--fail-on', 'lost,spoofable', '--fail-on', 'broken']),
        hopscope(['check', '-f', '-', '--nodes', '2', '-o', 'json'], { stdin: text }),
        hopscope(['check', '-f', path.dirname(RENDERED), '-o', 'json', '--nodes', '2']),
      ]);
      expect(plain, plain.stderr).toMatchObject({ code: 0, stderr: '' });
      expect(plain.stdout).toContain('note: no Node objects: 3 nodes assumed (--nodes), Ready, addresses unknown\n');
      expect(plain.stdout).toContain('note: no Pod objects for 2 workloads: 3 pods assumed from their templates');
      expect(plain.stdout).toContain('note: no status: 1 LoadBalancer Service assumed to get an external address, unknown\n');
      expect(plain.stdout).toContain('note: ignored 2 objects of kinds hopscope does not read: Secret 1, ServiceAccount 1\n');
      expect(plain.stdout).toMatch(/^spoofable\s+ingress\s+shop\s+shop\s+shop\.example\.com \(unknown:80\)/m);
      expect(strict.code).toBe(1);
      expect(strict.stdout).toMatch(/FAIL: \d+ paths with a verdict of lost, spoofable, broken/);
      expect(stdin.code).toBe(0);
      // The same objects from stdin or from their directory: the same paths.
      expect(JSON.parse(stdin.stdout).paths).toEqual(JSON.parse(json.stdout).paths);
      expect(JSON.parse(stdin.stdout).notes[0]).toBe('no Node objects: 2 nodes assumed (--nodes), Ready, addresses unknown');
    },
    SLOW,
  );

  it(
    'writes SARIF 2.1.0 and GitHub annotations that point at the manifest line of the object to change',
    async () => {
      const [sarifRun, github] = await Promise.all([
        hopscope(['check', '-f', RENDERED, '-o', 'sarif', '--fail-on', 'spoofable']),
        hopscope(['check', '-f', RENDERED, '-o', 'github']),
      ]);
      expect(sarifRun.code).toBe(1);
      const sarif = JSON.parse(sarifRun.stdout);
      expect(sarifErrors(sarif)).toEqual([]);
      // The validator is not a rubber stamp: a result without its message is refused.
      expect(sarifErrors({ ...sarif, runs: [{ ...sarif.runs[0], results: [{ ruleId: 'x' }] }] })).toEqual([expect.stringContaining("/runs/0/results/0 must have required property 'message'")]);
      expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs).toHaveLength(1);
      const [run] = sarif.runs;
      expect(run.tool.driver.name).toBe('hopscope');
      expect(typeof run.tool.driver.version).toBe('string');
      const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
      expect(new Set(ruleIds).size).toBe(ruleIds.length);
      expect(run.results.length).toBeGreaterThan(0);
      for (const result of run.results) {
        expect(['none', 'note', 'warning', 'error']).toContain(result.level);
        expect(typeof result.message.text).toBe('string');
        expect(ruleIds[result.ruleIndex]).toBe(result.ruleId);
        for (const location of result.locations ?? []) {
          expect(location.physicalLocation.artifactLocation.uri).not.toMatch(/\\/);
          expect(Number.isInteger(location.physicalLocation.region.startLine) && location.physicalLocation.region.startLine >= 1).toBe(true);
        }
      }
      for (const n of run.invocations[0].toolExecutionNotifications) expect(typeof n.message.text).toBe('string');
      // The trust-everything finding sits on the ConfigMap's document (line 10 of the file), as an error: --fail-on.
      const lines = readFileSync(RENDERED, 'utf8').split('\n');
      const configMapLine = lines.findIndex((l) => l === 'kind: ConfigMap');
      const trust = run.results.find((r: { ruleId: string }) => r.ruleId === 'forwarded-headers-trust-all');
      expect(trust.level).toBe('error');
      expect(trust.locations[0].physicalLocation.region.startLine).toBe(configMapLine);
      expect(trust.locations[0].physicalLocation.artifactLocation.uri).toBe(RENDERED.split(path.sep).join('/'));

      expect(github.code).toBe(0);
      const annotation = github.stdout.split('\n').find((l) => l.includes('forwarded-headers-trust-all'));
      expect(annotation).toMatch(new RegExp(`^::error file=${RENDERED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},line=${configMapLine},title=hopscope forwarded-headers-trust-all \\(spoofable\\)::`));
      expect(annotation).toContain('%0AFix:%0A');
      expect(github.stdout).toContain('::notice title=hopscope assumed::no Node objects: 3 nodes assumed');
    },
    SLOW,
  );

  it(
    'fails on bad input with the file and line and exit 2: unreadable, invalid YAML, no Kubernetes object, bad flags',
    async () => {
      const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' } }] });
      const [missing, invalid, envelope, failOn, none, jsonList] = await Promise.all([
        hopscope(['check', '-f', path.join(BAD, 'missing.yaml')]),
        hopscope(['check', '-f', path.join(BAD, 'invalid.yaml')]),
        hopscope(['check', '-f', path.join(BAD, 'no-apiversion.yaml')]),
        hopscope(['check', '-f', RENDERED, '--fail-on', 'bad']),
        hopscope(['check']),
        hopscope(['check', '-f', '-', '-o', 'json'], { stdin: list }),
      ]);
      expect(missing).toMatchObject({ code: 2, stdout: '', stderr: `hopscope: cannot read ${path.join(BAD, 'missing.yaml')}: ENOENT\n` });
      expect(invalid).toMatchObject({ code: 2, stdout: '' });
      expect(invalid.stderr).toMatch(new RegExp(`^hopscope: ${path.join(BAD, 'invalid.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:1: invalid YAML: `));
      expect(envelope).toMatchObject({ code: 2, stderr: `hopscope: ${path.join(BAD, 'no-apiversion.yaml')}:6: this document has no apiVersion, so it is no Kubernetes object\n` });
      expect(failOn).toMatchObject({ code: 2, stderr: 'hopscope: --fail-on must be one of preserved, header, lost, spoofable, broken, unreachable, got "bad"\n' });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('check needs -f');
      expect(jsonList.code).toBe(0);
      expect(JSON.parse(jsonList.stdout).ignored).toEqual({ Role: 1, Secret: 1 });
      for (const r of [missing, invalid, envelope, failOn, none]) expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    SLOW,
  );
});

describe('findingLocation', () => {
  // An allow-list finding belongs on the object that holds the list (docs/domain.md#s10), not on its hop's objects.
  it('points an allow-list finding at the object holding the list, others at their hop', async () => {
    const { findingLocation } = await import('./check');
    const inventory = await getInventory({ scenario: 'allow-lists', scenariosDir: SCENARIOS });
    const p = buildPaths(inventory).find((x) => x.id.startsWith('ingress:shop/office:'))!;
    const locations = new Map([
      ['Ingress/shop/office', { file: 'shop.yaml', line: 10 }],
      ['NetworkPolicy/shop/shop-web-office', { file: 'shop.yaml', line: 40 }],
      ['Pod/shop/shop-web-5d7f9c8b6-q8w2e', { file: 'shop.yaml', line: 70 }],
    ]);
    const policy = p.findings.find((f) => f.allowList?.object.kind === 'NetworkPolicy')!;
    expect(findingLocation(p, policy, locations)).toEqual({ file: 'shop.yaml', line: 40 });
    expect(findingLocation(p, { ...policy, allowList: undefined }, locations)).toEqual({ file: 'shop.yaml', line: 70 });
  });
});
