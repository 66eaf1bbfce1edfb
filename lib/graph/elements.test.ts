import { describe, expect, it } from 'vitest';
import type { Hop, NetPath } from '@/lib/types';
import {
  echoIngressPath,
  echoIngressTrace,
  egressProxyPath,
  grafanaNodePortFanOut,
  grafanaNodePortPath,
  nodePortLocalPath,
  nodePortTraceWithMismatch,
  proxyProtocolBrokenPath,
} from '@/test/support/samples';
import { MAX_SIDE_BY_SIDE, buildHopGraph, groupStages, loadBalancerLook } from './elements';

const GRAFANA_POD = 'pod:monitoring/grafana-7c6d5b4a3-zz9yx';
const ECHO_POD = 'pod:hopscope/hopscope-echo-7f9d8c6b5-k2p7d';
const LAB_ECHO_POD = 'pod:lab/echo-6d5f7c9b8-x7k2p';

describe('groupStages', () => {
  it('puts consecutive hops of one kind side by side', () => {
    const stages = groupStages(grafanaNodePortFanOut.hops);
    expect(stages.map((s) => s.map((h) => h.name))).toEqual([['client'], ['cp-1', 'wk-a', 'wk-b'], ['grafana-7c6d5b4a3-zz9yx']]);
  });

  it('keeps a chain of different kinds one hop per stage', () => {
    expect(groupStages(echoIngressPath.hops).map((s) => s.map((h) => h.kind))).toEqual([
      ['client'],
      ['loadBalancer'],
      ['node'],
      ['ingressController'],
      ['service'],
      ['pod'],
    ]);
  });
});

