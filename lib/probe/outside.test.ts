import { describe, expect, it } from 'vitest';
import { HopscopeError } from '@/lib/errors';
import { buildPaths } from '@/lib/model';
import type { ClusterInventory, NetPath, OutsidePlan, OutsideProbe, OutsideReport } from '@/lib/types';
import { outsideEchoBody } from '@/test/support/probe';
import { scenarioInventory } from '@/test/support/samples';
import {
  CLUSTER_IP_NOT_PROBED,
  DEMO_NOT_PROBED,
  EGRESS_NOT_PROBED_OUTSIDE,
  OUTSIDE_PLAN_TTL_MS,
  OutsideTraces,
  outsideVantage,
  planOutsideProbes,
  reportRefusal,
  type OutsideLimits,
} from './outside';
import { TargetSet } from './targets';
import { REFUSED_BY_HOPSCOPE } from './wire';

// The lab scenario (scenarios/lab.yaml) as a live cluster: the same objects, discovered through a kubeconfig.
const live = (inventory: ClusterInventory = scenarioInventory('lab', { source: { mode: 'kubeconfig', context: 'lab', server: 'https://192.0.2.250:6443' } })) => ({
  inventory,
  paths: buildPaths(inventory) as NetPath[],
});
const lab = live();
const demo = { inventory: scenarioInventory('lab'), paths: buildPaths(scenarioInventory('lab')) as NetPath[] };
const AGENT_ADDRESS = '203.0.113.10';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof HopscopeError ? err.code : String(err);
  }
};

const report = (probe: OutsideProbe, overrides: Partial<OutsideReport> = {}): OutsideReport => ({
  probeId: probe.id,
  nonce: probe.nonce,
  outcome: 'ok',
  status: 200,
  durationMs: 4,
  body: outsideEchoBody(probe, AGENT_ADDRESS),
  contentType: 'application/json',
  error: null,
  localAddress: AGENT_ADDRESS,
  ...overrides,
});

function traces(limits: Partial<OutsideLimits> = {}) {
  let now = Date.parse('2026-12-03T09:00:00.000Z');
  const store = new OutsideTraces({ perSource: 4, total: 16, bodyBytesPerTrace: 8 * 1024 * 1024, ...limits }, () => now);
  const start = (source = lab, sourceKey = 'kubeconfig/lab', kind: 'agent' | 'browser' = 'agent', pathIds?: string[]): OutsidePlan =>
    store.start({
      sourceKey,
      vantage: outsideVantage(kind, kind === 'agent' ? 'lab-client' : null),
      paths: pathIds ? source.paths.filter((p) => pathIds.includes(p.id)) : source.paths,
      inventory: source.inventory,
      scope: {},
    });
  return { store, start, advance: (ms: number) => (now += ms) };
}

const LOCAL_NODE1 = 'nodePort:lab/echo-nodeport-local:30081@node1';
const directOf = (plan: OutsidePlan, pathPrefix: string) => plan.probes.find((p) => p.kind === 'direct' && p.pathId.startsWith(pathPrefix))!;

