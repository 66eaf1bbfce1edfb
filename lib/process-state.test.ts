import { describe, expect, it, vi } from 'vitest';
import type { TraceRun } from '@/lib/types';
import { processState } from './process-state';

describe('processState', () => {
  it('creates an object once per process and hands every caller the same one', () => {
    const create = vi.fn(() => new Map<string, number>());
    const first = processState('test-once', create);
    first.set('a', 1);
    expect(processState('test-once', create).get('a')).toBe(1);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('is shared by separate instances of a module, as Next builds one per route', async () => {
    // A trace remembered through one instance of the store (the traces route) is read by another (a snapshot).
    vi.resetModules();
    const one = await import('@/lib/probe/store');
    vi.resetModules();
    const other = await import('@/lib/probe/store');
    expect(one).not.toBe(other);
    const trace = { id: 't-1', vantage: { kind: 'browser' } } as TraceRun;
    one.rememberTrace('demo/lab', trace);
    expect(other.getLastTrace('demo/lab', 'browser')).toBe(trace);
  });
});
