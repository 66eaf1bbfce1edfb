// Findings that follow from the kind of way in alone: pods calling their own ClusterIP Service, and traffic that
// leaves the cluster through a node.
import type { Finding } from '@/lib/types';
import type { PathPlan } from '../plan';
import { finding, hopIdOf, ref } from './finding';

export function entryFindings(plan: PathPlan): Finding[] {
  if (plan.entry.kind === 'clusterIP') return hairpinFindings(plan);
  if (plan.entry.kind === 'egress') return egressFindings(plan);
  if (plan.entry.kind === 'externalIP') return externalIPFindings(plan);
  return [];
}

/** Kubernetes leaves routing an externalIP to the network (docs/domain.md#s2.11): say which node was assumed. */
function externalIPFindings(plan: PathPlan): Finding[] {
  const { externalIP, service: svc, node } = plan.context;
  if (!externalIP || externalIP.routing !== 'assumed' || !svc) return [];
  return [
    finding('external-ip-routing-assumed', {
      hopId: hopIdOf(plan, 'node'),
      message:
        `${externalIP.address} (spec.externalIPs of ${ref(svc)}) is no node's address, and Kubernetes does not route it: this path assumes the network delivers it to ${node?.name ?? 'a node'}. ` +
        `Whichever node it reaches, kube-proxy there applies externalTrafficPolicy ${svc.externalTrafficPolicy ?? 'Cluster'}.`,
      fix: null,
    }),
  ];
}

function hairpinFindings(plan: PathPlan): Finding[] {
  const svc = plan.context.service;
  const appHop = hopIdOf(plan, 'app');
  if (!svc || !appHop) return [];
  return [
    finding('hairpin-snat', {
      hopId: appHop,
      message: `Pods of ${ref(svc)} that call this Service and land on themselves see their node's IP, not their own.`,
      fix: null,
    }),
  ];
}

function egressFindings(plan: PathPlan): Finding[] {
  const { appPod: pod, node, cni } = plan.context;
  const out: Finding[] = [];
  if (cni?.natOutgoing !== false) {
    out.push(
      finding('egress-snat', {
        hopId: hopIdOf(plan, 'node'),
        message: `Traffic from ${pod ? `${pod.namespace}/${pod.name}` : 'pods'} leaves through ${node?.name ?? 'its node'} masqueraded to the node IP, so outside services see the node.`,
        fix: pod?.egressProxy ? null : 'Add a transparent egress proxy sidecar that writes X-Forwarded-For with the pod IP (HTTP only), or route pod CIDRs without NAT (Calico IPPool natOutgoing: false).',
        tradeOff: 'Routing pod addresses needs the outside network to know the pod CIDRs; a header can be set by any pod and must only be trusted from the cluster.',
        whatIf: [{ target: 'cni', setting: 'natOutgoing', value: false }],
      }),
    );
  }
  if (pod?.egressProxy) {
    out.push(
      finding('egress-proxy-header', {
        hopId: hopIdOf(plan, 'egressProxy'),
        message: `${pod.egressProxy.container} writes ${pod.egressProxy.injectsHeaders.join(', ') || 'headers'} into outgoing HTTP requests; receivers can identify the pod only if they trust the cluster's egress addresses for that header.`,
        fix: null,
      }),
    );
  }
  return out;
}
