import { describe, expect, it } from 'vitest';
import { HopscopeError } from '@/lib/errors';
import { ndjsonResponse, parseNdjson } from '@/lib/probe/stream';
import type { TraceEvent } from '@/lib/types';
import { lastTrace, MAX_RUNNING_TRACES, startTrace } from './traces';

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return null;
  } catch (err) {
    return err instanceof HopscopeError ? err.code : String(err);
  }
};

async function drain(events: AsyncIterable<TraceEvent>): Promise<TraceEvent[]> {
  const all: TraceEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('traces', () => {
  it('runs one trace per source at a time and remembers the finished one', async () => {
    const source = { scenario: 'bare-metal-metallb' };
    const first = await startTrace(source, {});
    expect(await codeOf(startTrace(source, {}))).toBe('trace_running');
    const events = await drain(first);
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    expect((await lastTrace(source)).trace?.id).toBe(done?.type === 'done' ? done.trace.id : 'missing');
    // Finished: the source is free again.
    await drain(await startTrace(source, {}));
  });

  it('caps traces running at once over all sources', async () => {
    const scenarios = ['bare-metal-metallb', 'gke-local', 'openstack-xff', 'spoofable-nginx', 'source-ip-tutorial'];
    const started = await Promise.all(scenarios.slice(0, MAX_RUNNING_TRACES).map((scenario) => startTrace({ scenario }, {})));
    expect(await codeOf(startTrace({ scenario: scenarios[MAX_RUNNING_TRACES]! }, {}))).toBe('probe_budget_exhausted');
    await Promise.all(started.map(drain));
  });

  it('frees the source when the client goes away mid-stream', async () => {
    const source = { scenario: 'gke-local' };
    const response = ndjsonResponse(await startTrace(source, {}));
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(parseNdjson(new TextDecoder().decode(first.value))[0]?.type).toBe('start');
    await reader.cancel();
    await drain(await startTrace(source, {}));
  });
});
