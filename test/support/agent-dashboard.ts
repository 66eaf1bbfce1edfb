// Test support for the CLI agent: a real HTTP server on loopback that plays the dashboard's side of an outside
// vantage (hands out a plan, checks reports the way docs/vantages.md says: probe in the plan, its nonce, used once,
// an echo answer carrying the nonce in its request path), and TCP servers that misbehave on purpose. Everything
// listens on 127.0.0.1 only.
import http from 'node:http';
import net from 'node:net';
import { ReportsBody, TraceBody } from '@/lib/contract/requests';
import type { OutsidePlan, OutsideProbe, OutsideReport, PathTrace, ReportsAnswer, TraceRun } from '@/lib/types';

export interface DashboardCall {
  method: string;
  /** Path and query as received. */
  url: string;
  contentType: string | null;
  userAgent: string | null;
  /** Bytes of the request body as received. */
  bytes: number;
  json: unknown;
}

export interface FakeDashboardOptions {
  /** The plan for a valid trace request (or a canned answer: status, content type and text). */
  plan: (body: ReturnType<typeof TraceBody.parse>) => OutsidePlan | { status: number; contentType: string; text: string };
  /** The compared paths once the trace closes; by default every planned path matches a `preserved` prediction. */
  judge?: (plan: OutsidePlan, reports: OutsideReport[]) => PathTrace[];
}

export interface FakeDashboard {
  url: string;
  calls: DashboardCall[];
  /** Every report the dashboard counted, in arrival order. */
  counted: OutsideReport[];
  close(): Promise<void>;
}

export function pathTrace(pathId: string, overrides: Partial<PathTrace> = {}): PathTrace {
  return {
    pathId,
    probes: [],
    observed: [],
    observedVerdict: 'preserved',
    matchesPrediction: true,
    differences: [],
    vantage: 'agent',
    predicted: { vantage: 'outside', verdict: 'preserved', expectedOutcome: 'ok', peerRole: 'client', believedRole: 'client', via: 'source', note: null },
    ...overrides,
  };
}

const defaultJudge = (plan: OutsidePlan): PathTrace[] => [...new Set(plan.probes.map((p) => p.pathId))].map((id) => pathTrace(id));

/** Why the dashboard would not count this report, or null (docs/vantages.md, "Outside vantages", step 2). */
function refusal(probe: OutsideProbe | undefined, report: OutsideReport, used: Set<string>): string | null {
  if (!probe) return 'not a probe of this plan';
  if (report.nonce !== probe.nonce) return 'not the nonce of this probe';
  if (used.has(report.nonce)) return 'nonce already used';
  if (report.outcome === 'ok') {
    let path: unknown = null;
    try {
      path = (JSON.parse(report.body ?? '') as { request?: { path?: unknown } }).request?.path;
    } catch {
      return 'the answer is not an echo report';
    }
    if (typeof path !== 'string' || !path.includes(`nonce=${probe.nonce}`)) return 'the echo report does not carry this nonce';
  }
  return null;
}

export async function startFakeDashboard(options: FakeDashboardOptions): Promise<FakeDashboard> {
  const calls: DashboardCall[] = [];
  const counted: OutsideReport[] = [];
  const plans = new Map<string, OutsidePlan>();
  const used = new Set<string>();
  const send = (res: http.ServerResponse, status: number, json: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(json));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      calls.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] ?? null, userAgent: req.headers['user-agent'] ?? null, bytes: Buffer.byteLength(text), json });
      const path = (req.url ?? '').split('?')[0]!;
      if (req.method === 'POST' && path === '/api/v1/traces') {
        const body = TraceBody.safeParse(json);
        if (!body.success) return send(res, 400, { error: { code: 'bad_request', message: body.error.message, hint: null } });
        const answer = options.plan(body.data);
        if ('status' in answer) {
          res.writeHead(answer.status, { 'Content-Type': answer.contentType });
          return res.end(answer.text);
        }
        plans.set(answer.traceId, answer);
        return send(res, 201, answer);
      }
      const reports = /^\/api\/v1\/traces\/([^/]+)\/reports$/.exec(path);
      if (req.method === 'POST' && reports) {
        if (Buffer.byteLength(text) > 64 * 1024) return send(res, 413, { error: { code: 'body_too_large', message: 'request body too large', hint: null } });
        const plan = plans.get(decodeURIComponent(reports[1]!));
        if (!plan) return send(res, 404, { error: { code: 'unknown_trace', message: 'no such trace', hint: null } });
        const body = ReportsBody.safeParse(json);
        if (!body.success) return send(res, 400, { error: { code: 'bad_request', message: body.error.message, hint: null } });
        const accepted: string[] = [];
        const refused: { probeId: string; reason: string }[] = [];
        for (const report of body.data.reports) {
          const reason = refusal(plan.probes.find((p) => p.id === report.probeId), report, used);
          if (reason) refused.push({ probeId: report.probeId, reason });
          else {
            used.add(report.nonce);
            accepted.push(report.probeId);
            counted.push(report);
          }
        }
        // As the real API does: a call whose every report is refused is refused as a whole.
        if (body.data.reports.length > 0 && accepted.length === 0) {
          return send(res, 422, { error: { code: 'report_refused', message: `${refused.length} reports refused`, hint: refused.map((r) => `${r.probeId}: ${r.reason}`).join('; ') } });
        }
        const pending = plan.probes.filter((p) => !used.has(p.nonce)).length;
        const closed = body.data.done || pending === 0;
        const trace: TraceRun | null = closed
          ? {
              id: plan.traceId,
              startedAt: new Date().toISOString(),
              finishedAt: new Date().toISOString(),
              simulated: false,
              prober: { inCluster: false, address: null, note: plan.vantage.label },
              vantage: plan.vantage,
              paths: (options.judge ?? defaultJudge)(plan, counted),
            }
          : null;
        const answer: ReportsAnswer = { traceId: plan.traceId, accepted, refused, pending, trace };
        return send(res, 200, answer);
      }
      send(res, 404, { error: { code: 'not_found', message: `no route ${path}`, hint: null } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    counted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface CountingServer {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A loopback TCP server that counts connections and then misbehaves: `silent` never answers, `close` ends the
 * connection once the request arrives (an empty reply), `reset` answers the request with a TCP reset.
 */
export async function countingServer(behaviour: 'silent' | 'close' | 'reset'): Promise<CountingServer> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (behaviour === 'close') socket.end();
      if (behaviour === 'reset') socket.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
