import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, filterPaths } from '@/lib/model/filter';
import { echoIngressPath, egressProxyPath, grafanaNodePortFanOut, grafanaNodePortPath, grafanaNodePortPaths, pickedPaths, proxyProtocolBrokenPath } from '@/test/support/samples';
import { entrySubtitle, entryTitle, firstEntry, groupEntries, kindsOf, namespacesOf } from './entries';

// One path of each of four entry kinds, from bare-metal-metallb, openstack-proxy-broken and egress-tproxy.
const paths = pickedPaths;

describe('entry picker data', () => {
  it.each([
    [echoIngressPath, 'echo.example.com'],
    [proxyProtocolBrokenPath, '203.0.113.42:443'],
    [grafanaNodePortPath, '192.0.2.11:30000'],
    [egressProxyPath, 'tail-with-nginx-tranproxy-59d8b5f4f9-ptpq2'],
  ])('titles %# by what a person recognises', (path, title) => {
    expect(entryTitle(path)).toBe(title);
  });

  it.each([
    [{ query: 'echo' }, [echoIngressPath.id]],
    [{ query: 'ECHO.EXAMPLE' }, [echoIngressPath.id]],
    [{ query: '203.0.113.42' }, [proxyProtocolBrokenPath.id]],
    // Hop names are searched too: the ingress-nginx pod, the nginx controller Service and the nginx sidecar.
    [{ query: 'nginx' }, [echoIngressPath.id, proxyProtocolBrokenPath.id, egressProxyPath.id]],
    [{ query: 'nginx wk-a' }, [echoIngressPath.id]],
    [{ namespace: 'monitoring' }, [grafanaNodePortPath.id]],
    [{ kind: 'nodePort' as const }, [grafanaNodePortPath.id]],
    [{ verdict: 'header' as const }, [echoIngressPath.id, egressProxyPath.id]],
    [{ namespace: 'default', query: 'nginx' }, [egressProxyPath.id]],
    [{ query: 'nothing-matches-this' }, []],
  ])('filters by %o', (filter, ids) => {
    expect(filterPaths(paths, { ...EMPTY_FILTER, ...filter }).map((p) => p.id)).toEqual(ids);
  });

  it.each([
    [echoIngressPath, 'Ingress host · hopscope/hopscope-echo · via wk-a'],
    [proxyProtocolBrokenPath, 'LoadBalancer Service · ingress-nginx/my-ingress-ingress-nginx-controller · via os-worker-1'],
    [grafanaNodePortPath, 'NodePort · monitoring/grafana · via wk-a'],
    // Three nodes side by side are too many to name.
    [grafanaNodePortFanOut, 'NodePort · monitoring/grafana'],
    [egressProxyPath, 'Egress · default/tail-with-nginx-tranproxy-59d8b5f4f9-ptpq2 · via node-2'],
  ])('names kind, object and node in the subtitle of %#', (path, subtitle) => {
    expect(entrySubtitle(path)).toBe(subtitle);
  });

  it('starts with the first entry in picker order', () => {
    expect(firstEntry([egressProxyPath, grafanaNodePortPath, echoIngressPath])?.id).toBe(echoIngressPath.id);
    expect(firstEntry([])).toBeNull();
  });

  it('lists namespaces and kinds that are present', () => {
    expect(namespacesOf(paths)).toEqual(['default', 'hopscope', 'ingress-nginx', 'monitoring']);
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

  it('orders the entries of a group by title', () => {
    const [group] = groupEntries([...grafanaNodePortPaths].reverse());
    expect(group?.paths.map(entryTitle)).toEqual(['192.0.2.10:30000', '192.0.2.11:30000', '192.0.2.12:30000']);
  });
});
