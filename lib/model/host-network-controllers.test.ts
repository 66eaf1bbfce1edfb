// Rule: an ingress controller in the host network is reached on each node's address on 80/443 (ingress-nginx
// bare-metal considerations, "Via the host network", docs/domain.md#s6.5, #src-S85; docs/sources.md#seed-001), also
// when a ClusterIP Service stands in front; the TCP source it sees is the client. The entry address is the one the
// Ingress status publishes for that node.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { hostPorts } from '@/lib/k8s/pods';
import { buildPaths } from '@/lib/model';
import { patch, scenarioInventory, type Edit } from '@/test/support/scenario-cluster';

const wiki = (...edits: Edit[]) => buildPaths(scenarioInventory('bare-metal-hostnetwork', ...edits)).filter((p) => p.id.startsWith('ingress:apps/wiki:'));
const controllerService = (type: string, extra: Record<string, unknown> = {}) =>
  patch('Service', 'ingress-nginx-controller', (s) => {
    s.spec.type = type;
    Object.assign(s.spec, extra);
  });

describe('docs/domain.md#s6.5: hostNetwork ingress controllers', () => {
  it('behind a ClusterIP Service: one way in per controller pod, on the node address the Ingress publishes, client as TCP source', () => {
    const paths = wiki();
    expect(paths.map((p) => [p.id, p.entry.address, p.entry.port, p.verdict])).toEqual([
      ['ingress:apps/wiki:wiki.example.com:wiki@hostNetwork:ingress-nginx/ingress-nginx-controller-r7m3q:443', '203.0.113.72', 443, 'header'],
      ['ingress:apps/wiki:wiki.example.com:wiki@hostNetwork:ingress-nginx/ingress-nginx-controller-x4k2p:443', '203.0.113.71', 443, 'header'],
    ]);
    for (const p of paths) {
      const controller = p.hops.find((h) => h.kind === 'ingressController')!;
      expect(controller.expectedPeerRole).toBe('client');
      expect(p.hops.find((h) => h.kind === 'node')!.details.SNAT).toBe('none');
    }
  });

  it('Ingress status with internal addresses (--report-node-internal-ip-address): the entry is the InternalIP', () => {
    const edit = patch('Ingress', 'wiki', (i) => (i.status.loadBalancer.ingress = [{ ip: '192.0.2.71' }, { ip: '192.0.2.72' }]));
    expect(wiki(edit).map((p) => p.entry.address).sort()).toEqual(['192.0.2.71', '192.0.2.72']);
  });

  it('with a NodePort Service too: both the NodePort (masqueraded under Cluster) and the host network are ways in', () => {
    const edit = controllerService('NodePort', {
      ports: [
        { name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 'https', nodePort: 30443, protocol: 'TCP' },
      ],
    });
    const verdicts = Object.fromEntries(wiki(edit).map((p) => [p.id.split('@').slice(1).join('@'), p.verdict]));
    expect(verdicts).toMatchObject({
      'hostNetwork:ingress-nginx/ingress-nginx-controller-x4k2p:443': 'header',
      'nodePort:ingress-nginx/ingress-nginx-controller:30443@bm-w1': 'lost',
    });
  });

  it('pods neither in the host network nor with host ports behind a ClusterIP Service: only the in-cluster way', () => {
    const off: Edit = (objects) => {
      for (const o of objects as unknown as V1Pod[]) {
        if (o.kind === 'Pod' && o.metadata?.name?.startsWith('ingress-nginx-controller-')) {
          o.spec!.hostNetwork = false;
          for (const p of o.spec!.containers[0]!.ports ?? []) delete p.hostPort;
        }
      }
      return objects;
    };
    expect(wiki(off).map((p) => p.entry.kind === 'ingress' && p.id.split('@')[1]?.split(':')[0])).toEqual(['clusterIP']);
  });
});

describe('docs/domain.md#s6.5: a hostNetwork pod\'s container ports are its host ports (API defaulting)', () => {
  const pod = (hostNetwork: boolean, ports: { containerPort: number; hostPort?: number }[]): V1Pod => ({
    spec: { hostNetwork, containers: [{ name: 'c', ports }] },
  });
  it.each([
    ['hostNetwork, hostPort left out', pod(true, [{ containerPort: 80 }, { containerPort: 443 }]), [80, 443]],
    ['hostNetwork, hostPort as the API server writes it', pod(true, [{ containerPort: 80, hostPort: 80 }]), [80]],
    ['pod network, no hostPort: no node port', pod(false, [{ containerPort: 80 }]), []],
    ['pod network with a hostPort', pod(false, [{ containerPort: 8080, hostPort: 8087 }]), [8087]],
  ] as const)('%s', (_name, v1, expected) => {
    expect(hostPorts(v1).map((h) => h.hostPort)).toEqual(expected);
  });
});
