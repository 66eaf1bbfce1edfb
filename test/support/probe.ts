// Small builders for probe tests: a plain-data inventory and paths, shaped like discovery and the model output.
import { hopInfo, nodeInfo, podInfo, SEES_CLIENT } from '@/test/support/inventory';
import { ECHO_REPORT_KIND, type EchoReport } from '@/lib/echo/report';
import type { EndpointInfo, Hop, IngressInfo, NetPath, NodeInfo, OutsideProbe, PodInfo } from '@/lib/types';

export { clusterInventory as inventory, podInfo as pod, serviceInfo as service } from '@/test/support/inventory';

export function node(name: string, internalIP: string, podCIDR: string): NodeInfo {
  return nodeInfo({ name, internalIP, podCIDRs: [podCIDR] });
}

/** A hopscope echo pod, labelled as the Helm chart labels it. */
export function echoPod(namespace: string, name: string, ip: string, nodeName: string): PodInfo {
  return podInfo({ namespace, name, ip, nodeName, roles: ['echo'], labels: { 'app.kubernetes.io/name': 'hopscope-echo' } });
}

/** A ready endpoint that names its pod, as EndpointSlices do. */
export function endpointOf(pod: Pick<PodInfo, 'namespace' | 'name' | 'ip' | 'nodeName'>): EndpointInfo {
  return { ip: pod.ip!, nodeName: pod.nodeName, ready: true, targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name } };
}

/** An Ingress with one host, served at `addresses`, without a controller unless given. */
export function ingress(partial: Partial<IngressInfo> & Pick<IngressInfo, 'namespace' | 'name'>): IngressInfo {
  return { className: null, hosts: [], tls: false, tlsHosts: [], addresses: [], backends: [], controller: null, ...partial };
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

/**
 * The lab echo's JSON answer to an outside probe, as it reaches the vantage that sent it: `peer` is who the echo saw,
 * `httpPath` the request it answered (its nonce is what a report is checked by).
 */
export function outsideEchoBody(probe: OutsideProbe, peer: string, httpPath = probe.httpPath): string {
  const report: EchoReport = {
    kind: ECHO_REPORT_KIND,
    peer: { address: peer, port: 40123 },
    local: { address: '10.244.1.10', port: 8080 },
    proxyProtocol: null,
    tls: false,
    sni: null,
    request: { method: 'GET', path: httpPath, httpVersion: '1.1' },
    host: probe.target.host ?? `${probe.target.address}:${probe.target.port}`,
    headers: [['Host', probe.target.host ?? probe.target.address], ...probe.headers],
    identity: { podName: 'echo-0', podNamespace: 'lab', podIp: '10.244.1.10', nodeName: 'node1' },
    receivedAt: '2026-12-03T09:00:00.000Z',
  };
  return JSON.stringify(report);
}
