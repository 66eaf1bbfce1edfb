import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { NetPath, PathTrace, TraceRun, Vantage, VantagePrediction } from '@/lib/types';
import { echoIngressPath, echoIngressTrace, nodePortLocalPath, nodePortTraceWithMismatch } from '@/test/support/samples';
import { PathHeader } from '@/components/dashboard/PathHeader';
import { VantageObservations } from '@/components/dashboard/VantageObservations';
import { VantageSummary } from '@/components/dashboard/VantageSummary';
import { buildHopGraph } from './elements';
import { IDLE_TRACE, applyTraceEvent } from './trace-state';
import { graphTraces, inClusterRun, pathVantageViews, pickerTraces, runOfTrace, stateOfTrace, vantageRuns, vantageTitle } from './vantages';

// Samples come from the real model (test/support/samples.ts); the traces here are those samples as each vantage
// would have them back from the server, with the prediction for that vantage the server compared them with.

const POD: Vantage = { kind: 'in-cluster', label: 'hopscope pod hopscope/hopscope-x on wk-a', name: 'hopscope/hopscope-x', node: 'wk-a', address: '10.244.1.9' };
const BROWSER: Vantage = { kind: 'browser', label: 'your browser', name: null, node: null, address: null };
const AGENT: Vantage = { kind: 'agent', label: 'agent laptop-eu', name: 'laptop-eu', node: null, address: '203.0.113.10' };

const outside = (path: NetPath): VantagePrediction => ({ vantage: 'outside', verdict: path.verdict, expectedOutcome: 'ok', peerRole: 'client', believedRole: 'client', via: 'source', note: null });

function run(vantage: Vantage, paths: PathTrace[], finishedAt = '2026-12-02T10:00:00.000Z'): TraceRun {
  return {
    id: `trace-${vantage.kind}`,
    startedAt: '2026-12-02T09:59:59.000Z',
    finishedAt,
    simulated: false,
    prober: { inCluster: vantage.kind === 'in-cluster', address: vantage.address, note: '' },
    vantage,
    paths: paths.map((p) => ({ ...p, vantage: vantage.kind })),
  };
}

/** The pod's view of the ingress path: kube-proxy sends it past the LB, so its own prediction says so. */
const podPrediction: VantagePrediction = {
  vantage: 'in-cluster',
  verdict: 'lost',
  expectedOutcome: 'ok',
  peerRole: 'pod',
  believedRole: 'pod',
  via: 'source',
  note: 'kube-proxy sends a pod’s request to the LB address straight to the endpoints: the LB is never met',
};

const browserMatches: PathTrace = { ...echoIngressTrace, predicted: outside(echoIngressPath), matchesPrediction: true, differences: [] };
const podOwnAnswer: PathTrace = {
  ...echoIngressTrace,
  predicted: podPrediction,
  observedVerdict: 'lost',
  matchesPrediction: true,
  differences: [],
  observed: echoIngressTrace.observed.map((o) => ({ ...o, observedPeer: '10.244.1.9', observedPeerRole: 'pod', matches: true })),
};
const agentDiffers: PathTrace = { ...nodePortTraceWithMismatch, predicted: outside(nodePortLocalPath) };
const browserUnreachable: PathTrace = {
  pathId: nodePortLocalPath.id,
  probes: [],
  observed: [],
  observedVerdict: null,
  matchesPrediction: false,
  differences: [],
  predicted: outside(nodePortLocalPath),
  notReachable: 'the browser refused or could not connect (DNS, connection, CORS or private-network access)',
};