describe('the outside plan', () => {
  const { probes, notProbed } = planOutsideProbes(lab.paths, lab.inventory);
  const kinds = new Map(lab.paths.map((p) => [p.id, p.entry.kind]));

  it('probes only discovered addresses and ports, of the ways in an outside client uses', () => {
    expect(probes.length).toBeGreaterThan(10);
    const set = TargetSet.fromInventory(lab.inventory);
    expect(probes.filter((p) => !set.has(p.target.address, p.target.port))).toEqual([]);
    expect(new Set(probes.map((p) => kinds.get(p.pathId)))).toEqual(new Set(['loadBalancer', 'ingress', 'nodePort']));
    expect(new Set(probes.map((p) => p.kind))).toEqual(new Set(['direct', 'spoof']));
  });

  it('lists every ClusterIP and egress path as not probed, with why', () => {
    const reasons = new Map(notProbed.map((n) => [n.pathId, n.reason]));
    const inside = lab.paths.filter((p) => p.entry.kind === 'clusterIP' || p.entry.kind === 'egress');
    expect(inside.length).toBeGreaterThan(0);
    for (const path of inside) expect(reasons.get(path.id)).toBe(path.entry.kind === 'egress' ? EGRESS_NOT_PROBED_OUTSIDE : CLUSTER_IP_NOT_PROBED);
    expect(probes.filter((p) => reasons.has(p.pathId))).toEqual([]);
  });

  it('gives each probe its own 128-bit nonce in the echo probe path, and a URL to the same target', () => {
    expect(new Set(probes.map((p) => p.nonce)).size).toBe(probes.length);
    for (const probe of probes) {
      expect(Buffer.from(probe.nonce, 'base64url')).toHaveLength(16);
      expect(probe.httpPath).toBe(`/hopscope-probe?nonce=${probe.nonce}`);
      const url = new URL(probe.url);
      expect(`${url.pathname}${url.search}`).toBe(probe.httpPath);
      expect(url.hostname).toBe(probe.target.host ?? probe.target.address);
      expect(Number(url.port || (url.protocol === 'https:' ? 443 : 80))).toBe(probe.target.port);
    }
    // A second plan of the same paths has other nonces.
    const again = new Set(planOutsideProbes(lab.paths, lab.inventory).probes.map((p) => p.nonce));
    expect(probes.filter((p) => again.has(p.nonce))).toEqual([]);
  });

  it('sends Ingress probes with the Ingress host, and never a PROXY line of its own', () => {
    const ingress = probes.filter((p) => kinds.get(p.pathId) === 'ingress');
    expect(ingress.length).toBeGreaterThan(0);
    for (const probe of ingress) {
      const path = lab.paths.find((p) => p.id === probe.pathId)!;
      expect(probe.target.host).toBe(path.entry.host);
      expect(new URL(probe.url).hostname).toBe(path.entry.host);
    }
    expect(probes.filter((p) => p.target.proxyProtocol)).toEqual([]);
  });

  it('forges headers only on the spoof test', () => {
    for (const probe of probes) {
      expect(probe.headers.length > 0).toBe(probe.kind === 'spoof');
    }
    expect(probes.find((p) => p.kind === 'spoof')!.headers).toEqual([
      ['X-Forwarded-For', '198.51.100.66'],
      ['X-Real-IP', '198.51.100.66'],
    ]);
  });

  it("sends NodePort probes to a node's ExternalIP when it has one, else to its InternalIP", () => {
    const withExternal = live({
      ...lab.inventory,
      nodes: lab.inventory.nodes.map((n) => (n.name === 'node1' ? { ...n, externalIP: '198.51.100.201' } : n)),
    });
    const plan = planOutsideProbes(withExternal.paths, withExternal.inventory);
    expect(directOf({ ...plan, traceId: '', vantage: outsideVantage('browser', null), expiresAt: '' }, LOCAL_NODE1).target).toMatchObject({ address: '198.51.100.201', port: 30081 });
    const node3 = plan.probes.find((p) => p.pathId.startsWith('nodePort:lab/echo-nodeport-local:30081@node3'))!;
    expect(node3.target.address).toBe(lab.inventory.nodes.find((n) => n.name === 'node3')!.internalIP);
  });

  it('plans nothing to an address the inventory does not have, whatever the path says', () => {
    const path = lab.paths.find((p) => p.entry.kind === 'loadBalancer')!;
    const planted = { ...path, entry: { ...path.entry, address: '192.0.2.99' } };
    const plan = planOutsideProbes([planted], lab.inventory);
    expect(plan.probes).toEqual([]);
    expect(plan.notProbed).toEqual([{ pathId: path.id, reason: expect.stringContaining('the inventory has no address and port') }]);
  });

  it('leaves out a request hopscope would not send (CR LF in an Ingress host), and says why', () => {
    const path = lab.paths.find((p) => p.entry.kind === 'ingress')!;
    const plan = planOutsideProbes([{ ...path, entry: { ...path.entry, host: 'a.lab.example\r\nX-Evil: 1' } }], lab.inventory);
    expect(plan.probes).toEqual([]);
    expect(plan.notProbed[0]!.reason).toContain(REFUSED_BY_HOPSCOPE);
  });

  it('stops at the probe limit and lists the rest as not probed', () => {
    const plan = planOutsideProbes(lab.paths, lab.inventory, { maxProbes: 3 });
    expect(plan.probes.length).toBeLessThanOrEqual(3);
    expect(plan.notProbed.some((n) => n.reason.includes('the plan is full'))).toBe(true);
  });

  it('plans no probe in demo mode: every path is listed as simulated', () => {
    const { start } = traces();
    const plan = start(demo, 'demo/lab', 'browser');
    expect(plan.probes).toEqual([]);
    expect(plan.notProbed).toHaveLength(demo.paths.length);
    expect(new Set(plan.notProbed.map((n) => n.reason))).toEqual(new Set([DEMO_NOT_PROBED]));
  });
});

