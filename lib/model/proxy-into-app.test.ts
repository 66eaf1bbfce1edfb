// A PROXY preamble sent by the load balancer straight to an application pod (docs/domain.md#s8.1): only a receiver
// configured for PROXY reads it. echoserver's nginx.conf listens on 8080 without `proxy_protocol` (docs/domain.md#src-S1);
// traefik/whoami, ealen/echo-server and mendhak/http-https-echo are plain Go / Express HTTP servers (#src-S4, #src-S5,
// #src-S6); any of them reads "PROXY TCP4 …" as a request line and answers 400 (docs/lab.md#row-21 for nginx).
// The pods go through discovery's normalizePod, so the test also holds discovery to which pods parse PROXY.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import { normalizePod } from '@/lib/k8s/pods';
import type { PodInfo } from '@/lib/types';
import { LAB, inventory, port, service } from '@/test/support/lab-inventory';

const HETZNER = [{ provider: 'cloud' as const, name: 'hetzner', pools: [] }];
const PROXY_ON = { 'load-balancer.hetzner.cloud/uses-proxyprotocol': 'true' };
const LB = `loadBalancer:default/web:${LAB.vip}:80@node1`;

function v1Pod(image: string, labels: Record<string, string> = {}): V1Pod {
  return {
    metadata: { namespace: 'default', name: 'web-0', labels },
    spec: { nodeName: 'node1', containers: [{ name: 'web', image }] },
    status: { phase: 'Running', podIP: LAB.echoPod, hostIP: LAB.node1, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function lbPath(pod: PodInfo | null, annotations: Record<string, string> = PROXY_ON) {
  const inv = inventory({
    loadBalancers: HETZNER,
    pods: pod ? [pod] : [],
    services: [service({ name: 'web', type: 'LoadBalancer', lbAddress: LAB.vip, ports: [port(80, 30080)], policy: 'Local', annotations })],
  });
  const path = buildPaths(inv).find((p) => p.id === LB);
  if (!path) throw new Error(`no path ${LB}`);
  return path;
}

describe('docs/domain.md#s8.1: PROXY protocol into an application pod', () => {
  it.each([
    ['a plain app (no role, not in the inventory)', null, 'broken'],
    ['registry.k8s.io/echoserver:1.10 (#src-S1: no proxy_protocol in nginx.conf)', normalizePod(v1Pod('registry.k8s.io/echoserver:1.10'), false), 'broken'],
    ['traefik/whoami:v1.11.0 (#src-S4)', normalizePod(v1Pod('traefik/whoami:v1.11.0'), false), 'broken'],
    ['ealen/echo-server:0.9.2 (#src-S5)', normalizePod(v1Pod('ealen/echo-server:0.9.2'), false), 'broken'],
    ['mendhak/http-https-echo:41 (#src-S6)', normalizePod(v1Pod('mendhak/http-https-echo:41'), false), 'broken'],
    ['the hopscope echo (reads PROXY when it comes)', normalizePod(v1Pod('ghcr.io/hopscope/hopscope:1', { 'app.kubernetes.io/name': 'hopscope-echo' }), false), 'header'],
  ] as const)('%s ⇒ %s', (_name, pod, verdict) => {
    const path = lbPath(pod);
    expect(path.verdict).toBe(verdict);
    const app = path.hops.at(-1)!;
    expect(app.kind).toBe('pod');
    // The pod's peer is the LB either way: what differs is whether the preamble is read.
    expect(app.expectedPeerRole).toBe('loadBalancer');
    const finding = path.findings.find((f) => f.code === 'proxy-protocol-app-must-parse');
    if (verdict === 'broken') {
      expect(path.expectedOutcome).toBe('http-error');
      expect(finding).toMatchObject({ severity: 'error', hopId: app.id });
      expect(finding?.fix).toContain('kubectl annotate service -n default web --overwrite load-balancer.hetzner.cloud/uses-proxyprotocol-');
      expect(finding?.fix).toContain('proxy_protocol');
      expect(finding?.whatIf).toBe('svc:default/web.proxyProtocol=off');
    } else {
      expect(path.expectedOutcome).toBe('ok');
      expect(app.clientAddressVia).toBe('proxy-protocol');
      expect(app.believedClientRole).toBe('client');
      expect(finding).toBeUndefined();
    }
  });

  it('without the annotation the same plain app is lost, not broken: the proxying LB hides the client', () => {
    const path = lbPath(normalizePod(v1Pod('registry.k8s.io/echoserver:1.10'), false), {});
    expect(path.verdict).toBe('lost');
    expect(path.hops.at(-1)?.expectedPeerRole).toBe('loadBalancer');
    expect(path.findings.map((f) => f.code)).not.toContain('proxy-protocol-app-must-parse');
  });

  it('discovery marks only the hopscope echo as parsing PROXY', () => {
    expect(normalizePod(v1Pod('registry.k8s.io/echoserver:1.10'), false)).toMatchObject({ roles: ['echo'], parsesProxyProtocol: false });
    expect(normalizePod(v1Pod('x', { 'app.kubernetes.io/component': 'echo' }), false)).toMatchObject({ parsesProxyProtocol: true });
  });
});
