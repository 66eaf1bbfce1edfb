// Every snapshot built from every demo scenario equals its own parse: if the model or discovery produced a field
// the contract does not declare, zod would strip it here and the comparison would fail.
import { describe, expect, it } from 'vitest';
import { listScenarios } from '@/lib/demo/scenarios';
import { getInventory } from '@/lib/k8s/inventory';
import { buildPaths } from '@/lib/model';
import { simulateTrace } from '@/lib/probe/engine';
import { freezeSnapshot } from '@/lib/snapshot/freeze';
import type { TraceRun } from '@/lib/types';
import { ClusterInventorySchema, NetPathSchema, SnapshotSchema, TraceEventSchema, TraceRunSchema } from './schemas';

/** What travels over the wire: undefined fields vanish, as in Response.json. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

async function demoState(scenario: string) {
  const inventory = await getInventory({ scenario });
  const paths = buildPaths(inventory);
  const events = [];
  for await (const event of simulateTrace(paths, inventory)) events.push(event);
  const done = events.at(-1);
  const trace: TraceRun | null = done?.type === 'done' ? done.trace : null;
  return { inventory, paths, trace, events };
}

describe.each(listScenarios().map((s) => s.id))('demo scenario %s', (scenario) => {
  it('loses nothing when its inventory, paths, trace and snapshot are parsed back', async () => {
    const { inventory, paths, trace, events } = await demoState(scenario);
    expect(paths.length).toBeGreaterThan(0);
    expect(trace).not.toBeNull();
    expect(ClusterInventorySchema.parse(wire(inventory))).toEqual(wire(inventory));
    expect(paths.map((p) => NetPathSchema.parse(wire(p)))).toEqual(wire(paths));
    expect(TraceRunSchema.parse(wire(trace))).toEqual(wire(trace));
    expect(events.map((e) => TraceEventSchema.parse(wire(e)))).toEqual(wire(events));

    const snapshot = freezeSnapshot({ inventory, paths, whatIf: [], trace }, { appVersion: 'test' });
    expect(wire(snapshot.paths)).toEqual(wire(paths));
    expect(SnapshotSchema.parse(wire(snapshot))).toEqual(wire(snapshot));
  });
});

describe('the round trip can fail', () => {
  it('notices a field the contract does not declare', async () => {
    const { paths } = await demoState('bare-metal-metallb');
    const extended = { ...wire(paths[0]!), undeclared: 'dropped by zod' };
    expect(NetPathSchema.parse(extended)).not.toEqual(extended);
  });
});