describe('reports', () => {
  it('counts a nonce once: a second report of the same probe is refused', () => {
    const { store, start } = traces();
    const plan = start();
    const probe = directOf(plan, LOCAL_NODE1);
    expect(store.report(plan.traceId, { reports: [report(probe)], done: false }).answer).toMatchObject({ accepted: [probe.id], refused: [] });
    const again = store.report(plan.traceId, { reports: [report(probe), report(directOf(plan, 'loadBalancer:lab/echo-metallb:'))], done: false }).answer;
    expect(again.refused).toEqual([{ probeId: probe.id, reason: "this probe's nonce was already used" }]);
  });

  it("binds a nonce to its probe and its trace: another probe's or another trace's nonce is refused", () => {
    const { store, start } = traces();
    const first = start();
    const second = start();
    const mine = directOf(first, LOCAL_NODE1);
    const theirs = directOf(second, LOCAL_NODE1);
    // Probe ids are the same in both plans; the nonces are not.
    expect(theirs.id).toBe(mine.id);
    const other = directOf(first, 'loadBalancer:lab/echo-metallb:');
    expect(codeOf(() => store.report(second.traceId, { reports: [report(mine)], done: false }))).toBe('report_refused');
    expect(codeOf(() => store.report(first.traceId, { reports: [report(mine, { nonce: theirs.nonce })], done: false }))).toBe('report_refused');
    expect(codeOf(() => store.report(first.traceId, { reports: [report(mine, { nonce: other.nonce })], done: false }))).toBe('report_refused');
    expect(store.report(first.traceId, { reports: [report(mine)], done: false }).answer.accepted).toEqual([mine.id]);
  });

  it('refuses an unplanned probe, and an echo report that answered another request', () => {
    const { store, start } = traces();
    const plan = start();
    const probe = directOf(plan, LOCAL_NODE1);
    const other = directOf(plan, 'loadBalancer:lab/echo-metallb:');
    const answer = store.report(plan.traceId, {
      reports: [
        { ...report(probe), probeId: 'nodePort:lab/echo:30000@node9#direct#192.0.2.99:30000' },
        report(probe, { body: outsideEchoBody(probe, AGENT_ADDRESS, other.httpPath) }),
        report(probe, { body: outsideEchoBody(probe, AGENT_ADDRESS, '/hopscope-probe') }),
        report(other),
      ],
      done: false,
    }).answer;
    expect(answer.accepted).toEqual([other.id]);
    expect(answer.refused.map((r) => r.reason)).toEqual([
      'not a probe of this plan',
      "the echo report does not carry this probe's nonce in its request path: it answered another request",
      "the echo report does not carry this probe's nonce in its request path: it answered another request",
    ]);
  });

  it('counts an answer that is not an echo report by its status, timing and size only', () => {
    const { store, start } = traces();
    const plan = start();
    const probe = directOf(plan, 'loadBalancer:ingress-nginx/ingress-nopp:');
    const nginx = '<html><head><title>400 Bad Request</title></head><body>SECRET-LOOKING PAGE</body></html>';
    store.report(plan.traceId, { reports: [report(probe, { outcome: 'http-error', status: 400, body: nginx, contentType: 'text/html', bytes: 120 })], done: false });
    const trace = store.report(plan.traceId, { reports: [], done: true }).closed!;
    const result = trace.paths.flatMap((p) => p.probes).find((p) => p.id === probe.id)!;
    expect(result).toMatchObject({ outcome: 'http-error', status: 400, observation: null, raw: null, bytes: 120, vantage: 'agent' });
    expect(JSON.stringify(trace)).not.toContain('SECRET-LOOKING');
  });

  it('answers 404 for a trace it never planned, 410 once closed or expired, and keeps no reports of an expired plan', () => {
    const { store, start, advance } = traces();
    expect(codeOf(() => store.report('no-such-trace', { reports: [], done: true }))).toBe('unknown_trace');
    const closed = start();
    store.report(closed.traceId, { reports: [], done: true });
    expect(codeOf(() => store.report(closed.traceId, { reports: [], done: true }))).toBe('trace_closed');
    const expiring = start();
    store.report(expiring.traceId, { reports: [report(directOf(expiring, LOCAL_NODE1))], done: false });
    advance(OUTSIDE_PLAN_TTL_MS - 1);
    expect(store.planOf(expiring.traceId)).not.toBeNull();
    advance(1);
    expect(store.planOf(expiring.traceId)).toBeNull();
    expect(codeOf(() => store.report(expiring.traceId, { reports: [report(directOf(expiring, 'loadBalancer:lab/echo-metallb:'))], done: true }))).toBe('trace_closed');
  });

  it('closes the trace once every planned probe has reported, with done or without', () => {
    const { store, start } = traces();
    const plan = start(lab, 'kubeconfig/lab', 'agent', lab.paths.filter((p) => p.id.startsWith(LOCAL_NODE1)).map((p) => p.id));
    expect(plan.probes.map((p) => p.kind).sort()).toEqual(['direct', 'spoof']);
    const [a, b] = plan.probes as [OutsideProbe, OutsideProbe];
    const open = store.report(plan.traceId, { reports: [report(a)], done: false });
    expect(open.answer).toMatchObject({ pending: 1, trace: null });
    const closed = store.report(plan.traceId, { reports: [report(b)], done: false });
    expect(closed.answer.pending).toBe(0);
    expect(closed.answer.trace?.id).toBe(plan.traceId);
    expect(closed.sourceKey).toBe('kubeconfig/lab');
  });

  it('holds at most a few open plans per source and vantage, and a bounded number in all', () => {
    const { start } = traces({ perSource: 2, total: 3 });
    start();
    start();
    expect(codeOf(() => start())).toBe('trace_running');
    // Another vantage of the same source has its own plans, within the total.
    start(lab, 'kubeconfig/lab', 'browser');
    expect(codeOf(() => start(lab, 'kubeconfig/other', 'browser'))).toBe('probe_budget_exhausted');
  });

  it('refuses reports past the bytes one trace may count', () => {
    const { store, start } = traces({ bodyBytesPerTrace: 1000 });
    const plan = start();
    const answer = store.report(plan.traceId, { reports: [report(directOf(plan, LOCAL_NODE1), { bytes: 900 }), report(directOf(plan, 'loadBalancer:lab/echo-metallb:'), { bytes: 200 })], done: false }).answer;
    expect(answer.accepted).toHaveLength(1);
    expect(answer.refused[0]!.reason).toMatch(/the limit is 1000/);
  });

  it('reportRefusal is pure: the same report, the same answer', () => {
    const plan = planOutsideProbes(lab.paths, lab.inventory);
    const probe = plan.probes[0]!;
    expect(reportRefusal(probe, report(probe), new Map())).toBeNull();
    expect(reportRefusal(probe, report(probe), new Map())).toBeNull();
    expect(reportRefusal(probe, report(probe), new Map([[probe.id, true]]))).toBe("this probe's nonce was already used");
    expect(reportRefusal(undefined, report(probe), new Map())).toBe('not a probe of this plan');
  });
});

