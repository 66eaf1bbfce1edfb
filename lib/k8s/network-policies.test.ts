// NetworkPolicies and the other allow-list inputs as discovery normalises them (docs/domain.md#s10.1–#s10.3).
import type { V1Ingress, V1NetworkPolicy, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ingressNginxSettings, normalizeIngress } from './ingress';
import { normalizeNetworkPolicy } from './network-policies';
import { normalizeInventory } from './normalize';
import { emptyRawObjects } from './raw';

const np = (spec: V1NetworkPolicy['spec']): V1NetworkPolicy => ({ metadata: { namespace: 'shop', name: 'office' }, spec });

describe('normalizeNetworkPolicy (docs/domain.md#s10.3, #src-S74)', () => {
  // policyTypes defaults to Ingress (plus Egress when egress rules exist): a policy isolates ingress unless told not to.
  it.each<[string, string[] | undefined, boolean]>([
    ['no policyTypes', undefined, true],
    ['Ingress', ['Ingress'], true],
    ['Ingress and Egress', ['Ingress', 'Egress'], true],
    ['Egress only', ['Egress'], false],
  ])('%s ⇒ isolates ingress: %s', (_what, policyTypes, isolation) => {
    expect(normalizeNetworkPolicy(np({ podSelector: {}, ...(policyTypes ? { policyTypes } : {}) })).ingressIsolation).toBe(isolation);
  });

  it('reads `from` as the API sends it (plain JSON), the client model\'s `_from`, ipBlock.except and ports', () => {
    const wire = { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: ' 203.0.113.0/24 ', except: ['203.0.113.128/25'] } }, { namespaceSelector: {} }], ports: [{ port: 'http' }, { protocol: 'TCP', port: 8080, endPort: 8090 }] }] };
    const viaModel = { podSelector: {}, ingress: [{ _from: [{ ipBlock: { cidr: '198.51.100.0/24' } }] }] };
    expect(normalizeNetworkPolicy(np(wire as V1NetworkPolicy['spec']))).toEqual({
      namespace: 'shop',
      name: 'office',
      podSelector: { matchLabels: { app: 'web' } },
      ingressIsolation: true,
      ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }, { namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 8080, endPort: 8090 }] }],
    });
    expect(normalizeNetworkPolicy(np(viaModel)).ingress[0]!.from).toEqual([{ ipBlock: { cidr: '198.51.100.0/24', except: [] } }]);
  });

  it('a policy without spec selects every pod and admits nothing', () => {
    expect(normalizeNetworkPolicy({ metadata: { namespace: 'a', name: 'deny' } })).toEqual({ namespace: 'a', name: 'deny', podSelector: {}, ingressIsolation: true, ingress: [] });
  });
});

describe('source ranges on Services, Ingresses and the ingress-nginx ConfigMap (docs/domain.md#s10.1, #s10.2)', () => {
  const context = { source: { mode: 'demo' as const, context: 'demo/unit', server: '' }, errors: [], discoveredAt: '', durationMs: 0 };
  const svc = (spec: Partial<V1Service['spec']>, annotations: Record<string, string> = {}): V1Service => ({
    metadata: { namespace: 'a', name: 'lb', annotations },
    spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
  });

  it.each<[string, V1Service, string[], string[]]>([
    ['the field, trimmed', svc({ loadBalancerSourceRanges: [' 203.0.113.0/24', '198.51.100.0/24 '] }), ['203.0.113.0/24', '198.51.100.0/24'], []],
    ['the annotation, comma-separated', svc({}, { 'service.beta.kubernetes.io/load-balancer-source-ranges': '203.0.113.0/24, 198.51.100.0/24' }), [], ['203.0.113.0/24', '198.51.100.0/24']],
    ['neither', svc({}), [], []],
  ])('%s', (_what, service, field, annotation) => {
    const [info] = normalizeInventory({ ...emptyRawObjects(), services: [service] }, context).services;
    expect(info).toMatchObject({ loadBalancerSourceRanges: field, loadBalancerSourceRangesAnnotation: annotation });
  });

  it('keeps only the access-control annotations of an Ingress, and none when it has none', () => {
    const ingress = (annotations: Record<string, string>): V1Ingress => ({ metadata: { namespace: 'a', name: 'i', annotations }, spec: {} });
    const kept = normalizeIngress(ingress({ 'nginx.ingress.kubernetes.io/allowlist-source-range': '203.0.113.0/24', 'nginx.ingress.kubernetes.io/rewrite-target': '/' }), [], []);
    expect(kept.annotations).toEqual({ 'nginx.ingress.kubernetes.io/allowlist-source-range': '203.0.113.0/24' });
    expect(normalizeIngress(ingress({ 'nginx.ingress.kubernetes.io/rewrite-target': '/' }), [], []).annotations).toBeUndefined();
  });

  it('reads the ConfigMap keys whitelist-source-range and denylist-source-range', () => {
    const settings = ingressNginxSettings({ data: { 'whitelist-source-range': '203.0.113.0/24, 198.51.100.0/24', 'denylist-source-range': '192.0.2.66' } }, 'ConfigMap x/y');
    expect(settings).toMatchObject({ allowSourceRange: ['203.0.113.0/24', '198.51.100.0/24'], denySourceRange: ['192.0.2.66'] });
    expect(ingressNginxSettings(undefined, 'defaults').allowSourceRange).toBeUndefined();
  });
});
