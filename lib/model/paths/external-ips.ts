// spec.externalIPs as a way in (docs/domain.md#s2.11): Kubernetes does not route these addresses; whatever node the
// network delivers them to, kube-proxy there captures them as external traffic, so externalTrafficPolicy applies as
// for a NodePort. An externalIP that is a node's own address enters through that node; any other is assumed to reach
// every ready node, and a finding says so.
import type { NodeInfo, ServiceInfo, ServicePortInfo } from '@/lib/types';
import { nodeProxyOf } from '../cilium';
import { clientStage, nodePortStage } from '../stages';
import { externalIPWay } from './in-cluster';
import type { Model } from './model';
import { type Prefix, ciliumContext, nodeGroups, schemeOf } from './ways-in';

function ownerOf(nodes: NodeInfo[], address: string): NodeInfo | undefined {
  return nodes.find((n) => n.internalIP === address || n.externalIP === address);
}

export function externalIPPrefixes(m: Model, svc: ServiceInfo, port: ServicePortInfo): Prefix[] {
  return [...new Set(svc.externalIPs)].sort().flatMap((address): Prefix[] => {
    const owner = ownerOf(m.readyNodes, address);
    const routing = owner ? ('node-address' as const) : ('assumed' as const);
    const base = `externalIP:${svc.namespace}/${svc.name}:${address}:${port.port}`;
    const groups = owner ? [{ node: owner, alike: { count: 0, sample: [] } }] : nodeGroups(svc, m.readyNodes);
    return groups.map(({ node, alike }) => ({
      id: `${base}@${node.name}`,
      entry: { kind: 'externalIP', namespace: svc.namespace, name: svc.name, host: null, address, port: port.port, scheme: schemeOf(port) },
      stages: [clientStage(), nodePortStage(svc, node, port.port, nodeProxyOf(m.inventory), m.inventory.cni, alike, port.protocol)],
      context: { service: svc, node, policy: svc.externalTrafficPolicy ?? 'Cluster', externalIP: { address, routing }, ...ciliumContext(m, port) },
      node,
      inCluster: externalIPWay(m, svc, address),
      servicePort: port,
      hostPort: null,
    }));
  });
}
