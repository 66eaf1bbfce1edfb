import { describe, expect, it } from 'vitest';
import type { ClusterInventory, ProbeResult, TraceEvent } from './types';
import { countTraceEvents, metrics, recordDiscovery } from './metrics';

async function drain(events: TraceEvent[]): Promise<TraceEvent[]> {
  async function* source() {
    yield* events;
  }
  const seen: TraceEvent[] = [];
  for await (const e of countTraceEvents(source())) seen.push(e);
  return seen;
}

const probe = (outcome: ProbeResult['outcome']): ProbeResult => ({
  id: `p-${outcome}`,
  pathId: 'nodePort:default/echo:node1',
  kind: 'direct',
  target: { address: '192.0.2.11', port: 30080, label: 'node1 NodePort 30080' },
  startedAt: new Date(0).toISOString(),
  durationMs: 3,
  outcome,
  status: outcome === 'ok' ? 200 : null,
  observation: null,
  raw: null,
  error: null,
});

const start = (simulated: boolean): TraceEvent => ({ type: 'start', traceId: 't', simulated, pathIds: [], probeCount: 2 });

describe('metrics', () => {
  it('counts real probes by kind and outcome, and passes every event through unchanged', async () => {
    const events: TraceEvent[] = [start(false), { type: 'probe', probe: probe('ok'), done: 1, total: 2 }, { type: 'probe', probe: probe('timeout'), done: 2, total: 2 }];
    expect(await drain(events)).toEqual(events);
    const text = await metrics().registry.metrics();
    expect(text).toMatch(/hopscope_probes_total\{kind="direct",outcome="ok"\} 1/);
    expect(text).toMatch(/hopscope_probes_total\{kind="direct",outcome="timeout"\} 1/);
    expect(text).toMatch(/hopscope_traces_total\{simulated="false"\} 1/);
  });

  it('does not count simulated (demo) probes as probes', async () => {
    const before = (await metrics().probes.get()).values.reduce((n, v) => n + v.value, 0);
    await drain([start(true), { type: 'probe', probe: probe('ok'), done: 1, total: 1 }]);
    const after = (await metrics().probes.get()).values.reduce((n, v) => n + v.value, 0);
    expect(after).toBe(before);
    expect(await metrics().registry.metrics()).toMatch(/hopscope_traces_total\{simulated="true"\} 1/);
  });

  it('records discovery time and names the resources it could not read', async () => {
    recordDiscovery({
      source: { mode: 'kubeconfig', context: 'lab', server: 'https://127.0.0.1:6443' },
      durationMs: 120,
      errors: [{ resource: 'ipaddresspools.metallb.io', status: 403, message: 'forbidden', hint: 'grant list', reason: 'forbidden' }],
    } as ClusterInventory);
    const text = await metrics().registry.metrics();
    expect(text).toMatch(/hopscope_discovery_duration_seconds_count\{mode="kubeconfig"\} 1/);
    expect(text).toMatch(/hopscope_discovery_errors_total\{resource="ipaddresspools.metallb.io",reason="forbidden"\} 1/);
    expect(text).toMatch(/hopscope_process_cpu_seconds_total/);
  });
});
