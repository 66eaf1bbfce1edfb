import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PathsQueryInput } from '@/lib/contract/requests';
import type { ClusterInventory, PathsResponse } from '@/lib/types';

// The paths of one inventory are built once, whoever asks: the inventory cache hands concurrent callers the same
// object, and here that object is what a build is kept under. Discovery is stood in for by demo inventories (each
// call a new object, as a new discovery would be).

const model = vi.hoisted(() => ({ builds: 0 }));

vi.mock('@/lib/model', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/model')>();
  return {
    ...actual,
    buildPaths: (...args: Parameters<typeof actual.buildPaths>) => {
      model.builds++;
      return actual.buildPaths(...args);
    },
  };
});

const inventories = vi.hoisted(() => ({ current: null as ClusterInventory | null, calls: 0 }));
vi.mock('@/lib/k8s/inventory', () => ({
  getInventory: async () => {
    inventories.calls++;
    // Later than the callers' own start, as a shared discovery finishes for all of them at once.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return inventories.current!;
  },
}));

const { currentPaths, pathsAnswer, pathsFor, pathsOf, WHAT_IF_BUILDS_PER_INVENTORY } = await import('./paths');
const { getInventory: demoInventory } = await vi.importActual<typeof import('@/lib/k8s/inventory')>('@/lib/k8s/inventory');

const fresh = () => demoInventory({ scenario: 'lab' });
const query = (over: Partial<PathsQueryInput> = {}): PathsQueryInput => ({ whatIf: [], ...over });
const WHAT_IF = 'svc:lab/echo-nodeport-cluster.externalTrafficPolicy=Local';

async function read(response: Response): Promise<PathsResponse> {
  expect(response.headers.get('content-type')).toBe('application/json');
  return JSON.parse(Buffer.from(await response.arrayBuffer()).toString('utf8')) as PathsResponse;
}

beforeEach(async () => {
  inventories.current = await fresh();
  inventories.calls = 0;
  model.builds = 0;
});

describe('paths are built once per inventory', () => {
  it('builds once for concurrent requests on one inventory, and they get the same paths', async () => {
    const [a, b, c] = await Promise.all([pathsFor(query()), pathsFor(query()), currentPaths({})]);
    expect(inventories.calls).toBe(3);
    expect(model.builds).toBe(1);
    expect(a.paths.length).toBeGreaterThan(0);
    expect(b.paths).toEqual(a.paths);
    expect(c.paths).toBe(pathsOf(inventories.current!));
  });

  it('builds again for a new inventory (a new discovery), and answers from it', async () => {
    const first = await pathsFor(query());
    const next = await fresh();
    inventories.current = next;
    const second = await pathsFor(query());
    expect(model.builds).toBe(2);
    expect(second.paths).toEqual(first.paths);
    expect(pathsOf(next)).not.toBe(pathsOf(await fresh()));
  });

  it('keeps what-if previews per expression, apart from the plain build', async () => {
    const plain = await pathsFor(query());
    const preview = await pathsFor(query({ whatIf: [WHAT_IF] }));
    const again = await pathsFor(query({ whatIf: [WHAT_IF] }));
    expect(model.builds).toBe(2);
    expect(preview.whatIf).toEqual([WHAT_IF]);
    expect(plain.whatIf).toEqual([]);
    expect(again.paths).toEqual(preview.paths);
    expect(preview.paths).not.toEqual(plain.paths);
    expect((await pathsFor(query())).paths).toEqual(plain.paths);
    expect(model.builds).toBe(2);
  });

  it('keeps a bounded number of what-if builds per inventory', async () => {
    const inventory = inventories.current!;
    const services = ['echo-nodeport-cluster', 'echo-nodeport-local', 'echo-metallb', 'echo-metallb-stale', 'echo-octavia-tcp'];
    const names = services
      .flatMap((name) => [`svc:lab/${name}.externalTrafficPolicy=Local`, `svc:lab/${name}.externalTrafficPolicy=Cluster`])
      .slice(0, WHAT_IF_BUILDS_PER_INVENTORY + 1);
    expect(names).toHaveLength(WHAT_IF_BUILDS_PER_INVENTORY + 1);
    const { parseWhatIf } = await import('@/lib/model');
    const first = pathsOf(inventory, [parseWhatIf(names[0]!)]);
    for (const name of names.slice(1)) pathsOf(inventory, [parseWhatIf(name)]);
    expect(model.builds).toBe(names.length);
    // The oldest went: asked again, it is built again (and equal).
    expect(pathsOf(inventory, [parseWhatIf(names[0]!)])).not.toBe(first);
    expect(model.builds).toBe(names.length + 1);
  });

  it('filters a filtered request, from the shared build', async () => {
    const all = await pathsFor(query());
    const namespace = all.paths.find((p) => p.entry.namespace)!.entry.namespace!;
    const filtered = await pathsFor(query({ namespace }));
    expect(model.builds).toBe(1);
    expect(filtered.paths.length).toBeGreaterThan(0);
    expect(filtered.paths.length).toBeLessThan(all.paths.length);
    expect(filtered.paths.every((p) => p.entry.namespace === namespace)).toBe(true);
    expect(filtered.total).toBe(all.paths.length);
    const answer = await read(await pathsAnswer(query({ namespace })));
    expect(answer).toEqual(filtered);
  });
});

describe('pathsAnswer', () => {
  it('sends the unfiltered answer of concurrent requests from one build and one serialization', async () => {
    const expected = JSON.parse(JSON.stringify(await pathsFor(query()))) as PathsResponse;
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      const [a, b] = await Promise.all([pathsAnswer(query()), pathsAnswer(query())]);
      // Once for the answer (what-if keys are strings too, and small).
      expect(stringify.mock.calls.filter(([value]) => typeof value === 'object' && value !== null && 'paths' in value)).toHaveLength(1);
      expect(await read(a)).toEqual(expected);
      expect(await read(b)).toEqual(expected);
    } finally {
      stringify.mockRestore();
    }
    expect(model.builds).toBe(1);
  });

  it('answers a what-if preview with its own paths', async () => {
    const expected = JSON.parse(JSON.stringify(await pathsFor(query({ whatIf: [WHAT_IF] })))) as PathsResponse;
    expect(await read(await pathsAnswer(query({ whatIf: [WHAT_IF] })))).toEqual(expected);
    expect((await read(await pathsAnswer(query()))).whatIf).toEqual([]);
  });

  it('serves a new inventory from a new serialization', async () => {
    const before = await read(await pathsAnswer(query()));
    const next = await fresh();
    inventories.current = next;
    const after = await read(await pathsAnswer(query()));
    expect(after.source).toEqual(next.source);
    expect(after.paths).toEqual(before.paths);
    expect(model.builds).toBe(2);
  });
});
