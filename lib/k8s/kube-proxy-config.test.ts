// kube-proxy's configuration where each distribution keeps it, read through @kubernetes/client-node from the HTTPS
// fixture API server: kubeadm's kube-system/kube-proxy (config.conf) wins, EKS's kube-system/kube-proxy-config
// (config) is read when it is the only one, and neither being there is no discovery error (docs/domain.md#s2.4).
import { afterEach, describe, expect, it } from 'vitest';
import type { ManifestObject } from '@/lib/demo/manifest';
import { startFixtureApiServer, type FixtureApiServer } from '@/test/fixture-apiserver/server';
import { getInventory } from './inventory';

const node: ManifestObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'ip-192-0-2-10.ec2.internal' },
  status: { addresses: [{ type: 'InternalIP', address: '192.0.2.10' }], conditions: [{ type: 'Ready', status: 'True' }] },
};
const configMap = (name: string, key: string, text: string): ManifestObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'kube-system', name }, data: { [key]: text } });
const eks = configMap('kube-proxy-config', 'config', 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: ""\nmode: "ipvs"\nipvs:\n  strictARP: false\n');
const kubeadm = configMap('kube-proxy', 'config.conf', 'kind: KubeProxyConfiguration\nmode: nftables\n');

let server: FixtureApiServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function kubeProxyOf(objects: ManifestObject[]) {
  server = await startFixtureApiServer({ objects });
  const inventory = await getInventory({ kubeconfigPath: server.kubeconfigPath, inCluster: false, forceDemo: false, inventoryTtlMs: 0 });
  expect(inventory.errors).toEqual([]);
  return inventory.kubeProxy;
}

describe('kube-proxy configuration through the API', () => {
  it('EKS: kube-system/kube-proxy-config, key config', async () => {
    expect(await kubeProxyOf([node, eks])).toMatchObject({ mode: 'ipvs', source: 'configmap', strictARP: false, configMap: 'kube-system/kube-proxy-config' });
  });
  it("kubeadm's kube-system/kube-proxy wins when both exist", async () => {
    expect(await kubeProxyOf([node, eks, kubeadm])).toMatchObject({ mode: 'nftables', configMap: 'kube-system/kube-proxy' });
  });
  it('neither: unknown, and no error', async () => {
    expect(await kubeProxyOf([node])).toMatchObject({ mode: 'unknown', source: 'unknown' });
  });
});
