// The lab script's own guarantees: idempotent up, down leaves nothing, and it never touches a namespace it did
// not create (ownership mark on lo).
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlInNamespace, edgePackets, LAB, labDown, labUp, requireRoot } from './lab';

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

  it('counts what every namespace sends: lab traffic is counted, and nothing is addressed outside the lab', () => {
    labUp();
    // From outside in, through HAProxy, kube-proxy and nginx to the echo, and from the hopscope pod out to an LB.
    expect(curlInNamespace(LAB.clientNamespace, 'http://198.51.100.50/', { headers: ['Host: a.lab.example'], maxTimeSeconds: 5 }).status).toBe(200);
    expect(curlInNamespace(LAB.hopscopeNamespace, 'http://198.51.100.51/', { headers: ['Host: b.lab.example'], maxTimeSeconds: 5 }).status).toBe(200);
    const counted = new Map(edgePackets().map((e) => [e.namespace, e]));
    for (const ns of [LAB.clientNamespace, 'hs-lb', 'hs-node1', 'hs-node2', 'hs-pod-ing-a', 'hs-pod-echo', LAB.hopscopeNamespace]) {
      expect(counted.get(ns)?.lab, ns).toBeGreaterThan(0);
    }
    expect([...counted.values()].filter((e) => e.outside > 0)).toEqual([]);
    labDown();
  }, 60_000);

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
