import { describe, expect, it } from 'vitest';
import type { NetPath, PathEntry } from '@/lib/types';
import { planProbes } from './plan';
import { notProbedReason } from './scope';
import { echoPod, endpointOf, hop, ingress, inventory, node, path, pod, service } from '@/test/support/probe';

const nodes = [node('node1', '192.0.2.11', '10.244.1.0/24')];
const echo = echoPod('hopscope', 'echo-0', '10.244.1.10', 'node1');
const app = pod({ namespace: 'shop', name: 'shop-0', ip: '10.244.1.40', nodeName: 'node1' });
// Discovery gives any well-known echo server the role 'echo'; only the hopscope label makes it a probe target.
const whoami = pod({ namespace: 'lab', name: 'whoami-0', ip: '10.244.1.50', nodeName: 'node1', roles: ['echo'], images: ['traefik/whoami:v1.10'] });
const port = { name: 'http', port: 80, nodePort: 30080, targetPort: 8080, protocol: 'TCP' };
const svc = (namespace: string, name: string, endpoints = [endpointOf(echo)], extra = {}) =>
  service({ namespace, name, type: 'NodePort', clusterIP: '10.96.0.10', ports: [port], endpoints, ...extra });

const entry = (kind: PathEntry['kind'], namespace: string, name: string, extra: Partial<PathEntry> = {}): PathEntry => ({
  kind,
  namespace,
  name,
  host: null,
  address: null,
  port: 30080,
  ...extra,
});
const nodePortPath = (namespace: string, name: string) => path({ id: `np:${namespace}/${name}`, entry: entry('nodePort', namespace, name) });

const echoSvc = svc('hopscope', 'echo');
const shop = svc('shop', 'shop', [endpointOf(app)]);
const mixed = svc('hopscope', 'mixed', [endpointOf(echo), endpointOf(app)]);
const labelled = svc('shop', 'shop-labelled', [endpointOf(app)], { labels: { 'hopscope.io/probe-target': 'true' } });
const annotated = svc('shop', 'shop-annotated', [endpointOf(app)], { annotations: { 'hopscope.io/probe-target': 'true' } });
const empty = svc('hopscope', 'no-endpoints', []);
const whoamiSvc = svc('lab', 'whoami', [endpointOf(whoami)]);
const controllerSvc = svc('ingress-nginx', 'controller', [{ ip: '10.244.1.20', nodeName: 'node1', ready: true }]);
const inv = inventory({
  nodes,
  pods: [echo, app, whoami],
  services: [echoSvc, shop, mixed, labelled, annotated, empty, whoamiSvc, controllerSvc],
  ingresses: [
    ingress({
      namespace: 'shop',
      name: 'web',
      hosts: ['shop.example.com'],
      addresses: ['192.0.2.11'],
      controller: {
        id: 'ingress-nginx/ingress-nginx/controller',
        kind: 'ingress-nginx',
        namespace: 'ingress-nginx',
        service: 'controller',
        settings: { useForwardedHeaders: false, useProxyProtocol: false, computeFullForwardedFor: false, trustedCIDRs: [], origin: 'defaults' },
        ingressClasses: ['nginx'],
        pods: [],
      },
    }),
  ],
});

/** An Ingress path through the controller to the backend Service `backend`. */
function ingressPath(backend: string): NetPath {
  const [namespace, name] = backend.split('/') as [string, string];
  return path({
    id: `ingress:${backend}`,
    entry: entry('ingress', 'shop', 'web', { host: 'shop.example.com', address: '192.0.2.11', port: 80, scheme: 'http' }),
    hops: [
      hop({ id: 'client', kind: 'client' }),
      hop({ id: 'ingressController:ingress-nginx/ctrl', kind: 'ingressController' }),
      hop({ id: `service:${backend}`, kind: 'service', objects: [{ kind: 'Service', namespace, name }] }),
      hop({ id: 'pod', kind: 'pod' }),
    ],
  });
}

