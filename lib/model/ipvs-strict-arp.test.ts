// MetalLB layer 2 behind kube-proxy in IPVS mode: without ipvs.strictARP every node answers ARP for the address
// (MetalLB installation docs, "If you're using kube-proxy in IPVS mode … you have to enable strict ARP mode";
// docs/domain.md#s2.4, #s4). The finding names the ConfigMap the setting is read from and the fix; BGP, iptables mode
// and strictARP on stay quiet.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import type { KubeProxyInfo, LoadBalancerPool, TrafficPolicy } from '@/lib/types';
import { LAB, inventory, port, service } from '@/test/support/lab-inventory';

function paths(kubeProxy: KubeProxyInfo, mode: LoadBalancerPool['mode'], policy: TrafficPolicy) {
  const pools: LoadBalancerPool[] = [{ name: 'default', addresses: ['198.51.100.50-198.51.100.60'], mode }];
  const echo = service({ name: 'echo', type: 'LoadBalancer', provider: 'metallb', lbAddress: LAB.vip, policy, ports: [port(80, 30080)] });
  const inv = inventory({ kubeProxy, loadBalancers: [{ provider: 'metallb', pools }], services: [{ ...echo, loadBalancerPool: 'default', announcingNode: mode === 'layer2' ? 'node1' : null }] });
  return buildPaths(inv).filter((p) => p.entry.kind === 'loadBalancer');
}
const ipvs = (strictARP: boolean | null, configMap = 'kube-system/kube-proxy'): KubeProxyInfo => ({ mode: 'ipvs', source: 'configmap', clusterCIDR: null, strictARP, configMap });

describe('ipvs-strict-arp-off', () => {
  it.each<[string, KubeProxyInfo, LoadBalancerPool['mode'], TrafficPolicy, boolean]>([
    ['layer 2, IPVS, strictARP false, Local', ipvs(false), 'layer2', 'Local', true],
    ['layer 2, IPVS from EKS kube-proxy-config, strictARP at its default (false)', ipvs(false, 'kube-system/kube-proxy-config'), 'layer2', 'Cluster', true],
    ['layer 2, IPVS, strictARP true', ipvs(true), 'layer2', 'Local', false],
    ['layer 2, iptables', { mode: 'iptables', source: 'configmap', clusterCIDR: null }, 'layer2', 'Local', false],
    ['BGP, IPVS, strictARP false', ipvs(false), 'bgp', 'Local', false],
  ])('%s', (_label, kubeProxy, mode, policy, warned) => {
    const found = paths(kubeProxy, mode, policy).flatMap((p) => p.findings.filter((f) => f.code === 'ipvs-strict-arp-off'));
    expect(found.length > 0).toBe(warned);
    if (!warned) return;
    const [finding] = found;
    expect(finding!.severity).toBe('warning');
    expect(finding!.message).toContain(`without ipvs.strictARP (${kubeProxy.configMap})`);
    expect(finding!.message.includes('drops what reaches it')).toBe(policy === 'Local');
    const [namespace, name] = kubeProxy.configMap!.split('/');
    expect(finding!.fix).toContain(`kubectl get configmap ${name} -n ${namespace} -o yaml | sed -e "s/strictARP: false/strictARP: true/" | kubectl apply -f - -n ${namespace}`);
  });
});
