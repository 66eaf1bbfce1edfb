import { describe, expect, it } from 'vitest';
import type { OutsidePlan, OutsideReport, ReportsAnswer, TraceRun } from '@/lib/types';
import { IDLE_BROWSER_RUN, browserRunReducer, dashboardMessage, frameDeadlineMs, frameMessage, isBrowserRunning } from './browser-run';

const plan: OutsidePlan = {
  traceId: 't1',
  vantage: { kind: 'browser', label: 'your browser', name: null, node: null, address: null },
  expiresAt: new Date(0).toISOString(),
  probes: ['a', 'b', 'c'].map((id) => ({
    id,
    pathId: 'p',
    kind: 'direct' as const,
    target: { address: '198.51.100.60', port: 80, label: 'VIP' },
    url: `http://198.51.100.60/hopscope-probe?nonce=${id}`,
    httpPath: `/hopscope-probe?nonce=${id}`,
    headers: [],
    nonce: id,
  })),
  notProbed: [{ pathId: 'egress', reason: 'egress leads out of the cluster' }],
};

const report = (probeId: string, outcome: OutsideReport['outcome'] = 'ok'): OutsideReport => ({
  probeId,
  nonce: probeId,
  outcome,
  status: outcome === 'ok' ? 200 : null,
  durationMs: 1,
  body: outcome === 'ok' ? '{}' : null,
  error: null,
});

const trace: TraceRun = { id: 't1', startedAt: '', finishedAt: '', simulated: false, prober: { inCluster: false, address: null, note: '' }, paths: [] };

describe('the state of a browser run', () => {
  it('goes from plan through probes and reports to the closed trace', () => {
    let s = browserRunReducer(IDLE_BROWSER_RUN, { type: 'begin' });
    expect(s.status).toBe('planning');
    expect(isBrowserRunning(s)).toBe(true);
    s = browserRunReducer(s, { type: 'planned', plan });
    expect(s).toMatchObject({ status: 'probing', traceId: 't1', total: 3, done: 0, notProbed: 1 });
    s = browserRunReducer(s, { type: 'frame', src: '/probe/t1?connect=http%3A%2F%2F198.51.100.60' });
    s = browserRunReducer(s, { type: 'report', report: report('a') });
    s = browserRunReducer(s, { type: 'report', report: report('b', 'not-sent') });
    expect(s).toMatchObject({ done: 2, notSent: 1 });
    s = browserRunReducer(s, { type: 'reporting' });
    expect(s).toMatchObject({ status: 'reporting', frame: null });
    const answers: ReportsAnswer[] = [
      { traceId: 't1', accepted: ['a'], refused: [{ probeId: 'c', reason: 'nonce already used' }], pending: 1, trace: null },
      { traceId: 't1', accepted: [], refused: [], pending: 0, trace },
    ];
    s = browserRunReducer(s, { type: 'answered', answers });
    expect(s).toMatchObject({ status: 'done', run: trace, refused: [{ probeId: 'c', reason: 'nonce already used' }] });
    expect(isBrowserRunning(s)).toBe(false);
    // A new run keeps the last result on screen until its own arrives.
    expect(browserRunReducer(s, { type: 'begin' })).toMatchObject({ status: 'planning', run: trace, done: 0 });
  });

  it('fails when the dashboard never closes the trace', () => {
    const s = browserRunReducer({ ...IDLE_BROWSER_RUN, status: 'reporting' }, { type: 'answered', answers: [{ traceId: 't1', accepted: [], refused: [], pending: 3, trace: null }] });
    expect(s).toMatchObject({ status: 'failed', error: expect.stringContaining('did not close') });
  });

  it('cancels only what is still sending', () => {
    expect(browserRunReducer({ ...IDLE_BROWSER_RUN, status: 'probing' }, { type: 'cancel' }).cancelling).toBe(true);
    expect(browserRunReducer({ ...IDLE_BROWSER_RUN, status: 'done' }, { type: 'cancel' }).cancelling).toBe(false);
  });
});

describe('messages between the dashboard and its probe page', () => {
  it('accepts only well-formed messages of this trace', () => {
    expect(frameMessage({ type: 'hopscope-probe-ready', traceId: 't1' }, 't1')).toEqual({ type: 'hopscope-probe-ready', traceId: 't1' });
    expect(frameMessage({ type: 'hopscope-probe-ready', traceId: 'other' }, 't1')).toBeNull();
    expect(frameMessage({ type: 'hopscope-probe-report', traceId: 't1', report: report('a') }, 't1')).toMatchObject({ report: report('a') });
    expect(frameMessage({ type: 'hopscope-probe-report', traceId: 't1', report: { probeId: 1 } }, 't1')).toBeNull();
    expect(frameMessage({ type: 'hopscope-probe-finished', traceId: 't1', reports: [report('a'), 'x'] }, 't1')).toBeNull();
    expect(frameMessage({ type: 'hopscope-probe-refused', traceId: 't1', reason: 'expired' }, 't1')).toMatchObject({ reason: 'expired' });
    expect(frameMessage('hopscope-probe-ready', 't1')).toBeNull();
    expect(frameMessage({ type: 'something-else', traceId: 't1' }, 't1')).toBeNull();
    expect(dashboardMessage({ type: 'hopscope-probe-start', traceId: 't1' }, 't1')).toEqual({ type: 'hopscope-probe-start', traceId: 't1' });
    expect(dashboardMessage({ type: 'hopscope-probe-start', traceId: 't2' }, 't1')).toBeNull();
    expect(dashboardMessage({ type: 'hopscope-probe-ready', traceId: 't1' }, 't1')).toBeNull();
  });

  it('gives a probe page as long as its probes can take in rounds, plus its load', () => {
    expect(frameDeadlineMs(0, 3_000, 6, 30_000)).toBe(30_000);
    expect(frameDeadlineMs(7, 3_000, 6, 30_000)).toBe(2 * 4_000 + 30_000);
  });
});
