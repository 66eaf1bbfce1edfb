import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import type { Hop, NetPath } from '@/lib/types';
import { NODE_HEIGHT, NODE_WIDTH, buildHopGraph } from './elements';
import { LAYER_GAP, MAX_CANVAS_HEIGHT, MIN_CANVAS_HEIGHT, canvasHeight, layoutHopGraph, layoutKey, stageLayout } from './layout';
import { echoIngressPath, echoIngressTrace, grafanaNodePortFanOut } from '@/test/support/samples';

const elk = new ELK();

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }) {
  return Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;
}

describe('layoutHopGraph', () => {
  it('places hops top to bottom in path order, one row per group', async () => {
    const laid = await layoutHopGraph(buildHopGraph(echoIngressPath), elk);
    const ys = laid.nodes.map((n) => n.position.y);
    for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeGreaterThanOrEqual(ys[i - 1]! + NODE_HEIGHT + LAYER_GAP);
  });

  it('puts alternatives of one group on the same row, in path order, without overlap', async () => {
    const laid = await layoutHopGraph(buildHopGraph(grafanaNodePortFanOut), elk);
    const [wkA, wkB] = ['node:wk-a', 'node:wk-b'].map((id) => laid.nodes.find((n) => n.id === id)!);
    expect(wkA!.position.y).toBe(wkB!.position.y);
    expect(wkA!.position.x).toBeLessThan(wkB!.position.x);
    expect(overlaps(wkA!.position, wkB!.position)).toBe(false);
  });

  it('is deterministic: the same path always gets the same positions', async () => {
    const graph = buildHopGraph(grafanaNodePortFanOut);
    const [first, second] = await Promise.all([layoutHopGraph(graph, elk), layoutHopGraph(graph, new ELK())]);
    expect(second.nodes.map((n) => n.position)).toEqual(first.nodes.map((n) => n.position));
  });

  it('lays out a wide path (500 nodes, folded) with no overlapping nodes', async () => {
    const template = grafanaNodePortFanOut.hops[1]!;
    const nodes: Hop[] = Array.from({ length: 500 }, (_, i) => ({ ...template, id: `node:n${i}`, name: `n${i}` }));
    const path: NetPath = { ...grafanaNodePortFanOut, hops: [grafanaNodePortFanOut.hops[0]!, ...nodes, ...grafanaNodePortFanOut.hops.slice(3)] };
    const laid = await layoutHopGraph(buildHopGraph(path), elk);
    for (const a of laid.nodes) for (const b of laid.nodes) if (a !== b) expect(overlaps(a.position, b.position)).toBe(false);
    expect(laid.width).toBeGreaterThan(0);
  });
});

describe('stageLayout', () => {
  it('puts each group on its own row, centred, without overlap, in path order', () => {
    const laid = stageLayout(buildHopGraph(grafanaNodePortFanOut));
    const at = (id: string) => laid.nodes.find((n) => n.id === id)!.position;
    expect(at('node:wk-a').y).toBe(at('node:wk-b').y);
    expect(at('node:wk-a').x).toBeLessThan(at('node:wk-b').x);
    expect(overlaps(at('node:wk-a'), at('node:wk-b'))).toBe(false);
    expect(at('pod:monitoring/grafana-7c6d5b4a3-zz9yx').y).toBe(at('node:wk-a').y + NODE_HEIGHT + LAYER_GAP);
    const centre = (x: number) => x + NODE_WIDTH / 2;
    // Three receiving nodes side by side: the client sits centred above the outer two.
    expect(centre(at('client').x)).toBe((centre(at('node:cp-1').x) + centre(at('node:wk-b').x)) / 2);
  });

  it('spans the same rows as the ELK layout', async () => {
    const graph = buildHopGraph(echoIngressPath);
    const [quick, elkLaid] = [stageLayout(graph), await layoutHopGraph(graph, elk)];
    expect(quick.nodes.map((n) => n.position.y)).toEqual(elkLaid.nodes.map((n) => n.position.y));
    expect(quick.height).toBe(elkLaid.height);
  });
});

describe('layoutKey', () => {
  it('changes with the structure, not with what is known about the hops', () => {
    const graph = buildHopGraph(echoIngressPath);
    const probed = buildHopGraph(echoIngressPath, echoIngressTrace);
    expect(probed.nodes.some((n, i) => n.data !== graph.nodes[i]!.data)).toBe(true);
    expect(layoutKey(probed)).toBe(layoutKey(graph));
    expect(layoutKey(buildHopGraph(grafanaNodePortFanOut))).not.toBe(layoutKey(graph));
  });
});

describe('canvasHeight', () => {
  const laid = (width: number, height: number) => ({ nodes: [], edges: [], width, height });

  it('is the graph height at the zoom that fits the width, never zoomed in', () => {
    expect(canvasHeight(laid(800, 1000), 400)).toBe(524);
    expect(canvasHeight(laid(400, 1000), 800)).toBe(1024);
  });

  it('stays within its bounds, and takes the minimum before anything is measured', () => {
    expect(canvasHeight(laid(400, 100), 400)).toBe(MIN_CANVAS_HEIGHT);
    expect(canvasHeight(laid(400, 10_000), 400)).toBe(MAX_CANVAS_HEIGHT);
    expect(canvasHeight(undefined, 400)).toBe(MIN_CANVAS_HEIGHT);
    expect(canvasHeight(laid(400, 1000), 0)).toBe(MIN_CANVAS_HEIGHT);
  });
});
