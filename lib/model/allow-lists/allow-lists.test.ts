// Allow-lists judged by the address their hop sees (docs/domain.md#s10), one table per kind of list. Each case starts
// from a demo scenario through the real normaliser and model and changes one thing; the expected verdicts are the
// documented outcomes cited per row.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenarioManifest } from '@/lib/demo/manifest';
import { normalizeInventory } from '@/lib/k8s/normalize';
import { rawObjectsFromManifest } from '@/lib/k8s/raw';
import { buildPaths } from '@/lib/model';
import type { AllowListVerdict, ClusterInventory, Finding, NetworkPolicyInfo } from '@/lib/types';
import type { ModelPath } from '../types';
import { type AddressList, judgeList, listContains, restricts } from './verdict';

const DIR = path.join(import.meta.dirname, '..', '..', '..', 'scenarios');

function scenario(id: string): ClusterInventory {
  const manifest = parseScenarioManifest(readFileSync(path.join(DIR, `${id}.yaml`), 'utf8'), `${id}.yaml`);
  return normalizeInventory(rawObjectsFromManifest(manifest.objects), {
    source: { mode: 'demo', context: `demo/${id}`, server: '', scenario: id },
    errors: [],
    discoveredAt: '2026-01-01T00:00:00.000Z',
    durationMs: 0,
  });
}

const BASE = { 'allow-lists': scenario('allow-lists'), 'openstack-proxy': scenario('openstack-proxy') };

type Change = (inv: ClusterInventory) => void;

function paths(id: keyof typeof BASE, change: Change = () => {}): ModelPath[] {
  const inv = structuredClone(BASE[id]);
  change(inv);
  return buildPaths(inv);
}

const service = (inv: ClusterInventory, ns: string, name: string) => inv.services.find((s) => s.namespace === ns && s.name === name)!;
const ingress = (inv: ClusterInventory, ns: string, name: string) => inv.ingresses.find((i) => i.namespace === ns && i.name === name)!;
const controller = (inv: ClusterInventory) => inv.ingressControllers[0]!;
/** Settings live on the controller and on each Ingress's copy of it, as discovery writes them. */
function controllerSettings(inv: ClusterInventory, patch: Partial<ClusterInventory['ingressControllers'][number]['settings']>) {
  Object.assign(controller(inv).settings, patch);
  for (const i of inv.ingresses) if (i.controller) Object.assign(i.controller.settings, patch);
}
function controllerVersion(inv: ClusterInventory, version: string) {
  controller(inv).version = version;
  for (const i of inv.ingresses) if (i.controller) i.controller.version = version;
}
const policy = (partial: Partial<NetworkPolicyInfo> & Pick<NetworkPolicyInfo, 'namespace' | 'name'>): NetworkPolicyInfo => ({
  podSelector: {},
  ingressIsolation: true,
  ingress: [],
  ...partial,
});
const ipBlockPolicy = (namespace: string, name: string, ...cidrs: string[]) =>
  policy({ namespace, name, ingress: [{ from: cidrs.map((cidr) => ({ ipBlock: { cidr, except: [] } })), ports: [] }] });

/** The allow-list findings of the paths whose id starts with `prefix`, for one kind of list. */
function listFindings(all: ModelPath[], prefix: string, objectKind: string): Finding[][] {
  const matching = all.filter((p) => p.id.startsWith(prefix));
  expect(matching.length, `no path starts with ${prefix}`).toBeGreaterThan(0);
  return matching.map((p) => p.findings.filter((f) => f.allowList?.object.kind === objectKind || (objectKind === 'Ingress/ConfigMap' && ['Ingress', 'ConfigMap'].includes(f.allowList?.object.kind ?? ''))));
}

/** `null`: the hop sees the client (or nothing restricts), so no allow-list finding at all. */
type Expected = AllowListVerdict | null;

function expectVerdicts(found: Finding[][], expected: Expected, field?: string) {
  for (const findings of found) {
    if (expected === null || expected === 'checks-client') {
      expect(findings).toEqual([]);
      continue;
    }
    const f = findings.find((x) => x.allowList?.verdict === expected && (field === undefined || x.allowList.field.includes(field)));
    expect(f, JSON.stringify(findings.map((x) => x.allowList))).toBeDefined();
    expect(f!.code).toBe({ 'blocks-everyone': 'allow-list-blocks-everyone', 'admits-everyone': 'allow-list-admits-everyone', unknown: 'allow-list-address-unknown' }[expected]);
    if (expected !== 'unknown') expect(f!.fix).toBeTruthy();
  }
}

const LB_REPORTS = 'loadBalancer:reports/reports:198.51.100.71:80@wk-b';
const OFFICE = 'ingress:shop/office:office.example.com:shop-web@';
const INTRANET = 'ingress:shop/intranet:intranet.example.com:shop-web@';