describe('the vantages of a path', () => {
  const runs = vantageRuns([runOfTrace(run(BROWSER, [browserMatches, browserUnreachable]), true), runOfTrace(run(POD, [podOwnAnswer]))]);

  it('titles each vantage by its side of the cluster and who it is', () => {
    expect(runs.map(vantageTitle)).toEqual(['from outside: your browser', 'from inside: hopscope pod hopscope/hopscope-x on wk-a']);
    expect(vantageTitle(runOfTrace(run(AGENT, [])))).toBe('from outside: agent laptop-eu');
    // A browser trace this page did not run may be anyone's browser.
    expect(vantageTitle(runOfTrace(run(BROWSER, [])))).toBe('from outside: a browser');
  });

  it("compares each vantage only with its own prediction: the pod's view of an LB address is its own answer, not a difference", () => {
    const views = pathVantageViews(echoIngressPath, runs);
    expect(views.map((v) => [v.kind, v.state, v.predicted.vantage, v.predicted.verdict])).toEqual([
      ['browser', 'matches', 'outside', echoIngressPath.verdict],
      ['in-cluster', 'matches', 'in-cluster', 'lost'],
    ]);
    const pod = views[1]!;
    expect(pod.ownAnswer).toBe(podPrediction.note);
    expect(pod.differences).toEqual([]);
    expect(pod.hops.every((h) => h.matches && h.observedPeer === '10.244.1.9')).toBe(true);
    expect(views[0]!.ownAnswer).toBeNull();
  });

  it('says "not reachable from this vantage" with the reason, and never a verdict', () => {
    const [view] = pathVantageViews(nodePortLocalPath, runs);
    expect(view).toMatchObject({ kind: 'browser', state: 'not-reachable', observedVerdict: null, hops: [], differences: [], reason: browserUnreachable.notReachable });
    expect(stateOfTrace({ ...browserUnreachable, matchesPrediction: true })).toBe('not-reachable');
  });

  it('puts a difference from a vantage\'s own prediction first', () => {
    const views = pathVantageViews(nodePortLocalPath, vantageRuns([...runs, runOfTrace(run(AGENT, [agentDiffers]))]));
    expect(views.map((v) => [v.kind, v.state])).toEqual([
      ['agent', 'differs'],
      ['browser', 'not-reachable'],
    ]);
    expect(views[0]!.differences).toEqual(nodePortTraceWithMismatch.differences);
    expect(views[0]!.differences.length).toBeGreaterThan(0);
  });

  it('leaves out a vantage whose trace did not include the path', () => {
    expect(pathVantageViews(nodePortLocalPath, [runOfTrace(run(POD, [podOwnAnswer]))])).toEqual([]);
  });

  it('compares a trace from before vantages with the path\'s in-cluster prediction, else its in-cluster verdict, else the outside one', () => {
    const old = { ...nodePortTraceWithMismatch, predicted: undefined, vantage: undefined };
    const oldRun = runOfTrace({ ...run(POD, []), vantage: undefined, paths: [old] });
    const bare: NetPath = { ...nodePortLocalPath, inCluster: undefined, inClusterVerdict: null, inClusterNote: null };
    const [view] = pathVantageViews(bare, [oldRun]);
    expect(view!.kind).toBe('in-cluster');
    expect(view!.predicted).toEqual({ vantage: 'outside', verdict: bare.verdict, note: null });
    expect(pathVantageViews({ ...bare, inClusterVerdict: 'lost', inClusterNote: 'pod traffic' }, [oldRun])[0]!.predicted).toEqual({ vantage: 'in-cluster', verdict: 'lost', note: 'pod traffic' });
    expect(pathVantageViews({ ...bare, inCluster: podPrediction }, [oldRun])[0]!.predicted).toEqual({ vantage: 'in-cluster', verdict: 'lost', note: podPrediction.note });
  });

  it('shows the pod\'s trace as it streams, before the path is complete', () => {
    const started = applyTraceEvent(IDLE_TRACE, { type: 'start', traceId: 't', simulated: false, pathIds: [nodePortLocalPath.id], probeCount: 2 });
    const probing = applyTraceEvent(started, { type: 'probe', probe: nodePortTraceWithMismatch.probes[0]!, done: 1, total: 2 });
    const live = inClusterRun(probing, run(POD, [podOwnAnswer]));
    expect(live).toMatchObject({ kind: 'in-cluster', running: true, mine: true });
    expect(pathVantageViews(nodePortLocalPath, [live!]).map((v) => [v.state, v.probes.length])).toEqual([['probing', 1]]);
    // Idle, the stored one is shown.
    expect(inClusterRun(IDLE_TRACE, run(POD, [podOwnAnswer]))?.traceId).toBe('trace-in-cluster');
    expect(inClusterRun(IDLE_TRACE, run(BROWSER, []))).toBeNull();
  });

  it('keeps the newest run of a vantage, and this page\'s own run stays its own', () => {
    const older = runOfTrace(run(BROWSER, [], '2026-12-02T09:00:00.000Z'));
    const newer = runOfTrace({ ...run(BROWSER, [], '2026-12-02T11:00:00.000Z'), id: 'other' });
    expect(vantageRuns([newer, older])[0]!.traceId).toBe('other');
    expect(vantageRuns([older, newer])[0]!.traceId).toBe('other');
    const mine = runOfTrace(run(BROWSER, []), true);
    expect(vantageRuns([mine, runOfTrace(run(BROWSER, []))])[0]!.mine).toBe(true);
  });

  it('lists one trace per path for the entry list: the one that differs first', () => {
    const picked = pickerTraces(vantageRuns([runOfTrace(run(BROWSER, [browserUnreachable])), runOfTrace(run(AGENT, [agentDiffers]))]));
    expect(stateOfTrace(picked[nodePortLocalPath.id]!)).toBe('differs');
  });
});

