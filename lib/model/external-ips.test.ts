// Rule: spec.externalIPs is a way in that follows externalTrafficPolicy (docs/domain.md#s2.11, #src-S49): kube-proxy
// captures traffic to an external IP on the Service port like a NodePort's external traffic (Cluster: masquerade;
// Local: only a node with a local endpoint answers, the others drop), and Kubernetes itself does not route the
// address to any node — an address that is no node's own is an assumption the paths state.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import { predictInCluster } from '@/lib/model/vantage';
import { patch, scenarioInventory, type Edit } from '@/test/support/scenario-cluster';

const inventory = (...edits: Edit[]) => scenarioInventory('bare-metal-hostnetwork', ...edits);
const ofPrefix = (prefix: string, ...edits: Edit[]) => buildPaths(inventory(...edits)).filter((p) => p.id.startsWith(prefix));
const policy = (name: string, value: 'Cluster' | 'Local') => patch('Service', name, (s) => (s.spec.externalTrafficPolicy = value));

describe('docs/domain.md#s2.11: Service externalIPs', () => {
  it.each([
    // [case, Service, policy, expected paths → verdicts, finding on every path]
    ['a node\'s own address, Local, endpoint on that node: the client is kept', 'mail', 'Local', { 'externalIP:apps/mail:203.0.113.72:80@bm-w2': 'preserved' }, null],
    ['a node\'s own address, Cluster: masqueraded to that node', 'mail', 'Cluster', { 'externalIP:apps/mail:203.0.113.72:80@bm-w2': 'lost' }, 'snat-cluster-policy'],
    [
      'a routed address, Cluster: whichever node it reaches masquerades',
      'gateway',
      'Cluster',
      { 'externalIP:apps/gateway:198.51.100.90:80@bm-cp': 'lost', 'externalIP:apps/gateway:198.51.100.90:80@bm-w1': 'lost', 'externalIP:apps/gateway:198.51.100.90:80@bm-w2': 'lost' },
      'external-ip-routing-assumed',
    ],
    [
      'a routed address, Local: only the endpoint\'s node answers, the others drop',
      'gateway',
      'Local',
      { 'externalIP:apps/gateway:198.51.100.90:80@bm-cp': 'unreachable', 'externalIP:apps/gateway:198.51.100.90:80@bm-w1': 'preserved', 'externalIP:apps/gateway:198.51.100.90:80@bm-w2': 'unreachable' },
      'external-ip-routing-assumed',
    ],
  ] as const)('%s', (_name, service, value, expected, code) => {
    const paths = ofPrefix(`externalIP:apps/${service}:`, policy(service, value));
    expect(Object.fromEntries(paths.map((p) => [p.id, p.verdict]))).toEqual(expected);
    for (const p of paths) {
      expect(p.entry).toMatchObject({ kind: 'externalIP', address: p.id.split(':')[2], port: 80 });
      if (code) expect(p.findings.map((f) => f.code)).toContain(code);
      else expect(p.findings).toEqual([]);
    }
  });

  it('no externalIPs, no such paths', () => {
    expect(ofPrefix('externalIP:apps/wiki:')).toEqual([]);
  });

  it('from a pod, kube-proxy on its own node captures the address (no routing needed): Local keeps the pod address via the pod-traffic rule', () => {
    const inv = inventory(policy('gateway', 'Local'));
    const prediction = predictInCluster(inv, { id: 'externalIP:apps/gateway:198.51.100.90:80@bm-cp' }, { node: 'bm-w2', address: '10.244.72.50' });
    expect(prediction).toMatchObject({ vantage: 'in-cluster', verdict: 'preserved', expectedOutcome: 'ok' });
    expect(prediction?.note).toMatch(/intercepts the externalIP 198\.51\.100\.90/);
  });
});
