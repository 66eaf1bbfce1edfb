import { describe, expect, it } from 'vitest';
import type { Hop, NetPath } from '@/lib/types';
import { MAX_SIDE_BY_SIDE, buildHopGraph, groupStages, loadBalancerLook } from './elements';
import { echoNodePortPath, egressPath, proxyProtocolBrokenPath, shopIngressPath, shopTraceWithMismatch } from './testing/sample-paths';

describe('groupStages', () => {
  it('puts consecutive hops of one kind side by side', () => {
    const stages = groupStages(echoNodePortPath.hops);
    expect(stages.map((s) => s.map((h) => h.name))).toEqual([['client'], ['wk-a', 'wk-b'], ['echo'], ['echo-6c4f9']]);
  });
});

describe('buildHopGraph', () => {
  it('draws one node per hop with the hop id as stable node id', () => {
    const graph = buildHopGraph(shopIngressPath);
    expect(graph.nodes.map((n) => n.id)).toEqual(shopIngressPath.hops.map((h) => h.id));
    expect(buildHopGraph(shopIngressPath)).toEqual(graph);
  });

  it('connects each group to the next one', () => {
    const graph = buildHopGraph(echoNodePortPath);
    expect(graph.edges.map((e) => e.id)).toEqual([
      'client:203.0.113.10->node:192.0.2.11',
      'client:203.0.113.10->node:192.0.2.12',
      'node:192.0.2.11->service:10.96.0.10',
      'node:192.0.2.12->service:10.96.0.10',
      'service:10.96.0.10->pod:10.244.1.10',
    ]);
  });

  it('labels each edge with the peer the next hop sees and how the client address travels', () => {
    const graph = buildHopGraph(shopIngressPath);
    const intoPod = graph.edges.find((e) => e.target === 'pod:10.244.1.10');
    expect(intoPod?.data).toMatchObject({ peer: '10.244.1.20', peerRole: 'ingressController', via: 'x-forwarded-for', status: 'header' });
  });

  it('labels only one of several edges into the same hop', () => {
    const graph = buildHopGraph(echoNodePortPath);
    const intoService = graph.edges.filter((e) => e.target === 'service:10.96.0.10');
    expect(intoService.map((e) => e.data.labelled)).toEqual([true, false]);
    const fanOut = graph.edges.filter((e) => e.source === 'client:203.0.113.10');
    expect(fanOut.every((e) => e.data.labelled)).toBe(true);
  });

  it.each([
    [shopIngressPath, ['neutral', 'preserved', 'preserved', 'preserved', 'header', 'header']],
    [echoNodePortPath, ['neutral', 'preserved', 'preserved', 'lost', 'lost']],
    [proxyProtocolBrokenPath, ['neutral', 'preserved', 'preserved', 'broken']],
    [egressPath, ['neutral', 'lost', 'lost']],
  ] as [NetPath, string[]][])('colours every hop of %s by what it takes as the client', (path, statuses) => {
    const graph = buildHopGraph(path);
    expect(graph.nodes.map((n) => (n.type === 'hop' ? n.data.predicted : n.data.status))).toEqual(statuses);
  });

  it('marks hops whose observation differs from the prediction', () => {
    const graph = buildHopGraph(shopIngressPath, shopTraceWithMismatch);
    expect(graph.nodes.filter((n) => n.data.mismatch).map((n) => n.id)).toEqual(['ingressController:10.244.1.20']);
    const controller = graph.nodes.find((n) => n.id === 'ingressController:10.244.1.20');
    expect(controller?.type === 'hop' && controller.data.observedStatus).toBe('lost');
    const intoController = graph.edges.find((e) => e.target === 'ingressController:10.244.1.20');
    expect(intoController?.data).toMatchObject({ observedPeer: '192.0.2.11', observedRole: 'node', mismatch: true });
  });

  it('keeps the predicted status where the observation confirms it, though the echo reports a proxy as its peer', () => {
    // Behind an ingress controller the echo's TCP peer is the controller; the client arrives in a header (lab: ingress-a).
    const graph = buildHopGraph(shopIngressPath, shopTraceWithMismatch);
    const app = graph.nodes.find((n) => n.id === 'pod:10.244.1.10');
    expect(app?.type === 'hop' && [app.data.predicted, app.data.observedStatus, app.data.mismatch]).toEqual(['header', 'header', false]);
  });

  it('attaches findings to the hop they are about', () => {
    const graph = buildHopGraph(echoNodePortPath);
    const wkB = graph.nodes.find((n) => n.id === 'node:192.0.2.12');
    expect(wkB?.type === 'hop' && wkB.data.findings.map((f) => f.code)).toEqual(['snat-cluster-policy']);
  });

  it('folds a wide group into a summary node but keeps mismatched hops visible', () => {
    const template = echoNodePortPath.hops[1]!;
    const nodes: Hop[] = Array.from({ length: 40 }, (_, i) => ({ ...template, id: `node:192.0.2.${i + 1}`, name: `wk-${i}`, address: `192.0.2.${i + 1}` }));
    const path: NetPath = { ...echoNodePortPath, hops: [echoNodePortPath.hops[0]!, ...nodes, ...echoNodePortPath.hops.slice(3)] };
    const trace = { ...shopTraceWithMismatch, pathId: path.id, observed: [{ hopId: 'node:192.0.2.30', observedPeer: '10.244.0.1', observedPeerRole: 'node' as const, via: 'source' as const, matches: false }] };
    const graph = buildHopGraph(path, trace);
    const nodeIds = graph.nodes.filter((n) => n.data.stage === 1).map((n) => n.id);
    expect(nodeIds).toHaveLength(MAX_SIDE_BY_SIDE);
    expect(nodeIds).toContain('node:192.0.2.30');
    const summary = graph.nodes.find((n) => n.type === 'summary');
    expect(summary?.type === 'summary' && summary.data.hops).toHaveLength(40 - (MAX_SIDE_BY_SIDE - 1));
    expect(graph.edges.filter((e) => e.target === summary?.id)).toHaveLength(1);
  });

  it('gives repeated hop ids distinct node ids', () => {
    const pod = shopIngressPath.hops.at(-1)!;
    const graph = buildHopGraph({ ...shopIngressPath, hops: [...shopIngressPath.hops, pod] });
    expect(graph.nodes.slice(-2).map((n) => n.id)).toEqual(['pod:10.244.1.10', 'pod:10.244.1.10#1']);
  });
});

describe('loadBalancerLook', () => {
  const lb = shopIngressPath.hops[1]!;
  it.each([
    [{ provider: 'MetalLB', mode: 'passthrough', 'announced by': 'wk-a' }, 'metallb', 'wk-a', undefined],
    [{ provider: 'servicelb' }, 'servicelb', null, undefined],
    [{ provider: 'cloud', cloud: 'hetzner' }, 'cloud-proxy', null, 'loadBalancer'],
    [{ provider: 'cloud', cloud: 'aws' }, 'cloud-pass-through', null, 'client'],
  ] as const)('draws %o as %s', (details, flavour, announcingNode, nextRole) => {
    const next = nextRole ? { ...shopIngressPath.hops[2]!, expectedPeerRole: nextRole } : undefined;
    const look = loadBalancerLook({ ...lb, name: 'lb', objects: [], details: { ...details } }, next);
    expect(look.flavour).toBe(flavour);
    expect(look.announcingNode).toBe(announcingNode);
  });
});