describe('judgeList: one rule for every list (docs/domain.md#s10)', () => {
  const office: AddressList = { mode: 'allow', ranges: [{ cidr: '203.0.113.0/24' }] };
  const officeAndNodes: AddressList = { mode: 'allow', ranges: [{ cidr: '203.0.113.0/24' }, { cidr: '192.0.2.0/24' }] };
  const denyNodes: AddressList = { mode: 'deny', ranges: [{ cidr: '192.0.2.0/24' }] };
  it.each([
    ['the client, whatever the list', office, { role: 'client', address: null }, 'checks-client'],
    ['a node outside an allow-list', office, { role: 'node', address: '192.0.2.12' }, 'blocks-everyone'],
    ['a node inside an allow-list', officeAndNodes, { role: 'node', address: '192.0.2.12' }, 'admits-everyone'],
    ['a node inside a deny-list', denyNodes, { role: 'node', address: '192.0.2.12' }, 'blocks-everyone'],
    ['a node outside a deny-list', { mode: 'deny', ranges: [{ cidr: '203.0.113.0/24' }] }, { role: 'node', address: '192.0.2.12' }, 'admits-everyone'],
    ['an LB member port no object names', office, { role: 'loadBalancer', address: null }, 'unknown'],
    ['an LB member port and a deny-all', { mode: 'deny', ranges: [{ cidr: '0.0.0.0/0' }] }, { role: 'loadBalancer', address: null }, 'blocks-everyone'],
    ['an address cut out by ipBlock.except', { mode: 'allow', ranges: [{ cidr: '10.244.0.0/16', except: ['10.244.1.0/24'] }] }, { role: 'ingressController', address: '10.244.1.10' }, 'blocks-everyone'],
  ] as const)('%s', (_what, list, seen, verdict) => {
    expect(judgeList(list as AddressList, seen)).toBe(verdict);
  });

  it('an allow-list that covers everything restricts nothing; a deny-list always does', () => {
    expect(restricts({ mode: 'allow', ranges: [{ cidr: '0.0.0.0/0' }] })).toBe(false);
    expect(restricts({ mode: 'allow', ranges: [] })).toBe(false);
    expect(restricts({ mode: 'deny', ranges: [{ cidr: '0.0.0.0/0' }] })).toBe(true);
    expect(listContains([{ cidr: 'not-a-cidr' }], '192.0.2.1')).toBe(false);
  });
});

describe('loadBalancerSourceRanges (docs/domain.md#s10.1, #src-S70, #src-S71, #src-S75)', () => {
  it.each<[string, keyof typeof BASE, Change, string, Expected]>([
    // Local, announced from the pod's node: KUBE-FW sees the client.
    ['pass-through LB, Local: the client is checked', 'allow-lists', () => {}, LB_REPORTS, 'checks-client'],
    // KUBE-FW runs before KUBE-EXT's masquerade: under Cluster it still sees the client. This row fails if the
    // finding fired on the SNAT the node does after the check.
    ['pass-through LB, Cluster: still the client (the filter precedes the masquerade)', 'allow-lists', (inv) => {
      service(inv, 'reports', 'reports').externalTrafficPolicy = 'Cluster';
    }, LB_REPORTS, 'checks-client'],
    ['0.0.0.0/0 restricts nothing', 'allow-lists', (inv) => {
      service(inv, 'reports', 'reports').loadBalancerSourceRanges = ['0.0.0.0/0'];
    }, LB_REPORTS, null],
    // kube-proxy reads only the field; MetalLB filters nothing.
    ['annotation only, on MetalLB: applied by no one', 'allow-lists', () => {}, 'loadBalancer:legacy/legacy-api:', 'admits-everyone'],
    ['the same ranges in the field: kube-proxy checks the client', 'allow-lists', (inv) => {
      service(inv, 'legacy', 'legacy-api').loadBalancerSourceRanges = ['203.0.113.0/24'];
    }, 'loadBalancer:legacy/legacy-api:', 'checks-client'],
    // Octavia connects to the NodePort: kube-proxy's filter is keyed on the LB address; only the listener can apply it.
    ['proxying LB (Octavia): only the listener can apply it', 'openstack-proxy', () => {}, 'loadBalancer:ingress-nginx/my-ingress-ingress-nginx-controller:', 'unknown'],
    ['NodePort entries have no source-range filter to judge', 'openstack-proxy', () => {}, 'nodePort:ingress-nginx/my-ingress-ingress-nginx-controller:', null],
  ])('%s', (_what, id, change, prefix, expected) => {
    expectVerdicts(listFindings(paths(id, change), prefix, 'Service'), expected);
  });

  it('names the Service, the field and the check to make on the LB', () => {
    const [f] = listFindings(paths('openstack-proxy'), 'loadBalancer:ingress-nginx/my-ingress-ingress-nginx-controller:203.0.113.41:80@os-worker-1', 'Service')[0]!;
    expect(f!.allowList).toMatchObject({ object: { kind: 'Service', name: 'my-ingress-ingress-nginx-controller' }, field: 'spec.loadBalancerSourceRanges', ranges: ['198.51.100.0/24'] });
    expect(f!.fix).toContain('allowed_cidrs');
    const [legacy] = listFindings(paths('allow-lists'), 'loadBalancer:legacy/legacy-api:', 'Service')[0]!;
    expect(legacy!.fix).toBe(`kubectl patch service -n legacy legacy-api -p '{"spec":{"loadBalancerSourceRanges":["203.0.113.0/24"]}}'`);
  });
});

