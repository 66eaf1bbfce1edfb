import { describe, expect, it } from 'vitest';
import type { NetPath } from '@/lib/types';
import { predictedObservation } from './observation';
import { buildPaths } from '@/lib/model';
import { LAB, ingressSetup, inventory, nginxSettings, port } from '@/test/support/lab-inventory';

const inv = () =>
  inventory({
    loadBalancers: [{ provider: 'cloud', name: 'openstack', pools: [] }],
    ...ingressSetup({
      controllerService: { name: 'ingress-nginx-controller', type: 'LoadBalancer', lbAddress: LAB.vip, policy: 'Local', ports: [port(80, 30880)], annotations: { 'loadbalancer.openstack.org/proxy-protocol': 'v2' } },
      settings: nginxSettings({ useProxyProtocol: true }),
    }),
  });
const ID = `ingress:default/echo:echo.example.test:echo@loadBalancer:ingress-nginx/ingress-nginx-controller:${LAB.vip}:80@node1`;

describe('predictedObservation', () => {
  it('says per hop what an echo reports, as roles (docs/lab.md#row-20)', () => {
    const path = buildPaths(inv()).find((p) => p.id === ID)!;
    const direct = predictedObservation(path);
    expect(direct.outcome).toBe('ok');
    expect(direct.hops.map((h) => h.kind)).toEqual(['loadBalancer', 'node', 'ingressController', 'service', 'pod']);
    expect(direct.hops[2]).toMatchObject({ peerRole: 'loadBalancer', proxyProtocolSrcRole: 'client', believedRole: 'client', via: 'proxy-protocol' });
    expect(direct.final).toMatchObject({ peerRole: 'ingressController', peerAddress: LAB.ingressPod, xRealIpRole: 'client', xForwardedForLastRole: 'client' });
  });

  it('predicts what a forging client gets through', () => {
    const path = buildPaths(inv()).find((p) => p.id === ID)!;
    const spoof = predictedObservation(path, 'spoof');
    // The forged X-Forwarded-For is replaced: nginx takes the client from the LB's PROXY header.
    expect(spoof.final).toMatchObject({ xRealIpRole: 'client', xForwardedForRoles: ['client'] });
  });

  it('falls back to the public hop fields for paths without arrivals (older snapshots)', () => {
    const path = buildPaths(inv()).find((p) => p.id === ID)!;
    const plain: NetPath = { ...path, hops: path.hops.map(({ id, kind, name, address, expectedPeer, expectedPeerRole, clientAddressVia, believedClient, believedClientRole, objects, details }) => ({ id, kind, name, address, expectedPeer, expectedPeerRole, clientAddressVia, believedClient, believedClientRole, objects, details })) };
    const fallback = predictedObservation(plain);
    expect(fallback.final).toMatchObject({ peerRole: 'ingressController', believedRole: 'client', xRealIpRole: null });
  });
});
