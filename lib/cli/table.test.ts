import { describe, expect, it } from 'vitest';
import type { OutsidePlan, TraceRun } from '@/lib/types';
import { pathTrace } from '@/test/support/agent-dashboard';
import type { SentProbe } from './sender';
import { exitCodeOf, renderTable, summaryLine } from './table';
import { terminalText } from './text';

const echoBody = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    kind: 'hopscope-echo',
    peer: { address: '10.244.1.20', port: 40000 },
    local: { address: '10.244.2.7', port: 8080 },
    proxyProtocol: null,
    tls: false,
    sni: null,
    request: { method: 'GET', path: '/hopscope-probe?nonce=n1', httpVersion: '1.1' },
    host: 'shop.example.com',
    headers: [['X-Forwarded-For', '203.0.113.7'], ['X-Real-IP', '203.0.113.7']],
    identity: { podName: 'echo-0', podNamespace: 'default', podIp: '10.244.2.7', nodeName: 'node1' },
    receivedAt: '2026-12-01T00:00:00.000Z',
    ...over,
  });

const plan: OutsidePlan = {
  traceId: 't1',
  vantage: { kind: 'agent', label: 'agent laptop-eu', name: 'laptop-eu', node: null, address: null },
  expiresAt: '2026-12-01T00:10:00.000Z',
  probes: [
    {
      id: 'ing#direct',
      pathId: 'ing',
      kind: 'direct',
      target: { address: '192.0.2.10', port: 80, host: 'shop.example.com', label: 'ingress-nginx' },
      url: 'http://shop.example.com:80/hopscope-probe?nonce=n1',
      httpPath: '/hopscope-probe?nonce=n1',
      headers: [],
      nonce: 'n1',
    },
  ],
  notProbed: [{ pathId: 'egress', reason: 'egress leads out of the cluster' }],
};

const sent = (over: Partial<SentProbe> = {}): Map<string, SentProbe> =>
  new Map([
    [
      'ing#direct',
      { outcome: 'ok', status: 200, contentType: 'application/json', body: echoBody(), bytes: 500, error: null, localAddress: '198.51.100.9', durationMs: 4, wroteProxyHeader: null, ...over },
    ],
  ]);

const trace = (paths: TraceRun['paths']): TraceRun => ({
  id: 't1',
  startedAt: '2026-12-01T00:00:00.000Z',
  finishedAt: '2026-12-01T00:00:01.000Z',
  simulated: false,
  prober: { inCluster: false, address: null, note: '' },
  vantage: plan.vantage,
  paths,
});

describe('the probe table', () => {
  it('shows what the echo saw beside the verdicts', () => {
    const text = renderTable(plan, sent(), trace([pathTrace('ing', { observedVerdict: 'header', predicted: { ...pathTrace('ing').predicted!, verdict: 'header' } })]));
    expect(text).toBe(
      [
        'trace t1 from agent laptop-eu',
        '',
        'path ing',
        '  observed header, predicted header (outside): matches',
        '  probe   target                                          outcome  peer         X-Forwarded-For  X-Real-IP    PROXY src',
        '  direct  ingress-nginx (shop.example.com) 192.0.2.10:80  ok 200   10.244.1.20  203.0.113.7      203.0.113.7  -',
        '',
        'path egress',
        '  not probed: egress leads out of the cluster',
        '',
        '1 path compared: 1 match, 0 differ; 0 not reachable from here; 0 not probed',
        '',
      ].join('\n'),
    );
  });

  it('says when an answer is no echo report, and shows the error', () => {
    const text = renderTable(plan, sent({ outcome: 'http-error', status: 404, body: '<html>default backend</html>', contentType: 'text/html', error: null }), trace([pathTrace('ing')]));
    expect(text).toContain('http-error 404');
    expect(text).toContain('    direct: the answer is no echo report');
  });

  it('escapes terminal control sequences from the network', () => {
    const evil = echoBody({ headers: [['X-Forwarded-For', '203.0.113.7\u001b[2J\u001b[31m']] });
    const text = renderTable(plan, sent({ body: evil }), trace([pathTrace('ing', { differences: ['\u202Eevil'] })]));
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202E');
    expect(text).toContain('203.0.113.7\\u{1B}[2J\\u{1B}[31m');
    expect(text).toContain('  differs: \\u{202E}evil');
  });
});

describe('terminalText', () => {
  it('shows control and format characters instead of writing them', () => {
    expect(terminalText('a\tb\u0000c\u007f\u0085\u200Fd\u2028')).toBe('a\\u{9}b\\u{0}c\\u{7F}\\u{85}\\u{200F}d\\u{2028}');
    expect(terminalText('שלום 203.0.113.7 ünïcode')).toBe('שלום 203.0.113.7 ünïcode');
  });
});

describe('the exit code', () => {
  it('is 1 only when a path this vantage reached differs', () => {
    expect(exitCodeOf(trace([pathTrace('a'), pathTrace('b')]))).toBe(0);
    expect(exitCodeOf(trace([pathTrace('a'), pathTrace('b', { matchesPrediction: false, observedVerdict: 'lost' })]))).toBe(1);
    expect(exitCodeOf(trace([pathTrace('a', { matchesPrediction: false, observedVerdict: null, notReachable: 'dns' })]))).toBe(0);
    expect(exitCodeOf(trace([pathTrace('a', { matchesPrediction: false, observedVerdict: null, notProbed: 'egress' })]))).toBe(0);
  });

  it('is summed up in one line', () => {
    const t = trace([
      pathTrace('a'),
      pathTrace('b', { matchesPrediction: false, observedVerdict: 'lost' }),
      pathTrace('c', { observedVerdict: null, notReachable: 'no route' }),
      pathTrace('d', { observedVerdict: null, notProbed: 'egress' }),
    ]);
    expect(summaryLine(t)).toBe('2 paths compared: 1 match, 1 differ; 1 not reachable from here; 1 not probed');
  });
});
