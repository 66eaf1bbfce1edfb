// Small builders for probe tests: a plain-data inventory and paths, shaped like discovery and the model output.
import { hopInfo, nodeInfo, SEES_CLIENT } from '@/lib/testing/inventory';
import type { Hop, NetPath, NodeInfo } from '@/lib/types';

export { clusterInventory as inventory, podInfo as pod, serviceInfo as service } from '@/lib/testing/inventory';

export function node(name: string, internalIP: string, podCIDR: string): NodeInfo {
  return nodeInfo({ name, internalIP, podCIDRs: [podCIDR] });
}

/** Named after its id and believing the client; its peer is unset unless given. */
export function hop(partial: Partial<Hop> & Pick<Hop, 'id' | 'kind'>): Hop {
  return hopInfo({ name: partial.id, ...SEES_CLIENT, expectedPeer: null, ...partial });
}

export function path(partial: Partial<NetPath> & Pick<NetPath, 'id' | 'entry'>): NetPath {
  return {
    hops: [hop({ id: 'client', kind: 'client' }), hop({ id: 'pod:lab/echo', kind: 'pod', expectedPeer: 'client' })],
    verdict: 'preserved',
    findings: [],
    appClient: { via: 'source', role: 'client', value: 'client' },
    ...partial,
  };
}
