import { splitApiVersion, type ResourceRegistry } from './resources';

// The API discovery documents (/version, /api, /apis, /api/v1, /apis/<group>/<version>) kubectl and
// client-node read to learn what a cluster serves; they list the registry's served resources only.

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** The discovery document at `pathname`, or null when it names none (then it is a resource path, or a 404). */
export function discoveryDocument(pathname: string, registry: ResourceRegistry): unknown | null {
  const p = pathname.replace(/\/+$/, '');
  if (p === '/version') {
    return { major: '1', minor: '33', gitVersion: 'v1.33.0-hopscope-fixture', platform: 'linux/amd64' };
  }
  if (p === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (p === '/apis') {
    const groups = new Map<string, Set<string>>();
    for (const r of registry.served()) {
      if (r.group === '') continue;
      if (!groups.has(r.group)) groups.set(r.group, new Set());
      groups.get(r.group)!.add(r.version);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => {
        const list = [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
        return { name, versions: list, preferredVersion: list[0] };
      }),
    };
  }
  const groupVersion = /^\/api\/(v1)$/.exec(p) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(p);
  if (!groupVersion) return null;
  const gv = splitApiVersion(groupVersion[1]!);
  const resources = registry.served().filter((r) => r.group === gv.group && r.version === gv.version);
  if (resources.length === 0) return null;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion[1],
    resources: resources.map((r) => ({
      name: r.plural,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
    })),
  };
}