describe('ingress-nginx allow / deny lists (docs/domain.md#s10.2, #src-S72, #src-S73, #src-S22)', () => {
  /** The controller's Service Local and announced from the controller's node: $remote_addr is the client. */
  const clientKept: Change = (inv) => {
    const svc = service(inv, 'ingress-nginx', 'ingress-nginx-controller');
    svc.externalTrafficPolicy = 'Local';
    svc.announcingNode = 'wk-a';
  };
  it.each<[string, Change, string, Expected, string?]>([
    ['Cluster SNAT, office range only: refuses everyone', () => {}, OFFICE, 'blocks-everyone', 'allowlist-source-range'],
    ['Cluster SNAT, the node subnet listed too: admits everyone', () => {}, INTRANET, 'admits-everyone', 'whitelist-source-range'],
    // The row that fails if the finding fired when nginx sees the client.
    ['Local on the controller node: the client is checked', clientKept, OFFICE, 'checks-client'],
    ['Local, the node subnet listed: still the client (no finding)', clientKept, INTRANET, 'checks-client'],
    // The annotation overrides the ConfigMap; without one, the ConfigMap key applies.
    ['ConfigMap whitelist-source-range under Cluster SNAT', (inv) => {
      delete ingress(inv, 'shop', 'office').annotations;
      controllerSettings(inv, { allowSourceRange: ['203.0.113.0/24'] });
    }, OFFICE, 'blocks-everyone', 'data["whitelist-source-range"]'],
    // Deny rules come first and match the node: everyone is refused.
    ['denylist with the node subnet', (inv) => {
      ingress(inv, 'shop', 'office').annotations = { 'nginx.ingress.kubernetes.io/denylist-source-range': '192.0.2.0/24' };
    }, OFFICE, 'blocks-everyone', 'denylist-source-range'],
    ['denylist of a client range: matches no one', (inv) => {
      ingress(inv, 'shop', 'office').annotations = { 'nginx.ingress.kubernetes.io/denylist-source-range': '198.18.0.0/15' };
    }, OFFICE, 'admits-everyone', 'denylist-source-range'],
    // The alias is read only when allowlist-source-range is empty (parser/validators.go checkAnnotation).
    ['allowlist-source-range wins over its whitelist alias', (inv) => {
      ingress(inv, 'shop', 'office').annotations!['nginx.ingress.kubernetes.io/whitelist-source-range'] = '203.0.113.0/24,192.0.2.0/24';
    }, OFFICE, 'blocks-everyone', 'allowlist-source-range'],
    ['denylist-source-range on a v1.5 controller: not read', (inv) => {
      controllerVersion(inv, 'v1.5.1');
      ingress(inv, 'shop', 'office').annotations = { 'nginx.ingress.kubernetes.io/denylist-source-range': '198.18.0.0/15' };
    }, OFFICE, 'admits-everyone', 'denylist-source-range'],
    // allowlist-source-range arrived in controller-v1.9.0: an older controller reads no list at all.
    ['allowlist-source-range on a v1.8 controller: not read', (inv) => controllerVersion(inv, 'v1.8.4'), OFFICE, 'admits-everyone', 'allowlist-source-range'],
    // use-forwarded-headers trusting the node subnet, the LB writing nothing: nginx takes the node (no XFF from an L4 LB).
    ['realip on but nothing carries the client: still the node', (inv) => controllerSettings(inv, { useForwardedHeaders: true, trustedCIDRs: ['192.0.2.0/24'] }), OFFICE, 'blocks-everyone'],
  ])('%s', (_what, change, prefix, expected, field) => {
    expectVerdicts(listFindings(paths('allow-lists', change), prefix, 'Ingress/ConfigMap'), expected, field);
  });

  it('the fix makes nginx see the client, and takes the node range out of a list that admits everyone', () => {
    const [office] = listFindings(paths('allow-lists'), OFFICE, 'Ingress/ConfigMap')[0]!;
    expect(office!.fix).toBe(`kubectl patch service -n ingress-nginx ingress-nginx-controller -p '{"spec":{"externalTrafficPolicy":"Local"}}'`);
    expect(office!.whatIf).toBe('svc:ingress-nginx/ingress-nginx-controller.externalTrafficPolicy=Local');
    const [intranet] = listFindings(paths('allow-lists'), INTRANET, 'Ingress/ConfigMap')[0]!;
    expect(intranet!.fix).toContain('then remove 192.0.2.0/24 from metadata.annotations["nginx.ingress.kubernetes.io/whitelist-source-range"]');
  });
});

