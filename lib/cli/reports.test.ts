import { describe, expect, it } from 'vitest';
import type { OutsideProbe } from '@/lib/types';
import { MAX_REPORT_BODY_JSON_BYTES } from '@/lib/probe/outside-reports';
import { toReport } from './reports';
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

  it('cut an error to the contract limit', () => {
    expect(toReport(probe, sent({ outcome: 'error', status: null, body: null, error: 'e'.repeat(5000) })).error).toHaveLength(1024);
  });
});
