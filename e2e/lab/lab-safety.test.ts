// The lab script's own guarantees: idempotent up, down leaves nothing, and it never touches a namespace it did
// not create (ownership mark on lo).
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp, requireRoot } from './lab';

const labNamespaces = () =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith('hs-'))
    .sort();

beforeAll(() => requireRoot());
afterAll(() => labDown());

describe('lab.sh', () => {
  it('builds the same lab twice in a row and leaves nothing behind', () => {
    labUp();
    const first = labNamespaces();
    labUp();
    expect(labNamespaces()).toEqual(first);
    expect(first).toContain('hs-pod-hopscope');
    labDown();
    expect(labNamespaces()).toEqual([]);
  }, 90_000);

  it('refuses to build over a namespace it did not create, and leaves that namespace alone', () => {
    const foreign = 'hs-node2';
    expect(spawnSync('ip', ['netns', 'add', foreign]).status).toBe(0);
    try {
      expect(() => labUp()).toThrow(/not ours; refusing/);
      labDown();
      expect(labNamespaces()).toEqual([foreign]);
    } finally {
      spawnSync('ip', ['netns', 'del', foreign]);
    }
  }, 60_000);
});
