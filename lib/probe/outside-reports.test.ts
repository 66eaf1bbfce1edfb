import { describe, expect, it } from 'vitest';
import { ReportsBody } from '@/lib/contract/requests';
import type { OutsideReport } from '@/lib/types';
import { MAX_REPORT_BODY_JSON_BYTES, MAX_REPORTS_PER_CALL, MAX_REQUEST_BYTES, fitBody, reportBatches } from './outside-reports';

const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

const report = (i: number, body: string | null = '{"kind":"hopscope-echo"}'): OutsideReport => ({
  probeId: `p${i}`,
  nonce: `n${i}`,
  outcome: body === null ? 'not-sent' : 'ok',
  status: body === null ? null : 200,
  durationMs: 3,
  body,
  contentType: body === null ? null : 'application/json',
  error: body === null ? 'not sent' : null,
  localAddress: null,
  bytes: body === null ? 0 : body.length,
});

describe('a report body fits its call', () => {
  it('measures the body as JSON: escapes and multi-byte characters count, no surrogate pair is split', () => {
    expect(jsonBytes(fitBody('\u0001'.repeat(1000), 602))).toBeLessThanOrEqual(602);
    expect(fitBody('\u0001'.repeat(1000), 602)).toHaveLength(100);
    expect(fitBody('😀'.repeat(10), 2 + 4 * 3 + 2)).toBe('😀😀😀');
    expect(fitBody('a😀', 2 + 1 + 2)).toBe('a');
    expect(fitBody('short', 100)).toBe('short');
  });

  it('leaves room for the rest of the report in one call', () => {
    const body = fitBody('x'.repeat(100_000), MAX_REPORT_BODY_JSON_BYTES);
    expect(jsonBytes({ reports: [report(0, body)], done: true })).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
  });
});

describe('reports go in calls', () => {
  it('within the byte limit and the count limit, in order, the last one done', () => {
    const reports = Array.from({ length: 1200 }, (_, i) => report(i, i % 9 === 0 ? null : 'y'.repeat(i % 7 === 0 ? 30_000 : 500)));
    const batches = reportBatches(reports);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) {
      expect(jsonBytes(b)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
      expect(b.reports.length).toBeLessThanOrEqual(MAX_REPORTS_PER_CALL);
      expect(ReportsBody.safeParse(b).success).toBe(true);
    }
    expect(batches.flatMap((b) => b.reports)).toEqual(reports);
    expect(batches.map((b) => b.done)).toEqual([...batches.slice(1).map(() => false), true]);
  });

  it('fill a call up to the limit exactly, and no further', () => {
    const reports = [report(0), report(1), report(2)];
    const all = jsonBytes({ reports, done: false });
    expect(reportBatches(reports, all)).toHaveLength(1);
    expect(reportBatches(reports, all - 1).map((b) => b.reports.length)).toEqual([2, 1]);
  });

  it('close the trace with one empty call when there is nothing to report', () => {
    expect(reportBatches([])).toEqual([{ reports: [], done: true }]);
  });
});