describe('the closed trace', () => {
  it('is compared with the outside prediction, from the vantage that sent it', () => {
    const { store, start } = traces();
    const plan = start();
    const direct = directOf(plan, LOCAL_NODE1);
    const spoof = plan.probes.find((p) => p.kind === 'spoof' && p.pathId === direct.pathId)!;
    const trace = store.report(plan.traceId, { reports: [report(direct), report(spoof)], done: true }).closed!;
    expect(trace.vantage).toEqual({ kind: 'agent', label: 'agent lab-client', name: 'lab-client', node: null, address: AGENT_ADDRESS });
    expect(trace.simulated).toBe(false);
    const path = trace.paths.find((p) => p.pathId === direct.pathId)!;
    expect(path).toMatchObject({ vantage: 'agent', predicted: { vantage: 'outside', verdict: 'preserved' }, observedVerdict: 'preserved', matchesPrediction: true });
    expect(path.probes.map((p) => p.vantage)).toEqual(['agent', 'agent']);
    expect(path.observed.at(-1)).toMatchObject({ observedPeer: AGENT_ADDRESS, matches: true });
  });

  it('shows a path without a report, or one this vantage could not send, as not reachable from here, never as a verdict', () => {
    const { store, start } = traces();
    const plan = start();
    const noRoute = directOf(plan, 'loadBalancer:lab/echo-metallb:');
    const trace = store.report(plan.traceId, {
      reports: [report(noRoute, { outcome: 'no-route', status: null, body: null, error: 'EHOSTUNREACH 198.51.100.60:80' })],
      done: true,
    }).closed!;
    const sent = trace.paths.find((p) => p.pathId === noRoute.pathId)!;
    expect(sent).toMatchObject({ observedVerdict: null, notReachable: 'not reachable from here: EHOSTUNREACH 198.51.100.60:80' });
    const unreported = trace.paths.find((p) => p.pathId.startsWith(LOCAL_NODE1))!;
    expect(unreported.observedVerdict).toBeNull();
    expect(unreported.notReachable).toMatch(/sent no report for this probe/);
    expect(unreported.probes.every((p) => p.outcome === 'not-sent')).toBe(true);
    const clusterIP = trace.paths.find((p) => p.pathId.startsWith('clusterIP:'))!;
    expect(clusterIP).toMatchObject({ observedVerdict: null, notProbed: CLUSTER_IP_NOT_PROBED, probes: [] });
  });

  it('in demo mode is labelled simulated and observes nothing', () => {
    const { store, start } = traces();
    const plan = start(demo, 'demo/lab', 'browser');
    const trace = store.report(plan.traceId, { reports: [], done: true }).closed!;
    expect(trace.simulated).toBe(true);
    expect(trace.vantage).toMatchObject({ kind: 'browser', address: null });
    expect(trace.paths.every((p) => p.observedVerdict === null && p.notProbed === DEMO_NOT_PROBED)).toBe(true);
  });
});
