import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@/lib/types';
import { nodePortTraceWithMismatch } from '@/test/support/samples';
import { IDLE_TRACE, applyTraceEvent, beginTrace, cancelTrace, parseTraceLine, splitLines } from './trace-state';

const probe = nodePortTraceWithMismatch.probes[0]!;
const events: TraceEvent[] = [
  { type: 'start', traceId: 't1', simulated: true, pathIds: [probe.pathId], probeCount: 2 },
  { type: 'probe', probe, done: 1, total: 2 },
  { type: 'probe', probe: { ...probe, id: 'probe-2', observation: null, outcome: 'timeout' }, done: 2, total: 2 },
  { type: 'path', path: nodePortTraceWithMismatch },
  {
    type: 'done',
    trace: { id: 't1', startedAt: '', finishedAt: '', simulated: true, prober: { inCluster: false, address: null, note: '' }, paths: [nodePortTraceWithMismatch] },
  },
];

describe('splitLines', () => {
  it('reassembles lines split across chunks', () => {
    const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    let carry = '';
    const lines: string[] = [];
    for (let i = 0; i < text.length; i += 7) {
      const result = splitLines(carry, text.slice(i, i + 7));
      lines.push(...result.lines);
      carry = result.carry;
    }
    expect(carry).toBe('');
    expect(lines.map(parseTraceLine)).toEqual(events);
  });
});

describe('parseTraceLine', () => {
  it.each(['not json', '{"type":"bogus"}', '42'])('turns %s into an error event', (line) => {
    expect(parseTraceLine(line).type).toBe('error');
  });
});

describe('applyTraceEvent', () => {
  it('follows a trace from start to done', () => {
    const states = events.reduce((acc, e) => [...acc, applyTraceEvent(acc.at(-1)!, e)], [IDLE_TRACE]);
    expect(states.map((s) => [s.status, s.done, s.total])).toEqual([
      ['idle', 0, 0],
      ['running', 0, 2],
      ['running', 1, 2],
      ['running', 2, 2],
      ['running', 2, 2],
      ['done', 2, 2],
    ]);
    const last = states.at(-1)!;
    expect(last.probes[probe.pathId]).toHaveLength(2);
    expect(last.paths[probe.pathId]?.matchesPrediction).toBe(false);
    expect(last.simulated).toBe(true);
  });

  it('replaces results of re-probed paths and keeps the others', () => {
    const finished = events.reduce(applyTraceEvent, IDLE_TRACE);
    const withOther = { ...finished, paths: { ...finished.paths, other: { ...nodePortTraceWithMismatch, pathId: 'other' } } };
    const restarted = applyTraceEvent(withOther, events[0]!);
    expect(Object.keys(restarted.paths)).toEqual(['other']);
    expect(restarted.probes).toEqual({});
  });

  it('is running and cancellable before the first line arrives', () => {
    expect(cancelTrace(beginTrace(IDLE_TRACE))).toMatchObject({ status: 'cancelled', done: 0, total: 0 });
  });

  it('keeps landed probes when cancelled and reports stream errors', () => {
    const running = applyTraceEvent(applyTraceEvent(IDLE_TRACE, events[0]!), events[1]!);
    expect(cancelTrace(running)).toMatchObject({ status: 'cancelled', done: 1 });
    expect(cancelTrace(IDLE_TRACE)).toBe(IDLE_TRACE);
    expect(applyTraceEvent(running, { type: 'error', error: { code: 'trace_failed', message: 'boom' } })).toMatchObject({ status: 'failed', error: 'boom' });
  });
});
