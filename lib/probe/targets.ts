// Where probes may go: only addresses and ports hopscope discovered in the cluster (DESIGN "Safety rules for
// probes"). A TargetSet is built from the inventory alone; planning asks it before every probe, so there is no
// way to probe an address a user typed (SSRF-safe by construction).
import type { ClusterInventory, ProbeTarget } from '@/lib/types';

const key = (address: string, port: number) => `${address}|${port}`;

export class TargetSet {
  private readonly labels = new Map<string, string>();

  private add(address: string | null | undefined, port: number | null | undefined, label: string): void {
    if (!address || !port || !Number.isInteger(port) || port < 1 || port > 65535) return;
    const k = key(address, port);
    if (!this.labels.has(k)) this.labels.set(k, label);
  }

  has(address: string, port: number): boolean {
    return this.labels.has(key(address, port));
  }

  /** What the address is in the inventory, e.g. "node node2 NodePort 30081 (lab/echo-nodeport-local)". */
  labelOf(address: string, port: number): string | null {
    return this.labels.get(key(address, port)) ?? null;
  }

  get size(): number {
    return this.labels.size;
  }

  /** Every node, Service, load-balancer, Ingress and pod address with the ports the cluster objects give them. */
  static fromInventory(inventory: ClusterInventory): TargetSet {
    const set = new TargetSet();
    const nodeAddresses = inventory.nodes.flatMap((n) =>
      [n.internalIP, n.externalIP].filter((a): a is string => Boolean(a)).map((address) => ({ node: n.name, address })),
    );
    for (const svc of inventory.services) {
      const ref = `${svc.namespace}/${svc.name}`;
      for (const port of svc.ports) {
        if (svc.clusterIP) set.add(svc.clusterIP, port.port, `ClusterIP ${svc.clusterIP}:${port.port} (${ref})`);
        for (const ip of svc.loadBalancerIPs) set.add(ip, port.port, `LB ${ip}:${port.port} (${ref})`);
        for (const ip of svc.externalIPs) set.add(ip, port.port, `external IP ${ip}:${port.port} (${ref})`);
        for (const { node, address } of nodeAddresses) {
          set.add(address, port.nodePort, `node ${node} NodePort ${port.nodePort} (${ref})`);
        }
        if (typeof port.targetPort === 'number') {
          for (const ep of svc.endpoints) set.add(ep.ip, port.targetPort, `pod ${ep.targetRef?.name ?? ep.ip}:${port.targetPort} (${ref})`);
        }
      }
      for (const { node, address } of nodeAddresses) {
        set.add(address, svc.healthCheckNodePort, `node ${node} healthCheckNodePort ${svc.healthCheckNodePort} (${ref})`);
      }
    }
    for (const ingress of inventory.ingresses) {
      for (const address of ingress.addresses) {
        set.add(address, 80, `Ingress ${ingress.namespace}/${ingress.name} at ${address}:80`);
        if (ingress.tls) set.add(address, 443, `Ingress ${ingress.namespace}/${ingress.name} at ${address}:443`);
      }
    }
    for (const pod of inventory.pods) {
      for (const hp of pod.hostPorts) {
        set.add(pod.hostIP, hp.hostPort, `hostPort ${hp.hostPort} of ${pod.namespace}/${pod.name} on ${pod.nodeName ?? '?'}`);
      }
    }
    return set;
  }
}

/** A ProbeTarget for an address the inventory knows, or null: the only way planning creates targets. */
export function targetFromInventory(
  set: TargetSet,
  address: string | null | undefined,
  port: number | null | undefined,
  extra: Omit<ProbeTarget, 'address' | 'port' | 'label'> = {},
): ProbeTarget | null {
  if (!address || !port) return null;
  const label = set.labelOf(address, port);
  return label === null ? null : { address, port, label, ...extra };
}
