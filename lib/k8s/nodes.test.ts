import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { detectCni, kubeProxyInfo, nodeRoles, normalizeNode } from './nodes';
import { egressProxy, podWorkload } from './pods';

const kubeadmConfig = (mode: string) => ({
  data: { 'config.conf': `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16\nmode: ${mode}\n` },
});

describe('kube-proxy mode', () => {
  it.each([
    ['empty mode (kubeadm default) → iptables by default', kubeadmConfig('""'), [], { mode: 'iptables', source: 'default' }],
    ['ipvs', kubeadmConfig('ipvs'), [], { mode: 'ipvs', source: 'configmap' }],
    ['nftables', kubeadmConfig('nftables'), [], { mode: 'nftables', source: 'configmap' }],
    ['an unknown word', kubeadmConfig('userspace'), [], { mode: 'unknown', source: 'configmap' }],
    ['no ConfigMap', undefined, [], { mode: 'unknown', source: 'unknown', clusterCIDR: null }],
    ['no ConfigMap on k3s (embedded kube-proxy)', undefined, [{ status: { nodeInfo: { kubeletVersion: 'v1.31.6+k3s1' } } }], { mode: 'iptables', source: 'default' }],
    ['unparsable config.conf', { data: { 'config.conf': 'mode: [' } }, [], { mode: 'unknown', source: 'unknown' }],
  ])('%s', (_label, configMap, nodes, expected) => {
    expect(kubeProxyInfo(configMap, nodes as V1Node[])).toMatchObject(expected);
  });

  it('keeps clusterCIDR from config.conf', () => {
    expect(kubeProxyInfo(kubeadmConfig('iptables'), []).clusterCIDR).toBe('10.244.0.0/16');
  });

  // docs/domain.md#s2.4: EKS keeps the configuration in kube-system/kube-proxy-config under the key `config`
  // (AWS "How do I configure ipvs kube-proxy mode in Amazon EKS?"), MetalLB needs ipvs.strictARP (its install docs).
  it.each([
    ['EKS kube-proxy-config, key config, IPVS', { metadata: { namespace: 'kube-system', name: 'kube-proxy-config' }, data: { config: 'kind: KubeProxyConfiguration\nmode: "ipvs"\nipvs:\n  scheduler: rr\n' } }, { mode: 'ipvs', source: 'configmap', strictARP: false, configMap: 'kube-system/kube-proxy-config' }],
    ['kubeadm with strictARP on', { metadata: { namespace: 'kube-system', name: 'kube-proxy' }, data: { 'config.conf': 'mode: ipvs\nipvs:\n  strictARP: true\n' } }, { mode: 'ipvs', strictARP: true, configMap: 'kube-system/kube-proxy' }],
    ['kubeadm as kubeadm writes it: strictARP false', { metadata: { namespace: 'kube-system', name: 'kube-proxy' }, data: { 'config.conf': 'mode: ""\nipvs:\n  strictARP: false\n' } }, { mode: 'iptables', source: 'default', strictARP: false }],
  ])('%s', (_label, configMap, expected) => {
    expect(kubeProxyInfo(configMap, [])).toMatchObject(expected);
  });
});

