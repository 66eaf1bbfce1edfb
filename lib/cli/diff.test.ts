// `hopscope diff` as a review runs it: two directories of manifests (before and after a change), the real bin,
// the paths whose verdict changes with the field that changed them, exit 1 on a regression.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PathsDiff } from './diff';
import { hopscope } from './run-bin';

const scenario = readFileSync(path.join(import.meta.dirname, '..', '..', 'scenarios', 'spoofable-nginx.yaml'), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The scenario with ingress-nginx trusting only the node range: the fixed cluster every change starts from. */
function variant(name: string, edit: (text: string) => string): string {
  const fixed = scenario.replace(/^ {2}use-forwarded-headers: "true"$/m, '  use-forwarded-headers: "true"\n  proxy-real-ip-cidr: "192.0.2.0/24"');
  expect(fixed).not.toBe(scenario);
  const text = edit(fixed);
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, 'cluster.yaml'), text);
  return path.join(dir, name);
}

describe('hopscope diff', () => {
  const base = variant('base', (t) => t);
  const cluster = variant('cluster-policy', (t) => t.replace('externalTrafficPolicy: Local', 'externalTrafficPolicy: Cluster'));
  const trustAll = variant('trust-all', (t) => t.replace('proxy-real-ip-cidr: "192.0.2.0/24"', 'proxy-real-ip-cidr: "0.0.0.0/0"'));
  const lb = 'loadBalancer:ingress-nginx/ingress-nginx-controller:198.51.100.50:80@wk-a';

  it(
    'catches externalTrafficPolicy Local → Cluster and a proxy-real-ip-cidr that trusts everyone, and exits 1',
    async () => {
      const [policy, trust, policyText, same] = await Promise.all([
        hopscope(['diff', '-f', base, '-f', cluster, '--json']),
        hopscope(['diff', '-f', base, '-f', trustAll, '--json']),
        hopscope(['diff', '-f', base, '-f', cluster]),
        hopscope(['diff', '-f', base, '-f', base]),
      ]);
      expect(policy.code, policy.stderr).toBe(1);
      const byPolicy = JSON.parse(policy.stdout) as PathsDiff;
      expect(byPolicy.changed.find((c) => c.pathId === lb)).toEqual({
        pathId: lb,
        before: 'preserved',
        after: 'spoofable',
        regression: true,
        changes: [
          {
            object: { kind: 'Service', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
            at: { file: path.join(cluster, 'cluster.yaml'), line: expect.any(Number) },
            field: 'spec.externalTrafficPolicy',
            before: 'Local',
            after: 'Cluster',
          },
        ],
      });
      expect(byPolicy.regressions).toBeGreaterThan(0);
      expect(policyText.stdout).toContain(`WORSE  preserved → spoofable  ${lb}\n    Service ingress-nginx/ingress-nginx-controller (${path.join(cluster, 'cluster.yaml')}:`);
      expect(policyText.stdout).toContain(') spec.externalTrafficPolicy: "Local" → "Cluster"\n');
      expect(policyText.stdout).toMatch(/\n\d+ paths worse, \d+ better, 0 new, 0 gone\n$/);

      expect(trust.code).toBe(1);
      const byTrust = JSON.parse(trust.stdout) as PathsDiff;
      const change = byTrust.changed.find((c) => c.pathId === lb)!;
      expect(change).toMatchObject({ before: 'preserved', after: 'spoofable', regression: true });
      expect(change.changes).toContainEqual(
        expect.objectContaining({ object: { kind: 'ConfigMap', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' }, field: 'data.proxy-real-ip-cidr', before: '192.0.2.0/24', after: '0.0.0.0/0' }),
      );
      expect(same).toMatchObject({ code: 0, stdout: '0 paths worse, 0 better, 0 new, 0 gone\n' });
    },
    180_000,
  );

  it(
    'exits 0 when a change only makes verdicts better, and 2 without two -f',
    async () => {
      const [fix, one] = await Promise.all([hopscope(['diff', '-f', trustAll, '-f', base]), hopscope(['diff', '-f', base])]);
      expect(fix.code).toBe(0);
      expect(fix.stdout).toContain(`better spoofable → preserved  ${lb}`);
      expect(one).toMatchObject({ code: 2, stdout: '' });
      expect(one.stderr).toContain('diff needs exactly two -f, before and after (got 1)');
    },
    180_000,
  );
});
