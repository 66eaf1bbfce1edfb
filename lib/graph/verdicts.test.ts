import { describe, expect, it } from 'vitest';
import { hopInfo, SEES_CLIENT } from '@/test/support/inventory';
import type { ClientAddressVia, Hop, NetPath } from '@/lib/types';
import { predictedHopStatus } from './verdicts';

const client = hopInfo({ id: 'client', kind: 'client', name: 'client', ...SEES_CLIENT });
const pathOf = (hops: Hop[], verdict: NetPath['verdict'] = 'header'): NetPath => ({
  id: 'p',
  entry: { kind: 'loadBalancer', namespace: 'lab', name: 'echo', host: null, address: '198.51.100.50', port: 80 },
  hops: [client, ...hops],
  verdict,
  findings: [],
  appClient: { via: 'x-real-ip', role: 'client', value: 'client' },
});

// A node behind a proxying LB: its TCP peer is the LB (docs/lab.md#row-13–#row-17).
const nodeBehindProxy = (via: ClientAddressVia) =>
  hopInfo({ id: 'node:192.0.2.11', kind: 'node', name: 'node1', expectedPeer: '192.0.2.1', expectedPeerRole: 'loadBalancer', clientAddressVia: via, believedClient: '192.0.2.1', believedClientRole: 'loadBalancer' });

describe('predictedHopStatus', () => {
  it.each([
    ['x-forwarded-for', 'header', 'docs/lab.md#row-15: HAProxy option forwardfor'],
    ['proxy-protocol', 'header', 'docs/lab.md#row-16–#row-17: send-proxy(-v2)'],
    ['none', 'lost', 'docs/lab.md#row-13: plain TCP proxy'],
  ] as const)('a node behind a proxy LB with the client %s is %s (%s)', (via, status, _source) => {
    const node = nodeBehindProxy(via);
    expect(predictedHopStatus(node, pathOf([node]))).toBe(status);
  });

  it('an ingress controller that refuses the header is lost even though the header reached it (docs/lab.md#row-22)', () => {
    const controller = hopInfo({
      id: 'ingressController:10.244.1.20',
      kind: 'ingressController',
      name: 'ingress-a',
      expectedPeer: '192.0.2.12',
      expectedPeerRole: 'node',
      clientAddressVia: 'x-forwarded-for',
      believedClient: '192.0.2.12',
      believedClientRole: 'node',
    });
    expect(predictedHopStatus(controller, pathOf([controller], 'lost'))).toBe('lost');
  });

  it('the first hop is where the request starts, not a verdict', () => {
    expect(predictedHopStatus(client, pathOf([]))).toBe('neutral');
  });
});