describe('nodes', () => {
  it.each([
    [{ 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' }, ['control-plane', 'master']],
    [{ 'kubernetes.io/role': 'worker' }, ['worker']],
    [{ 'node-role.kubernetes.io/': '' }, []],
  ])('roles of %j', (labels, roles) => {
    expect(nodeRoles(labels)).toEqual(roles);
  });

  it('reads addresses, readiness, exclusion label, providerID and pod CIDRs', () => {
    const info = normalizeNode({
      metadata: { name: 'n1', labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' } },
      spec: { providerID: 'aws:///eu-west-1a/i-0abc', podCIDR: '10.244.3.0/24' },
      status: {
        addresses: [
          { type: 'Hostname', address: 'n1' },
          { type: 'ExternalIP', address: '203.0.113.3' },
          { type: 'InternalIP', address: '192.0.2.3' },
        ],
        conditions: [
          { type: 'MemoryPressure', status: 'False' },
          { type: 'Ready', status: 'Unknown' },
        ],
      },
    } as V1Node);
    expect(info).toMatchObject({
      internalIP: '192.0.2.3',
      externalIP: '203.0.113.3',
      ready: false,
      excludeFromExternalLB: true,
      providerID: 'aws:///eu-west-1a/i-0abc',
      podCIDRs: ['10.244.3.0/24'],
    });
  });
});

describe('CNI', () => {
  const ds = (name: string) => ({ metadata: { name, namespace: 'kube-system' } });
  it.each([
    [[ds('calico-node'), ds('kube-proxy')], 'calico'],
    [[ds('cilium'), ds('cilium-envoy')], 'cilium'],
    [[ds('kube-flannel-ds')], 'flannel'],
    [[ds('canal'), ds('calico-node')], 'canal'],
    [[ds('kube-proxy')], 'unknown'],
  ])('%j → %s', (daemonSets, name) => {
    expect(detectCni(daemonSets, [], []).name).toBe(name);
  });

  it('detects from kube-system pods when DaemonSets are not readable', () => {
    const pod = { metadata: { name: 'cilium-x8k2p', namespace: 'kube-system' } } as V1Pod;
    expect(detectCni([], [pod], []).name).toBe('cilium');
  });

  it('per node: the CNI agent pod running there and flannel\'s backend annotation (docs/domain.md#s2.12, #src-S80)', () => {
    const agent = (name: string, nodeName: string) => ({ metadata: { name, namespace: 'kube-system' }, spec: { nodeName, containers: [] } }) as V1Pod;
    const node = (name: string, annotations: Record<string, string> = {}) => ({ metadata: { name, annotations } }) as V1Node;
    const cni = detectCni(
      [ds('calico-node'), ds('kube-flannel-ds')],
      [agent('calico-node-7xk2p', 'a'), agent('kube-flannel-ds-b9w3t', 'b'), agent('coredns-5d78c9869d-x2x7p', 'c')],
      [node('a'), node('b', { 'flannel.alpha.coreos.com/backend-type': 'vxlan' }), node('c'), node('d', { 'flannel.alpha.coreos.com/backend-type': 'host-gw' })],
    );
    expect(cni).toEqual({
      name: 'calico',
      natOutgoing: null,
      nodes: [
        { node: 'a', name: 'calico', backend: null },
        { node: 'b', name: 'flannel', backend: 'vxlan' },
        { node: 'd', name: null, backend: 'host-gw' },
      ],
    });
    expect(detectCni([ds('calico-node')], [], [node('a')])).toEqual({ name: 'calico', natOutgoing: null });
  });
});

describe('pods', () => {
  it.each([
    [{ kind: 'ReplicaSet', name: 'web-5d7c9b8f4' }, { 'pod-template-hash': '5d7c9b8f4' }, { kind: 'Deployment', name: 'web' }],
    [{ kind: 'ReplicaSet', name: 'web-5d7c9b8f4' }, {}, { kind: 'Deployment', name: 'web' }],
    [{ kind: 'DaemonSet', name: 'speaker' }, {}, { kind: 'DaemonSet', name: 'speaker' }],
  ])('workload of a pod owned by %j', (owner, labels, expected) => {
    const pod = { metadata: { labels, ownerReferences: [{ ...owner, apiVersion: 'apps/v1', uid: 'u', controller: true }] } } as V1Pod;
    expect(podWorkload(pod)).toEqual(expected);
  });

  it('recognises the nginx-tranproxy sidecar and the headers it injects (docs/sources.md#seed-004)', () => {
    const pod = {
      spec: {
        containers: [
          { name: 'tail', image: 'lijiaocn/alpine-tool:0.1', args: ['tail', '-f', '/dev/null'] },
          {
            name: 'proxy',
            image: 'registry.example/egress-proxy:1',
            args: ['-P', '80', '--Set-Forwarded-For', 'default', '-H', 'X-Pod-Name:$(POD_NAME)'],
            securityContext: { capabilities: { add: ['NET_ADMIN'] } },
          },
        ],
      },
    } as V1Pod;
    expect(egressProxy(pod)).toEqual({ container: 'proxy', image: 'registry.example/egress-proxy:1', injectsHeaders: ['X-Forwarded-For', 'X-Pod-Name'] });
    expect(egressProxy({ spec: { containers: [{ name: 'app', args: ['-H', 'x:y'] }] } } as V1Pod)).toBeNull();
  });
});