describe('buildHopGraph', () => {
  it('draws one node per hop with the hop id as stable node id', () => {
    const graph = buildHopGraph(echoIngressPath);
    expect(graph.nodes.map((n) => n.id)).toEqual(echoIngressPath.hops.map((h) => h.id));
    expect(buildHopGraph(echoIngressPath)).toEqual(graph);
  });

  it('connects each group to the next one', () => {
    expect(buildHopGraph(grafanaNodePortFanOut).edges.map((e) => e.id)).toEqual([
      'client->node:cp-1',
      'client->node:wk-a',
      'client->node:wk-b',
      `node:cp-1->${GRAFANA_POD}`,
      `node:wk-a->${GRAFANA_POD}`,
      `node:wk-b->${GRAFANA_POD}`,
    ]);
    const { hops } = echoIngressPath;
    expect(buildHopGraph(echoIngressPath).edges.map((e) => e.id)).toEqual(hops.slice(1).map((h, i) => `${hops[i]!.id}->${h.id}`));
  });

  it('labels each edge with the peer the next hop sees and how the client address travels', () => {
    const graph = buildHopGraph(echoIngressPath);
    const intoPod = graph.edges.find((e) => e.target === ECHO_POD);
    expect(intoPod?.data).toMatchObject({ peer: '10.244.1.20', peerRole: 'ingressController', via: 'x-real-ip', status: 'header' });
  });

  it('labels only one of several edges into the same hop', () => {
    const graph = buildHopGraph(grafanaNodePortFanOut);
    const intoPod = graph.edges.filter((e) => e.target === GRAFANA_POD);
    expect(intoPod.map((e) => e.data.labelled)).toEqual([false, true, false]);
    const fanOut = graph.edges.filter((e) => e.source === 'client');
    expect(fanOut).toHaveLength(3);
    expect(fanOut.every((e) => e.data.labelled)).toBe(true);
  });

  it.each([
    [echoIngressPath, ['neutral', 'preserved', 'preserved', 'preserved', 'header', 'header']],
    [grafanaNodePortPath, ['neutral', 'preserved', 'lost']],
    [proxyProtocolBrokenPath, ['neutral', 'preserved', 'header', 'broken']],
    [egressProxyPath, ['neutral', 'preserved', 'preserved', 'header']],
  ] as [NetPath, string[]][])('colours every hop of %s by what it takes as the client', (path, statuses) => {
    const graph = buildHopGraph(path);
    expect(graph.nodes.map((n) => (n.type === 'hop' ? n.data.predicted : n.data.status))).toEqual(statuses);
  });

  it('marks hops whose observation differs from the prediction', () => {
    // The lab's Local NodePort, probed: the echo saw node1 (192.0.2.11) where the model predicted the client.
    const graph = buildHopGraph(nodePortLocalPath, nodePortTraceWithMismatch);
    expect(graph.nodes.filter((n) => n.data.mismatch).map((n) => n.id)).toEqual([LAB_ECHO_POD]);
    const echo = graph.nodes.find((n) => n.id === LAB_ECHO_POD);
    expect(echo?.type === 'hop' && [echo.data.predicted, echo.data.observedStatus]).toEqual(['preserved', 'lost']);
    const intoEcho = graph.edges.find((e) => e.target === LAB_ECHO_POD);
    expect(intoEcho?.data).toMatchObject({ peer: 'client', observedPeer: '192.0.2.11', observedRole: 'node', mismatch: true });
    expect(buildHopGraph(nodePortLocalPath).nodes.some((n) => n.data.mismatch)).toBe(false);
  });

  it('keeps the predicted status where the observation confirms it, though the echo reports a proxy as its peer', () => {
    // Behind an ingress controller the echo's TCP peer is the controller; the client arrives in a header.
    const graph = buildHopGraph(echoIngressPath, echoIngressTrace);
    const app = graph.nodes.find((n) => n.id === ECHO_POD);
    expect(app?.type === 'hop' && app.data.observed?.observedPeer).toBe('10.244.1.20');
    expect(app?.type === 'hop' && [app.data.predicted, app.data.observedStatus, app.data.mismatch]).toEqual(['header', 'header', false]);
  });

  it("shows the last hop as the trace's own vantage is predicted to meet it, not as the outside model draws it", () => {
    // An outside client keeps its address on this Local NodePort; a pod elsewhere in the cluster reaches it through
    // its own node's masquerade (natOutgoing) and is seen as that node.
    const last = nodePortLocalPath.hops.at(-1)!;
    const outside = buildHopGraph(nodePortLocalPath).nodes.find((n) => n.id === last.id);
    expect(outside?.type === 'hop' && outside.data.predicted).toBe('preserved');
    const trace = {
      ...nodePortTraceWithMismatch,
      observed: [{ hopId: last.id, observedPeer: '192.0.2.12', observedPeerRole: 'node' as const, via: 'source' as const, matches: true }],
      predicted: { vantage: 'in-cluster' as const, verdict: 'lost' as const, expectedOutcome: 'ok' as const, peerRole: 'node' as const, believedRole: 'node' as const, via: 'source' as const, note: null },
    };
    const node = buildHopGraph(nodePortLocalPath, trace).nodes.find((n) => n.id === last.id);
    expect(node?.type === 'hop' && [node.data.predicted, node.data.observedStatus, node.data.mismatch]).toEqual(['lost', 'lost', false]);
  });

  it('attaches findings to the hop they are about', () => {
    const graph = buildHopGraph(grafanaNodePortPath);
    const findings = graph.nodes.map((n) => [n.id, n.type === 'hop' ? n.data.findings.map((f) => f.code) : []]);
    expect(findings).toEqual([
      ['client', []],
      ['node:wk-a', ['snat-cluster-policy']],
      [GRAFANA_POD, []],
    ]);
  });

  it('folds a wide group into a summary node but keeps mismatched hops visible', () => {
    const [client, template] = grafanaNodePortPath.hops;
    const nodes: Hop[] = Array.from({ length: 40 }, (_, i) => ({ ...template!, id: `node:192.0.2.${i + 1}`, name: `wk-${i}`, address: `192.0.2.${i + 1}` }));
    const path: NetPath = { ...grafanaNodePortPath, hops: [client!, ...nodes, ...grafanaNodePortPath.hops.slice(2)] };
    const trace = {
      ...nodePortTraceWithMismatch,
      pathId: path.id,
      observed: [{ hopId: 'node:192.0.2.30', observedPeer: '10.244.0.1', observedPeerRole: 'node' as const, via: 'source' as const, matches: false }],
    };
    const graph = buildHopGraph(path, trace);
    const nodeIds = graph.nodes.filter((n) => n.data.stage === 1).map((n) => n.id);
    expect(nodeIds).toHaveLength(MAX_SIDE_BY_SIDE);
    expect(nodeIds).toContain('node:192.0.2.30');
    const summary = graph.nodes.find((n) => n.type === 'summary');
    expect(summary?.type === 'summary' && summary.data.hops).toHaveLength(40 - (MAX_SIDE_BY_SIDE - 1));
    expect(graph.edges.filter((e) => e.target === summary?.id)).toHaveLength(1);
  });

  it('gives repeated hop ids distinct node ids', () => {
    const pod = echoIngressPath.hops.at(-1)!;
    const graph = buildHopGraph({ ...echoIngressPath, hops: [...echoIngressPath.hops, pod] });
    expect(graph.nodes.slice(-2).map((n) => n.id)).toEqual([ECHO_POD, `${ECHO_POD}#1`]);
  });
});

describe('loadBalancerLook', () => {
  const lb = echoIngressPath.hops[1]!;
  it.each([
    [{ provider: 'MetalLB', mode: 'passthrough', 'announced by': 'wk-a' }, 'metallb', 'wk-a', undefined],
    [{ provider: 'servicelb' }, 'servicelb', null, undefined],
    [{ provider: 'cloud', cloud: 'hetzner' }, 'cloud-proxy', null, 'loadBalancer'],
    [{ provider: 'cloud', cloud: 'aws' }, 'cloud-pass-through', null, 'client'],
  ] as const)('draws %o as %s', (details, flavour, announcingNode, nextRole) => {
    const next = nextRole ? { ...echoIngressPath.hops[2]!, expectedPeerRole: nextRole } : undefined;
    const look = loadBalancerLook({ ...lb, name: 'lb', objects: [], details: { ...details } }, next);
    expect(look.flavour).toBe(flavour);
    expect(look.announcingNode).toBe(announcingNode);
  });

  it('draws a MetalLB hop of the model as MetalLB, announced by its node', () => {
    expect(lb.kind).toBe('loadBalancer');
    expect(loadBalancerLook(lb, echoIngressPath.hops[2])).toEqual({ flavour: 'metallb', caption: 'MetalLB passthrough', announcingNode: 'wk-a' });
  });
});
