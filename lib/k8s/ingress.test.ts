import type { V1Ingress, V1IngressClass, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { controllerConfigMapRefs, findIngressControllers, ingressNginxConfigMapRef, ingressNginxSettings, normalizeIngress } from './ingress';

describe('ingress-nginx settings', () => {
  it('uses the documented defaults when the ConfigMap is empty or missing', () => {
    expect(ingressNginxSettings(undefined, 'defaults')).toEqual({
      useForwardedHeaders: false,
      useProxyProtocol: false,
      computeFullForwardedFor: false,
      trustedCIDRs: ['0.0.0.0/0'],
      enableRealIp: false,
      forwardedForHeader: 'X-Forwarded-For',
      origin: 'defaults',
    });
  });

  it('reads every client-IP key', () => {
    const settings = ingressNginxSettings(
      {
        data: {
          'use-forwarded-headers': 'True',
          'use-proxy-protocol': 'true',
          'compute-full-forwarded-for': 'true',
          'proxy-real-ip-cidr': '192.0.2.0/24, 198.51.100.0/24',
          'enable-real-ip': 'true',
          'forwarded-for-header': 'CF-Connecting-IP',
        },
      },
      'ConfigMap x/y',
    );
    expect(settings).toMatchObject({
      useForwardedHeaders: true,
      useProxyProtocol: true,
      computeFullForwardedFor: true,
      trustedCIDRs: ['192.0.2.0/24', '198.51.100.0/24'],
      enableRealIp: true,
      forwardedForHeader: 'CF-Connecting-IP',
    });
  });

  it.each([
    [['--configmap=$(POD_NAMESPACE)/ingress-nginx-controller'], 'ingress-nginx', { namespace: 'ingress-nginx', name: 'ingress-nginx-controller' }],
    [['--configmap', 'other/cm'], 'ingress-nginx', { namespace: 'other', name: 'cm' }],
    [['--configmap=just-a-name'], 'ns1', { namespace: 'ns1', name: 'just-a-name' }],
    [['--election-id=x'], 'ns1', null],
  ])('--configmap in %j', (args, namespace, expected) => {
    expect(ingressNginxConfigMapRef(args, namespace)).toEqual(expected);
  });
});

const nginxPod = (name: string, namespace: string, args: string[]): V1Pod => ({
  metadata: {
    name,
    namespace,
    labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'pod-template-hash': 'abc12' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name.split('-abc12')[0]}-abc12`, uid: 'u', controller: true }],
  },
  spec: { nodeName: 'n1', containers: [{ name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.15.1', args: ['/nginx-ingress-controller', ...args] }] },
  status: { phase: 'Running', podIP: '10.244.1.2', conditions: [{ type: 'Ready', status: 'True' }] },
});

describe('ingress → class → controller', () => {
  const pods = [
    nginxPod('public-controller-abc12-x', 'ingress-public', ['--configmap=$(POD_NAMESPACE)/public']),
    nginxPod('internal-controller-abc12-y', 'ingress-internal', ['--controller-class=example.com/internal', '--ingress-class=internal']),
  ];
  const classes: V1IngressClass[] = [
    { metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } },
    { metadata: { name: 'internal-class' }, spec: { controller: 'example.com/internal' } },
  ];
  const controllers = findIngressControllers(pods, [], classes, new Map([['ingress-public/public', { data: { 'use-forwarded-headers': 'true' } }]]));
  const ingress = (spec: V1Ingress['spec'], annotations: Record<string, string> = {}): V1Ingress => ({
    metadata: { name: 'i', namespace: 'app', annotations },
    spec,
  });

  it('groups controller pods by workload and reads their ConfigMap', () => {
    expect(controllers.map((c) => [c.info.id, c.info.ingressClasses, c.info.configMap, c.info.settings.useForwardedHeaders])).toEqual([
      ['ingress-nginx/ingress-internal/internal-controller', ['internal', 'internal-class'], null, false],
      ['ingress-nginx/ingress-public/public-controller', ['nginx'], 'ingress-public/public', true],
    ]);
    expect(controllerConfigMapRefs(pods)).toEqual([{ namespace: 'ingress-public', name: 'public' }]);
  });

  it.each([
    ['spec.ingressClassName', ingress({ ingressClassName: 'internal-class' }), 'internal-class', 'ingress-internal'],
    ['legacy annotation naming no IngressClass', ingress({}, { 'kubernetes.io/ingress.class': 'internal' }), 'internal', 'ingress-internal'],
    ['default IngressClass', ingress({}), 'nginx', 'ingress-public'],
  ])('resolves the class from %s', (_label, ing, className, controllerNamespace) => {
    const info = normalizeIngress(ing, classes, controllers);
    expect(info.className).toBe(className);
    expect(info.controller?.namespace).toBe(controllerNamespace);
  });

  it('has no controller for a class nobody serves, and lists hosts, TLS, backends and addresses', () => {
    const info = normalizeIngress(
      {
        metadata: { name: 'shop', namespace: 'shop' },
        spec: {
          ingressClassName: 'haproxy',
          defaultBackend: { service: { name: 'fallback', port: { name: 'http' } } },
          tls: [{ hosts: ['shop.example.com'] }],
          rules: [
            { host: 'shop.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } }] } },
            { host: 'shop.example.com', http: { paths: [{ pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
          ],
        },
        status: { loadBalancer: { ingress: [{ ip: '198.51.100.1' }, { hostname: 'lb.example.com' }] } },
      },
      classes,
      controllers,
    );
    expect(info).toEqual({
      namespace: 'shop',
      name: 'shop',
      className: 'haproxy',
      hosts: ['shop.example.com'],
      tls: true,
      tlsHosts: ['shop.example.com'],
      addresses: ['198.51.100.1', 'lb.example.com'],
      backends: [
        { host: null, path: '/', serviceName: 'fallback', servicePort: 'http' },
        { host: 'shop.example.com', path: '/api', serviceName: 'api', servicePort: 8080 },
        { host: 'shop.example.com', path: '/', serviceName: 'web', servicePort: 80 },
      ],
      controller: null,
    });
  });
});