describe('NetworkPolicy ipBlock (docs/domain.md#s10.3, #src-S74)', () => {
  const shopPolicy = (...p: NetworkPolicyInfo[]): Change => (inv) => {
    inv.networkPolicies = [...(inv.networkPolicies ?? []).filter((x) => x.namespace !== 'shop'), ...p];
  };
  const reportsCluster: Change = (inv) => {
    service(inv, 'reports', 'reports').externalTrafficPolicy = 'Cluster';
  };
  it.each<[string, Change, string, Expected]>([
    // The backend sees the controller pod (a new connection), never the client.
    ['behind the controller, client ranges: refuses everyone', () => {}, OFFICE, 'blocks-everyone'],
    ['behind the controller, the pod range listed: admits everyone', shopPolicy(ipBlockPolicy('shop', 'pods', '203.0.113.0/24', '10.244.0.0/16')), OFFICE, 'admits-everyone'],
    // A selector peer could admit the controller pod: beyond an address view.
    ['a namespaceSelector beside the ipBlock: unknown', shopPolicy(policy({ namespace: 'shop', name: 'mixed', ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: [] } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [] }] })), OFFICE, 'unknown'],
    ['a rule with no from admits every source: nothing to judge', shopPolicy(ipBlockPolicy('shop', 'office', '203.0.113.0/24'), policy({ namespace: 'shop', name: 'all', ingress: [{ from: [], ports: [] }] })), OFFICE, null],
    ['a policy that selects other pods', shopPolicy(policy({ ...ipBlockPolicy('shop', 'other', '203.0.113.0/24'), podSelector: { matchLabels: { app: 'other' } } })), OFFICE, null],
    ['policyTypes without Ingress', shopPolicy({ ...ipBlockPolicy('shop', 'egress-only', '203.0.113.0/24'), ingressIsolation: false }), OFFICE, null],
    // Local keeps the client: the row that fails if the finding fired when the pod sees the client.
    ['Local LB into the pod: the client is checked', () => {}, LB_REPORTS, 'checks-client'],
    ['Local NodePort on the pod node: the client is checked', () => {}, 'nodePort:reports/reports:30930@wk-b', 'checks-client'],
    // Cluster: masqueraded on another node, the packet arrives with that node's address.
    ['Cluster NodePort on another node: refuses everyone', reportsCluster, 'nodePort:reports/reports:30930@wk-a', 'blocks-everyone'],
    ['Cluster, node subnet listed: admits everyone', (inv) => {
      reportsCluster(inv);
      inv.networkPolicies = [...inv.networkPolicies!.filter((p) => p.namespace !== 'reports'), ipBlockPolicy('reports', 'office', '203.0.113.0/24', '192.0.2.0/24')];
    }, 'nodePort:reports/reports:30930@wk-a', 'admits-everyone'],
    // Masqueraded on the pod's own node: order undefined, resident node unblockable.
    ['Cluster, masqueraded on the pod node: depends on the CNI', reportsCluster, 'nodePort:reports/reports:30930@wk-b', 'unknown'],
  ])('%s', (_what, change, prefix, expected) => {
    expectVerdicts(listFindings(paths('allow-lists', change), prefix, 'NetworkPolicy'), expected);
  });

  it('behind a controller the fix moves the client check to the controller and admits the controller', () => {
    const [f] = listFindings(paths('allow-lists'), OFFICE, 'NetworkPolicy')[0]!;
    expect(f!.allowList).toMatchObject({ object: { kind: 'NetworkPolicy', namespace: 'shop', name: 'shop-web-office' }, seen: { role: 'ingressController', address: '10.244.1.10' } });
    expect(f!.fix).toContain('kubectl annotate ingress -n shop office --overwrite nginx.ingress.kubernetes.io/allowlist-source-range=203.0.113.0/24');
    expect(f!.fix).toContain('kubernetes.io/metadata.name: ingress-nginx');
  });
});
