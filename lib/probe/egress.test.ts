import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEchoResponse } from '@/lib/echo/parse';
import { startEchoServer, type EchoServer } from '@/lib/echo/server';
import { buildPaths } from '@/lib/model';
import type { NetPath, ProbeResult, TraceEvent } from '@/lib/types';
import { scenarioInventory } from '@/test/support/samples';
import { planEgressProbes, traceEgressPath } from './egress';
import { runTrace } from './engine';
import { EGRESS_NOT_PROBED, EGRESS_PATH_ID, isEgressProbed } from './scope';
import { observeContext } from './observe';
import { SPOOF_ADDRESS } from './plan';
import { socketTransport } from './transport';

const inventory = scenarioInventory('lab', { source: { mode: 'kubeconfig', context: 'lab', server: 'https://192.0.2.250:6443' } });
const paths = buildPaths(inventory) as NetPath[];
const egress = paths.find((p) => p.id === EGRESS_PATH_ID)!;
/** The prober's pod address in the lab (on node2). */
const POD = '10.244.2.30';
const NODE2 = inventory.nodes.find((n) => n.name === 'node2')!.internalIP!;
/** The context of an in-cluster prober at `prober` on node2, as the engine builds it. */
const ctx = (prober: string) => observeContext({ inventory, vantage: { kind: 'in-cluster', node: 'node2', address: prober }, spoofAddress: SPOOF_ADDRESS });

describe('egress probes', () => {
  const echoes = [
    { host: '192.0.2.10', port: 8080 },
    { host: 'echo.example.com', port: 8443 },
  ];

  it('go only to the configured echoes, only for the cluster-wide egress path', () => {
    const planned = planEgressProbes(paths, echoes);
    expect(planned.map((p) => [p.pathId, p.kind, p.target.address, p.target.port, p.httpPath, p.forgedHeaders, p.refusal])).toEqual([
      [EGRESS_PATH_ID, 'direct', '192.0.2.10', 8080, '/hopscope-probe', [], null],
      [EGRESS_PATH_ID, 'direct', 'echo.example.com', 8443, '/hopscope-probe', [], null],
    ]);
    expect(planEgressProbes(paths, [])).toEqual([]);
    expect(paths.filter((p) => isEgressProbed(p, echoes)).map((p) => p.id)).toEqual([EGRESS_PATH_ID]);
  });

  describe('observed through a real echo on loopback', () => {
    let echo: EchoServer;
    beforeAll(async () => {
      echo = await startEchoServer({ port: 0, host: '127.0.0.1' });
    });
    afterAll(() => echo.close());

    async function probeEcho(): Promise<ProbeResult> {
      const [planned] = planEgressProbes([egress], [{ host: '127.0.0.1', port: echo.port }]);
      const response = await socketTransport({ target: planned!.target, httpPath: planned!.httpPath, headers: [], timeoutMs: 2000 });
      const observation = parseEchoResponse(response.body ?? '', response.contentType);
      return {
        id: planned!.id,
        pathId: planned!.pathId,
        kind: 'direct',
        target: planned!.target,
        startedAt: new Date().toISOString(),
        durationMs: response.durationMs,
        outcome: response.outcome,
        status: response.status,
        observation,
        raw: null,
        error: response.error,
      };
    }

    it("shows the pod's own address arriving, against a prediction of the node's, as a difference", async () => {
      const probe = await probeEcho();
      expect(probe.observation?.peer).toBe('127.0.0.1');
      expect(egress.verdict).toBe('lost');
      // The prober's own address is what the echo saw: nothing masqueraded it.
      const trace = traceEgressPath(egress, [probe], ctx('127.0.0.1'));
      expect(trace.observedVerdict).toBe('preserved');
      expect(trace.matchesPrediction).toBe(false);
      expect(trace.differences).toContain('verdict: predicted lost, observed preserved');
      expect(trace.observed).toEqual([expect.objectContaining({ observedPeer: '127.0.0.1', observedPeerRole: 'client', matches: false })]);
    });

    it('are sent by the in-cluster trace only when echoes are listed, and read back as the egress path', async () => {
      const self = { name: 'hopscope/hopscope-0', addresses: [POD] };
      const run = async (egressEchoes: { host: string; port: number }[]) => {
        const events = [];
        for await (const e of runTrace({ paths: [egress], inventory, transport: socketTransport, timeoutMs: 2000, concurrency: 2, egressEchoes, self })) events.push(e);
        return (events.at(-1) as Extract<TraceEvent, { type: 'done' }>).trace.paths[0]!;
      };
      const without = await run([]);
      expect(without.probes).toEqual([]);
      expect(without.notProbed).toBe(EGRESS_NOT_PROBED);
      expect(without.observedVerdict).toBeNull();

      const traced = await run([{ host: '127.0.0.1', port: echo.port }]);
      expect(traced.notProbed).toBeUndefined();
      expect(traced.probes.map((p) => [p.kind, p.target.address, p.target.port, p.outcome])).toEqual([['direct', '127.0.0.1', echo.port, 'ok']]);
      // Loopback is the prober's own address, not node2's: the echo saw no masquerade, and says so.
      expect(traced.probes[0]!.observation?.peer).toBe('127.0.0.1');
      expect(traced.observed).toEqual([expect.objectContaining({ observedPeer: '127.0.0.1' })]);
      expect(traced.observedVerdict).not.toBeNull();
    });

    it("agrees when the echo saw the node's address, as natOutgoing does", async () => {
      const probe = await probeEcho();
      const asNode = { ...probe, observation: { ...probe.observation!, peer: NODE2 } };
      const trace = traceEgressPath(egress, [asNode], ctx(POD));
      expect(trace).toMatchObject({ observedVerdict: 'lost', matchesPrediction: true, differences: [] });
      expect(trace.observed[0]).toMatchObject({ observedPeer: NODE2, observedPeerRole: 'node', matches: true });
    });
  });

  it('calls an echo that did not answer not reachable, never a verdict', () => {
    const [planned] = planEgressProbes([egress], [{ host: '192.0.2.10', port: 8080 }]);
    const timedOut: ProbeResult = {
      id: planned!.id,
      pathId: egress.id,
      kind: 'direct',
      target: planned!.target,
      startedAt: new Date().toISOString(),
      durationMs: 1500,
      outcome: 'timeout',
      status: null,
      observation: null,
      raw: null,
      error: 'no answer within 1500 ms',
    };
    const trace = traceEgressPath(egress, [timedOut], ctx(POD));
    expect(trace.observedVerdict).toBeNull();
    expect(trace.notReachable).toBe('no egress echo answered: egress echo 192.0.2.10:8080 (HOPSCOPE_EGRESS_ECHO): no answer within 1500 ms');
  });
});