describe('the graph shows every vantage at each hop', () => {
  it('marks a hop where one vantage differs from its own prediction, and keeps the others', () => {
    const views = pathVantageViews(nodePortLocalPath, vantageRuns([runOfTrace(run(AGENT, [agentDiffers])), runOfTrace(run(POD, [{ ...nodePortTraceWithMismatch, observed: nodePortTraceWithMismatch.observed.map((o) => ({ ...o, matches: true })), matchesPrediction: true, differences: [] }]))]));
    const graph = buildHopGraph(nodePortLocalPath, graphTraces(views));
    const last = graph.nodes.find((n) => n.type === 'hop' && n.data.hop.id === nodePortLocalPath.hops.at(-1)!.id)!;
    if (last.type !== 'hop') throw new Error('not a hop');
    expect(last.data.observations.map((o) => [o.vantage, o.observed.matches])).toEqual([
      ['agent', false],
      ['in-cluster', true],
    ]);
    expect(last.data.mismatch).toBe(true);
    expect(last.data.observed).toEqual(agentDiffers.observed.find((o) => o.hopId === last.id));
  });

  it('draws nothing for a vantage that could not reach the path', () => {
    const views = pathVantageViews(nodePortLocalPath, [runOfTrace(run(BROWSER, [browserUnreachable]))]);
    expect(graphTraces(views)).toEqual([]);
    expect(buildHopGraph(nodePortLocalPath, graphTraces(views)).nodes.some((n) => n.type === 'hop' && n.data.observations.length > 0)).toBe(false);
  });
});

describe('side by side on screen', () => {
  const runs = vantageRuns([runOfTrace(run(BROWSER, [browserMatches]), true), runOfTrace(run(AGENT, [agentDiffers])), runOfTrace(run(POD, [podOwnAnswer]))]);
  const html = (path: NetPath) => renderToStaticMarkup(createElement(VantageObservations, { views: pathVantageViews(path, runs) }));

  it('shows each vantage with its prediction, its observation and the client address it saw per hop', () => {
    const out = html(echoIngressPath);
    expect(out.match(/data-testid="vantage"/g)).toHaveLength(2);
    expect(out).toContain('data-vantage="browser" data-state="matches"');
    expect(out).toContain('data-vantage="in-cluster" data-state="matches"');
    expect(out).toContain('from outside: your browser');
    expect(out).toContain('from inside: hopscope pod hopscope/hopscope-x on wk-a');
    expect(out).toContain('predicted lost</span><span class="text-xs text-slate-500 dark:text-slate-400">for a pod of the cluster');
    expect(out).toContain('10.244.1.9');
    expect(out).toContain('data-testid="own-answer"');
    // Two answers, both as predicted for their vantage: nothing is alarmed.
    expect(out).not.toContain('role="alert"');
    expect(out).not.toContain('data-matches="false"');
  });

  it('makes a difference the loudest thing, first', () => {
    const out = html(nodePortLocalPath);
    expect(out.indexOf('data-vantage="agent"')).toBeGreaterThan(-1);
    expect(out).toContain('role="alert"');
    expect(out).toContain('⚠ observation differs from prediction');
    expect(out).toContain('border-red-600');
  });

  it('keeps light and dark styles on every card', () => {
    const out = html(nodePortLocalPath) + html(echoIngressPath);
    for (const card of out.match(/<section[^>]*class="[^"]*"/g)!) expect(card).toMatch(/dark:/);
  });

  it('says in the path header which vantage differs', () => {
    const out = renderToStaticMarkup(
      createElement(PathHeader, { path: nodePortLocalPath, views: pathVantageViews(nodePortLocalPath, runs), pathFindings: [], activeWhatIf: null, onPreview: () => undefined }),
    );
    expect(out).toContain('data-testid="path-differs"');
    expect(out).toContain('from outside: agent laptop-eu');
    const quiet = renderToStaticMarkup(
      createElement(PathHeader, { path: echoIngressPath, views: pathVantageViews(echoIngressPath, runs), pathFindings: [], activeWhatIf: null, onPreview: () => undefined }),
    );
    expect(quiet).not.toContain('path-differs');
  });

  it('lists in the summary which vantages took part', () => {
    const out = renderToStaticMarkup(createElement(VantageSummary, { runs, onReload: () => undefined }));
    expect([...out.matchAll(/data-vantage="([a-z-]+)"/g)].map((m) => m[1])).toEqual(['browser', 'agent', 'in-cluster']);
    expect(renderToStaticMarkup(createElement(VantageSummary, { runs: [], onReload: () => undefined }))).toContain('no vantage has probed');
  });
});

describe('network-supplied values on the cards', () => {
  it('go through NetText: a bidi override in an agent name, a peer, a difference or a reason is shown, not applied', () => {
    const RLO = '\u202E';
    const hostileAgent: Vantage = { ...AGENT, label: `agent laptop${RLO}ue-`, name: `laptop${RLO}ue-` };
    const hostileTrace: PathTrace = {
      ...agentDiffers,
      differences: [`the echo saw ${RLO}10.0.0.1`],
      observed: agentDiffers.observed.map((o) => ({ ...o, observedPeer: `10.0.0.1${RLO}` })),
    };
    const unreachable: PathTrace = { ...browserUnreachable, notReachable: `does a${RLO}.example resolve?` };
    const views = pathVantageViews(nodePortLocalPath, [runOfTrace(run(hostileAgent, [hostileTrace])), runOfTrace(run(BROWSER, [unreachable]))]);
    const out = renderToStaticMarkup(createElement(VantageObservations, { views }));
    expect(out).not.toContain(RLO);
    expect(out.match(/data-bidi-control="U\+202E"/g)!.length).toBeGreaterThanOrEqual(4);
  });
});
