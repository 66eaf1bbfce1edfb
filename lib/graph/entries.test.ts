import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, filterPaths } from '@/lib/model/filter';
import { entrySubtitle, entryTitle, firstEntry, groupEntries, kindsOf, namespacesOf } from './entries';
import { echoNodePortPath, egressPath, proxyProtocolBrokenPath, samplePaths, shopIngressPath } from './testing/sample-paths';

const paths = samplePaths.paths;

describe('entry picker data', () => {
  it.each([
    [shopIngressPath, 'shop.example.com'],
    [proxyProtocolBrokenPath, '198.51.100.51:443'],
    [echoNodePortPath, 'echo :30080'],
    [egressPath, 'shop-5f7d8'],
  ])('titles %# by what a person recognises', (path, title) => {
    expect(entryTitle(path)).toBe(title);
  });

  it.each([
    [{ query: 'shop' }, [shopIngressPath.id, egressPath.id]],
    [{ query: 'SHOP.EXAMPLE' }, [shopIngressPath.id]],
    [{ query: '198.51.100.51' }, [proxyProtocolBrokenPath.id]],
    [{ namespace: 'default' }, [echoNodePortPath.id, egressPath.id]],
    [{ kind: 'nodePort' as const }, [echoNodePortPath.id]],
    [{ verdict: 'lost' as const }, [echoNodePortPath.id, egressPath.id]],
    [{ namespace: 'default', query: 'echo' }, [echoNodePortPath.id]],
    [{ query: 'nothing-matches-this' }, []],
  ])('filters by %o', (filter, ids) => {
    expect(filterPaths(paths, { ...EMPTY_FILTER, ...filter }).map((p) => p.id)).toEqual(ids);
  });

  it.each([
    [shopIngressPath, 'Ingress host · shop/shop · via wk-a'],
    [echoNodePortPath, 'NodePort · default/echo · via wk-a, wk-b'],
    [egressPath, 'Egress · default/shop-5f7d8 · via wk-a'],
  ])('names kind, object and node in the subtitle of %#', (path, subtitle) => {
    expect(entrySubtitle(path)).toBe(subtitle);
  });

  it('starts with the first entry in picker order', () => {
    expect(firstEntry([egressPath, echoNodePortPath, shopIngressPath])?.id).toBe(shopIngressPath.id);
    expect(firstEntry([])).toBeNull();
  });

  it('lists namespaces and kinds that are present', () => {
    expect(namespacesOf(paths)).toEqual(['default', 'shop', 'web']);
    expect(kindsOf(paths)).toEqual(['ingress', 'loadBalancer', 'nodePort', 'egress']);
  });

  it('groups entries outside-in', () => {
    expect(groupEntries(paths).map((g) => [g.kind, g.paths.length])).toEqual([
      ['ingress', 1],
      ['loadBalancer', 1],
      ['nodePort', 1],
      ['egress', 1],
    ]);
  });
});
