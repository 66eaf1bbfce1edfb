// The agent end to end over loopback: a dashboard on 127.0.0.1 hands out a plan whose targets are hopscope echoes
// (and misbehaving servers) on 127.0.0.1, and records what the agent posts back. Nothing leaves loopback.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceRunSchema } from '@/lib/contract/schemas';
import { startEchoServer, type EchoServer } from '@/lib/echo/server';
import type { OutsidePlan, OutsideProbe, OutsideReport } from '@/lib/types';
import { countingServer, pathTrace, startFakeDashboard, type CountingServer, type FakeDashboard, type FakeDashboardOptions } from '@/test/support/agent-dashboard';
import { captureLogger, type CapturedLogger } from '@/test/support/echo';
import { freePort } from '@/test/support/net';
import { main } from './main';
import { sendProbe } from './sender';
import type { CliIo } from './probe';

const testdata = (name: string) => readFileSync(path.join(import.meta.dirname, '..', 'echo', 'testdata', name));

interface Echo {
  server: EchoServer;
  log: CapturedLogger;
  /** Requests this echo answered (one per connection: the agent sends Connection: close). */
  requests(): number;
}

async function echo(withTls = false): Promise<Echo> {
  const log = captureLogger();
  const server = await startEchoServer({
    port: 0,
    host: '127.0.0.1',
    logger: log.logger,
    ...(withTls ? { tlsPort: 0, tls: { key: testdata('tls-test-key.pem'), cert: testdata('tls-test-cert.pem') } } : {}),
  });
  return { server, log, requests: () => log.lines().filter((l) => l.msg === 'echo request').length };
}

function probe(id: string, pathId: string, port: number, over: Partial<OutsideProbe> & { host?: string; tls?: boolean; proxyProtocol?: 'v1' | 'v2' } = {}): OutsideProbe {
  const nonce = randomUUID();
  const httpPath = `/hopscope-probe?nonce=${nonce}`;
  const { host, tls, proxyProtocol, ...rest } = over;
  return {
    id,
    pathId,
    kind: 'direct',
    target: { address: '127.0.0.1', port, label: `target ${id}`, ...(host ? { host } : {}), ...(tls ? { tls } : {}), ...(proxyProtocol ? { proxyProtocol } : {}) },
    url: `${tls ? 'https' : 'http'}://${host ?? '127.0.0.1'}:${port}${httpPath}`,
    httpPath,
    headers: [],
    nonce,
    ...rest,
  };
}

function plan(probes: OutsideProbe[], notProbed: OutsidePlan['notProbed'] = []): OutsidePlan {
  return {
    traceId: `t-${randomUUID()}`,
    vantage: { kind: 'agent', label: 'agent lab-client', name: 'lab-client', node: null, address: null },
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
    probes,
    notProbed,
  };
}

function testIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    untilStopped: () => Promise.resolve(),
    interfaces: () => ({}),
    stdout: () => out,
    stderr: () => err,
  };
}

const open: { close(): Promise<void> }[] = [];
async function dashboard(options: FakeDashboardOptions): Promise<FakeDashboard> {
  const d = await startFakeDashboard(options);
  open.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(open.map((o) => o.close()));
});

const reportCalls = (d: FakeDashboard) => d.calls.filter((c) => c.url.includes('/reports'));
const posted = (d: FakeDashboard): OutsideReport[] => reportCalls(d).flatMap((c) => (c.json as { reports: OutsideReport[] }).reports);
const bodyOf = (r: OutsideReport | undefined) => JSON.parse(r?.body ?? 'null') as { host: string | null; sni: string | null; tls: boolean; headers: [string, string][]; proxyProtocol: { src: string; srcPort: number } | null };
const headerNames = (r: OutsideReport | undefined) => bodyOf(r).headers.map(([n]) => n.toLowerCase());