describe('which paths a trace probes', () => {
  it.each([
    ['a Service whose endpoints are all hopscope echo pods', nodePortPath('hopscope', 'echo')],
    ['a Service labelled hopscope.io/probe-target=true', nodePortPath('shop', 'shop-labelled')],
    ['a Service annotated hopscope.io/probe-target=true', nodePortPath('shop', 'shop-annotated')],
    ['an Ingress whose backend leads to the echo, whatever the controller Service', ingressPath('hopscope/echo')],
  ])('probes %s', (_what, netPath) => {
    expect(notProbedReason(netPath, inv)).toBeNull();
    expect(planProbes([netPath], inv).length).toBeGreaterThan(0);
  });

  it.each([
    ['an application Service', nodePortPath('shop', 'shop'), 'shop/shop'],
    ['a Service with one echo endpoint and one other', nodePortPath('hopscope', 'mixed'), 'hopscope/mixed'],
    ['a Service without endpoints', nodePortPath('hopscope', 'no-endpoints'), 'hopscope/no-endpoints'],
    ['another echo server that is not labelled', nodePortPath('lab', 'whoami'), 'lab/whoami'],
    ["an ingress controller's own Service", nodePortPath('ingress-nginx', 'controller'), 'ingress-nginx/controller'],
    ['an Ingress to an application backend', ingressPath('shop/shop'), 'shop/shop'],
  ])('does not probe %s, and says how to opt it in', (_what, netPath, ref) => {
    const [namespace, name] = ref.split('/');
    expect(notProbedReason(netPath, inv)).toBe(
      `not probed: Service ${ref} is not a probe target (it does not lead only to the hopscope echo); ` +
        `label the Service hopscope.io/probe-target=true to probe it: kubectl label service -n ${namespace} ${name} hopscope.io/probe-target=true`,
    );
    expect(planProbes([netPath], inv)).toEqual([]);
  });

  it('probes every Service with HOPSCOPE_PROBE_ANY_SERVICE, but never egress', () => {
    expect(notProbedReason(nodePortPath('shop', 'shop'), inv, { probeAnyService: true })).toBeNull();
    expect(planProbes([nodePortPath('shop', 'shop')], inv, { probeAnyService: true }).length).toBeGreaterThan(0);
    const egress = path({ id: 'e', entry: entry('egress', 'shop', 'shop-0', { address: '203.0.113.9', port: 443 }) });
    expect(notProbedReason(egress, inv, { probeAnyService: true })).toMatch(/^not probed: egress leads out of the cluster/);
  });

  it('names an Ingress backend the inventory does not have', () => {
    expect(notProbedReason(ingressPath('shop/gone'), inv)).toMatch(/does not know the Service this path ends at/);
  });

  it('probes a hostNetwork / hostPort path only when the pod is a hopscope echo', () => {
    const hostEcho = { ...echoPod('hopscope', 'echo-host', '192.0.2.11', 'node1'), hostNetwork: true };
    const hostApp = pod({ namespace: 'monitoring', name: 'influxdb', ip: '192.0.2.11', nodeName: 'node1', hostNetwork: true, roles: ['host-network'] });
    const hosts = inventory({ nodes, pods: [hostEcho, hostApp] });
    const hostPath = (namespace: string, name: string) =>
      path({
        id: `hostNetwork:${namespace}/${name}`,
        entry: entry('hostNetwork', namespace, name, { address: '192.0.2.11', port: 8086 }),
        hops: [hop({ id: 'client', kind: 'client' }), hop({ id: `pod:${namespace}/${name}`, kind: 'pod', objects: [{ kind: 'Pod', namespace, name }] })],
      });
    expect(notProbedReason(hostPath('hopscope', 'echo-host'), hosts)).toBeNull();
    expect(notProbedReason(hostPath('monitoring', 'influxdb'), hosts)).toMatch(
      /^not probed: pod monitoring\/influxdb is not a hopscope echo \(app\.kubernetes\.io\/name=hopscope-echo\).*HOPSCOPE_PROBE_ANY_SERVICE=true/,
    );
  });

  it('does not take an endpoint for the echo by an address several pods share', () => {
    // hostNetwork pods carry their node's address: an endpoint without targetRef at that address is not known to be the echo.
    const hostEcho = echoPod('hopscope', 'echo-host', '192.0.2.11', 'node1');
    const other = pod({ namespace: 'kube-system', name: 'agent', ip: '192.0.2.11', nodeName: 'node1' });
    const byAddress = svc('hopscope', 'by-address', [{ ip: '192.0.2.11', nodeName: 'node1', ready: true }]);
    expect(notProbedReason(nodePortPath('hopscope', 'by-address'), inventory({ nodes, pods: [hostEcho, other], services: [byAddress] }))).not.toBeNull();
    expect(notProbedReason(nodePortPath('hopscope', 'by-address'), inventory({ nodes, pods: [hostEcho], services: [byAddress] }))).toBeNull();
  });
});
