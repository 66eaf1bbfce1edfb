import { describe, expect, it } from 'vitest';
import { ReportsBody } from '@/lib/contract/requests';
import type { OutsideProbe } from '@/lib/types';
import { MAX_REPORT_BODY_JSON_BYTES, MAX_REPORTS_PER_CALL, fitBody, reportBatches, toReport } from './reports';
import { MAX_BODY_BYTES, type SentProbe } from './sender';

const probe: OutsideProbe = {
  id: 'p#direct',
  pathId: 'p',
  kind: 'direct',
  target: { address: '127.0.0.1', port: 8080, label: 'echo' },
  url: 'http://127.0.0.1:8080/hopscope-probe?nonce=n1',
  httpPath: '/hopscope-probe?nonce=n1',
  headers: [],
  nonce: 'n1',
};

const sent = (over: Partial<SentProbe> = {}): SentProbe => ({
  outcome: 'ok',
  status: 200,
  contentType: 'application/json',
  body: '{"kind":"hopscope-echo"}',
  bytes: 24,
  error: null,
  localAddress: '127.0.0.1',
  durationMs: 3,
  wroteProxyHeader: null,
  ...over,
});

const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe('reports', () => {
  it('carry the probe id, its nonce and what came back', () => {
    expect(toReport(probe, sent())).toEqual({
      probeId: 'p#direct',
      nonce: 'n1',
      outcome: 'ok',
      status: 200,
      durationMs: 3,
      body: '{"kind":"hopscope-echo"}',
      contentType: 'application/json',
      error: null,
      localAddress: '127.0.0.1',
      bytes: 24,
    });
  });

  it('cut a body that would not fit one call, and say so', () => {
    const body = 'x'.repeat(100_000);
    const report = toReport(probe, sent({ body, bytes: 100_000 }));
    expect(jsonBytes(report.body)).toBeLessThanOrEqual(MAX_REPORT_BODY_JSON_BYTES);
    expect(report.body!.length).toBe(MAX_REPORT_BODY_JSON_BYTES - 2);
    expect(report.truncated).toBe(`body cut to ${MAX_REPORT_BODY_JSON_BYTES - 2} bytes to fit the report`);
    expect(toReport(probe, sent({ body, bytes: MAX_BODY_BYTES + 5 })).truncated).toContain(`the agent read ${MAX_BODY_BYTES} of ${MAX_BODY_BYTES + 5} body bytes`);
  });

  it('measure the body as JSON: escapes and multi-byte characters count, no surrogate pair is split', () => {
    expect(jsonBytes(fitBody('\u0001'.repeat(1000), 602))).toBeLessThanOrEqual(602);
    expect(fitBody('\u0001'.repeat(1000), 602)).toHaveLength(100);
    const emoji = fitBody('😀'.repeat(10), 2 + 4 * 3 + 2);
    expect(emoji).toBe('😀😀😀');
    expect(fitBody('a😀', 2 + 1 + 2)).toBe('a');
  });

  it('cut an error to the contract limit', () => {
    expect(toReport(probe, sent({ outcome: 'error', status: null, body: null, error: 'e'.repeat(5000) })).error).toHaveLength(1024);
  });

  it('go in calls within the byte limit and the count limit, the last one done', () => {
    const reports = Array.from({ length: 1200 }, (_, i) => toReport({ ...probe, id: `p${i}` }, sent({ body: 'y'.repeat(i % 7 === 0 ? 30_000 : 500) })));
    const batches = reportBatches(reports);
    for (const b of batches) {
      expect(jsonBytes(b)).toBeLessThanOrEqual(64 * 1024);
      expect(b.reports.length).toBeLessThanOrEqual(MAX_REPORTS_PER_CALL);
      expect(ReportsBody.safeParse(b).success).toBe(true);
    }
    expect(batches.flatMap((b) => b.reports)).toEqual(reports);
    expect(batches.map((b) => b.done)).toEqual([...batches.slice(1).map(() => false), true]);
  });

  it('fill a call up to the limit exactly, and no further', () => {
    const reports = Array.from({ length: 3 }, (_, i) => toReport({ ...probe, id: `p${i}` }, sent()));
    const all = jsonBytes({ reports, done: false });
    expect(reportBatches(reports, all)).toHaveLength(1);
    expect(reportBatches(reports, all - 1).map((b) => b.reports.length)).toEqual([2, 1]);
  });

  it('close the trace with one empty call when there is nothing to report', () => {
    expect(reportBatches([])).toEqual([{ reports: [], done: true }]);
  });
});