describe('hopscope probe against a dashboard and echoes on loopback', () => {
  let plain: Echo, tlsEcho: Echo, proxied: Echo, untouched: Echo, decoy: Echo;
  let closing: CountingServer;
  let closedPort: number;
  let the: OutsidePlan;
  let d: FakeDashboard;
  let io: ReturnType<typeof testIo>;
  let code: number;

  beforeAll(async () => {
    [plain, tlsEcho, proxied, untouched, decoy] = await Promise.all([echo(), echo(true), echo(), echo(), echo()]);
    closing = await countingServer('close');
    closedPort = await freePort();
    const forged: [string, string][] = [
      ['X-Forwarded-For', '198.51.100.66'],
      ['X-Real-IP', '198.51.100.66'],
    ];
    the = plan(
      [
        probe('lb#direct', 'lb', plain.server.port),
        probe('lb#spoof', 'lb', plain.server.port, { kind: 'spoof', headers: forged }),
        probe('ing#direct', 'ing', tlsEcho.server.tlsPort!, { host: 'shop.example.test', tls: true }),
        probe('pp#direct', 'pp', proxied.server.port, { proxyProtocol: 'v1' }),
        probe('refused#direct', 'refused', closedPort),
        probe('empty#direct', 'empty', closing.port),
        probe('evil#direct', 'evil', untouched.server.port, { host: 'shop.example.test\r\nX-Injected: yes' }),
      ],
      [{ pathId: 'egress', reason: 'egress leads out of the cluster' }],
    );
    d = await dashboard({ plan: () => the });
    io = testIo();
    code = await main(['probe', '--server', d.url, '--name', 'lab-client', '--context', 'ctx-1', '--timeout', '5000'], io, 'ignored-host');
  });

  afterAll(async () => {
    await Promise.all([plain, tlsEcho, proxied, untouched, decoy].map((e) => e.server.close()));
    await closing.close();
  });

  it('asks for an agent plan under its name and context, as JSON', () => {
    const first = d.calls[0]!;
    expect(first.method).toBe('POST');
    expect(first.url).toBe('/api/v1/traces?context=ctx-1');
    expect(first.contentType).toBe('application/json');
    expect(first.userAgent).toBe('hopscope-agent/1');
    expect(first.json).toEqual({ vantage: 'agent', agentName: 'lab-client' });
  });

  it('opens exactly the planned connections, and none anywhere else', () => {
    expect(plain.requests()).toBe(2);
    expect(tlsEcho.requests()).toBe(1);
    expect(proxied.requests()).toBe(1);
    expect(closing.connections()).toBe(1);
    expect(untouched.requests()).toBe(0);
    expect(decoy.requests()).toBe(0);
  });

  it('posts one report per planned probe with its own nonce, and the dashboard counts them all', () => {
    const reports = posted(d);
    expect(reports.map((r) => r.probeId).sort()).toEqual(the.probes.map((p) => p.id).sort());
    for (const r of reports) expect(r.nonce).toBe(the.probes.find((p) => p.id === r.probeId)!.nonce);
    expect(d.counted).toHaveLength(the.probes.length);
    expect(reportCalls(d).at(-1)!.json).toMatchObject({ done: true });
  });

  it('sends the plan Host header, and the Ingress host as Host and TLS server name', () => {
    const byId = new Map(posted(d).map((r) => [r.probeId, r]));
    expect(bodyOf(byId.get('lb#direct'))).toMatchObject({ host: `127.0.0.1:${plain.server.port}`, tls: false, sni: null });
    expect(bodyOf(byId.get('ing#direct'))).toMatchObject({ host: 'shop.example.test', tls: true, sni: 'shop.example.test' });
    expect(byId.get('lb#direct')!.localAddress).toBe('127.0.0.1');
  });

  it('forges X-Forwarded-For and X-Real-IP on the spoof probe only', () => {
    const byId = new Map(posted(d).map((r) => [r.probeId, r]));
    expect(bodyOf(byId.get('lb#spoof')).headers).toEqual(expect.arrayContaining([['X-Forwarded-For', '198.51.100.66'], ['X-Real-IP', '198.51.100.66']]));
    for (const id of ['lb#direct', 'ing#direct', 'pp#direct']) {
      expect(headerNames(byId.get(id))).not.toContain('x-forwarded-for');
      expect(headerNames(byId.get(id))).not.toContain('x-real-ip');
    }
  });

  it('writes a PROXY line only where the target says so, and labels it a simulated load balancer', () => {
    const byId = new Map(posted(d).map((r) => [r.probeId, r]));
    const proxy = bodyOf(byId.get('pp#direct')).proxyProtocol;
    expect(proxy?.src).toBe('127.0.0.1');
    expect(bodyOf(byId.get('lb#direct')).proxyProtocol).toBeNull();
    const notes = io.stdout().split('\n').filter((l) => l.includes('simulated LB: the agent wrote this PROXY line'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`PROXY TCP4 127.0.0.1 127.0.0.1 ${proxy?.srcPort} ${proxied.server.port}`);
  });

  it('names each failure for what it is: refused, empty reply, and a plan entry it would not send', () => {
    const byId = new Map(posted(d).map((r) => [r.probeId, r]));
    expect(byId.get('refused#direct')).toMatchObject({ outcome: 'refused', status: null, body: null });
    expect(byId.get('empty#direct')).toMatchObject({ outcome: 'empty-reply', status: null, error: 'the server closed the connection without an answer' });
    const evil = byId.get('evil#direct')!;
    expect(evil.outcome).toBe('not-sent');
    expect(evil.error).toMatch(/^refused by hopscope, nothing was sent: .*U\+000D \(CR\)/);
  });

  it('prints a table per path with what the echo saw, the verdicts, and the paths not probed; exit 0 when all match', () => {
    const out = io.stdout();
    expect(code).toBe(0);
    expect(out).toContain('path lb\n  observed preserved, predicted preserved (outside): matches');
    expect(out).toMatch(/spoof +target lb#spoof 127\.0\.0\.1:\d+ +ok 200 +127\.0\.0\.1 +198\.51\.100\.66 +198\.51\.100\.66 +-/);
    expect(out).toContain('path egress\n  not probed: egress leads out of the cluster');
    // The injected header is shown escaped, never written to the terminal as a line break.
    expect(out).toContain('shop.example.test\\u{D}\\u{A}X-Injected: yes');
    expect(out).toContain('6 paths compared: 6 match, 0 differ; 0 not reachable from here; 0 not probed');
  });
});

describe('hopscope probe: timeouts, resets and what the verdicts say', () => {
  it('times out against a socket that never answers, after one connection', async () => {
    const silent = await countingServer('silent');
    const reset = await countingServer('reset');
    try {
      const d = await dashboard({ plan: () => plan([probe('s#direct', 's', silent.port), probe('r#direct', 'r', reset.port)]) });
      // Long enough that the reset lands first on a loaded machine too.
      const code = await main(['probe', '--server', d.url, '--timeout', '1000'], testIo(), 'h');
      const byId = new Map(posted(d).map((r) => [r.probeId, r]));
      expect(byId.get('s#direct')).toMatchObject({ outcome: 'timeout', error: 'no complete answer within 1000 ms' });
      expect(byId.get('s#direct')!.durationMs).toBeGreaterThanOrEqual(990);
      expect(byId.get('r#direct')).toMatchObject({ outcome: 'reset' });
      expect(silent.connections()).toBe(1);
      expect(reset.connections()).toBe(1);
      expect(code).toBe(0);
    } finally {
      await silent.close();
      await reset.close();
    }
  });

  it('exits 1 when a path differs from its prediction and prints the difference', async () => {
    const e = await echo();
    try {
      const d = await dashboard({
        plan: () => plan([probe('a#direct', 'a', e.server.port), probe('b#direct', 'b', e.server.port)]),
        judge: () => [
          pathTrace('a'),
          pathTrace('b', { observedVerdict: 'lost', matchesPrediction: false, differences: ['pod sees the node address, predicted the client'] }),
        ],
      });
      const io = testIo();
      expect(await main(['probe', '--server', d.url], io, 'h')).toBe(1);
      expect(io.stdout()).toContain('path b\n  observed lost, predicted preserved (outside): DIFFERS\n  differs: pod sees the node address, predicted the client');
    } finally {
      await e.server.close();
    }
  });

  it('shows "not reachable from here" without a verdict, and that alone is no difference', async () => {
    const e = await echo();
    try {
      const d = await dashboard({
        plan: () => plan([probe('a#direct', 'a', e.server.port)]),
        judge: () => [pathTrace('a', { observedVerdict: null, matchesPrediction: false, notReachable: 'no route to 192.0.2.10 from this machine' })],
      });
      const io = testIo();
      expect(await main(['probe', '--server', d.url], io, 'h')).toBe(0);
      expect(io.stdout()).toContain('path a\n  not reachable from here: no route to 192.0.2.10 from this machine');
      expect(io.stdout()).not.toContain('DIFFERS');
    } finally {
      await e.server.close();
    }
  });

  it('--json prints the compared TraceRun and nothing else on stdout', async () => {
    const e = await echo();
    try {
      const d = await dashboard({ plan: () => plan([probe('a#direct', 'a', e.server.port)]) });
      const io = testIo();
      expect(await main(['probe', '--server', d.url, '--json'], io, 'h')).toBe(0);
      const trace = TraceRunSchema.parse(JSON.parse(io.stdout()));
      expect(trace.vantage?.kind).toBe('agent');
      expect(trace.paths.map((p) => p.pathId)).toEqual(['a']);
      expect(io.stderr()).toContain('1 probe planned for agent lab-client');
    } finally {
      await e.server.close();
    }
  });

  it('posts many reports in calls of at most 64 KiB, the last one done', async () => {
    const e = await echo();
    try {
      const probes = Array.from({ length: 80 }, (_, i) => probe(`p${i}#direct`, `p${i}`, e.server.port));
      const d = await dashboard({ plan: () => plan(probes) });
      expect(await main(['probe', '--server', d.url], testIo(), 'h')).toBe(0);
      const calls = reportCalls(d);
      expect(calls.length).toBeGreaterThan(1);
      for (const c of calls) expect(c.bytes).toBeLessThanOrEqual(64 * 1024);
      expect(calls.map((c) => (c.json as { done: boolean }).done)).toEqual([...calls.slice(1).map(() => false), true]);
      expect(d.counted).toHaveLength(80);
      expect(e.requests()).toBe(80);
    } finally {
      await e.server.close();
    }
  });

  it('with --path, sends nothing for a path it did not ask for, and says so in the report', async () => {
    const e = await echo();
    const other = await echo();
    try {
      const d = await dashboard({ plan: () => plan([probe('a#direct', 'a', e.server.port), probe('x#direct', 'x', other.server.port)]) });
      expect(await main(['probe', '--server', d.url, '--path', 'a'], testIo(), 'h')).toBe(0);
      expect(d.calls[0]!.json).toMatchObject({ pathIds: ['a'] });
      expect(e.requests()).toBe(1);
      expect(other.requests()).toBe(0);
      expect(posted(d).find((r) => r.probeId === 'x#direct')).toMatchObject({ outcome: 'not-sent', error: 'not sent: the agent asked only for a' });
    } finally {
      await e.server.close();
      await other.server.close();
    }
  });
});

describe('hopscope probe: the dashboard says no, or is not there', () => {
  it('when the dashboard refuses every report of the closing call, says so and still closes the trace', async () => {
    const e = await echo();
    try {
      // An echo answer without the nonce in its request path is no evidence for this trace: the dashboard refuses it.
      const d = await dashboard({ plan: () => plan([probe('a#direct', 'a', e.server.port, { httpPath: '/hopscope-probe' })]) });
      const io = testIo();
      expect(await main(['probe', '--server', d.url], io, 'h')).toBe(0);
      expect(io.stderr()).toContain('the dashboard counted none of 1 report: the dashboard refused POST /api/v1/traces/');
      expect(io.stderr()).toContain('(a#direct: the echo report does not carry this nonce)');
      expect(reportCalls(d).map((c) => c.json)).toEqual([expect.objectContaining({ done: true }), { reports: [], done: true }]);
      expect(io.stdout()).toContain('path a');
    } finally {
      await e.server.close();
    }
  });


  it('exits 2 with the error envelope message and hint, and sends no probe', async () => {
    const e = await echo();
    try {
      const d = await dashboard({
        plan: () => ({
          status: 421,
          contentType: 'application/json',
          text: JSON.stringify({ error: { code: 'host_not_allowed', message: 'this hopscope does not answer for host "x"', hint: 'open hopscope by localhost' } }),
        }),
      });
      const io = testIo();
      expect(await main(['probe', '--server', d.url], io, 'h')).toBe(2);
      expect(io.stderr()).toBe('hopscope: the dashboard refused POST /api/v1/traces: host_not_allowed (HTTP 421): this hopscope does not answer for host "x"\nhint: open hopscope by localhost\n');
      expect(reportCalls(d)).toEqual([]);
    } finally {
      await e.server.close();
    }
  });

  it('exits 2 when the dashboard streams an in-cluster trace instead of a plan', async () => {
    const d = await dashboard({ plan: () => ({ status: 200, contentType: 'application/x-ndjson', text: '{"type":"start"}\n' }) });
    const io = testIo();
    expect(await main(['probe', '--server', d.url], io, 'h')).toBe(2);
    expect(io.stderr()).toContain('answered with a trace stream instead of an agent plan');
  });

  it('exits 2 on a plan that does not match the contract, before sending anything', async () => {
    const e = await echo();
    try {
      const broken = plan([probe('a#direct', 'a', e.server.port)]);
      const d = await dashboard({ plan: () => ({ status: 201, contentType: 'application/json', text: JSON.stringify({ ...broken, probes: [{ ...broken.probes[0], nonce: undefined }] }) }) });
      const io = testIo();
      expect(await main(['probe', '--server', d.url], io, 'h')).toBe(2);
      expect(io.stderr()).toContain("the dashboard's plan does not match hopscope's API: probes.0.nonce");
      expect(e.requests()).toBe(0);
    } finally {
      await e.server.close();
    }
  });

  it('exits 2 when the dashboard cannot be reached', async () => {
    const port = await freePort();
    const io = testIo();
    expect(await main(['probe', '--server', `http://127.0.0.1:${port}`], io, 'h')).toBe(2);
    expect(io.stderr()).toContain(`hopscope: cannot reach the dashboard at http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(io.stderr()).toContain('hint: is it running, and is --server its URL?');
  });
});

describe('hopscope probe --listen', () => {
  it('runs the egress echo while probing and after, until stopped; then closes it', async () => {
    const e = await echo();
    try {
      const d = await dashboard({ plan: () => plan([probe('a#direct', 'a', e.server.port)]) });
      let err = '';
      let echoed: OutsideReport | null = null;
      const io: CliIo = {
        out: () => undefined,
        err: (t) => void (err += t),
        interfaces: () => ({}),
        // While the command waits for Ctrl-C, the egress echo answers (here: the agent's own sender, on loopback).
        untilStopped: async () => {
          const port = Number(/HOPSCOPE_EGRESS_ECHO=127\.0\.0\.1:(\d+)/.exec(err)?.[1]);
          const sent = await sendProbe(probe('egress', 'egress', port), 2000);
          echoed = { probeId: 'egress', nonce: '', outcome: sent.outcome, status: sent.status, durationMs: 0, body: sent.body, error: sent.error };
        },
      };
      expect(await main(['probe', '--server', d.url, '--listen', '0', '--listen-address', '127.0.0.1'], io, 'h')).toBe(0);
      expect(err).toContain('probes done; the egress echo keeps listening until Ctrl-C');
      expect(echoed).toMatchObject({ outcome: 'ok', status: 200 });
      const port = Number(/HOPSCOPE_EGRESS_ECHO=127\.0\.0\.1:(\d+)/.exec(err)?.[1]);
      expect((await sendProbe(probe('after', 'after', port), 2000)).outcome).toBe('refused');
    } finally {
      await e.server.close();
    }
  });

  it('closes the egress echo at once when the dashboard fails', async () => {
    const closed = await freePort();
    let err = '';
    let waited = false;
    const io: CliIo = { out: () => undefined, err: (t) => void (err += t), interfaces: () => ({}), untilStopped: async () => void (waited = true) };
    expect(await main(['probe', '--server', `http://127.0.0.1:${closed}`, '--listen', '0', '--listen-address', '127.0.0.1'], io, 'h')).toBe(2);
    expect(waited).toBe(false);
    const port = Number(/HOPSCOPE_EGRESS_ECHO=127\.0\.0\.1:(\d+)/.exec(err)?.[1]);
    expect((await sendProbe(probe('after', 'after', port), 2000)).outcome).toBe('refused');
  });
});
