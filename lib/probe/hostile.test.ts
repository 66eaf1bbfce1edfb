// The security review's findings, reproduced over real sockets on loopback and shown harmless: a planted internal
// Service answering a secret, an echo lookalike answering huge headers, and an Ingress host with CR LF in it.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceRunSchema } from '@/lib/contract/schemas';
import { ECHO_LIMITS } from '@/lib/echo/parse';
import { ECHO_REPORT_KIND } from '@/lib/echo/report';
import { startEchoServer, type EchoServer } from '@/lib/echo/server';
import { loopbackOnlyTransport } from '@/test/support/net';
import type { NetPath, ProbeResult, ServiceInfo, TraceEvent, TraceRun } from '@/lib/types';
import { runTrace, TRACE_EVIDENCE_LIMIT, type TraceOptions } from './engine';
import { getLastTrace, rememberTrace } from './store';
import { ndjsonResponse, parseNdjson } from './stream';
import { echoPod, endpointOf, hop, ingress, inventory, node, path, service } from '@/test/support/probe';
import { socketTransport, type ProbeTransport } from './transport';
import { REFUSED_BY_HOPSCOPE } from './wire';

const SECRET = 'SECRET_ADMIN_TOKEN=hs-planted-7f3a9c1e';

/** A TCP server on loopback that counts connections and answers every request with `answer`. */
interface Planted {
  port: number;
  connections: number;
  close: () => Promise<void>;
}

async function plant(answer: string): Promise<Planted> {
  const sockets = new Set<net.Socket>();
  const planted = { port: 0, connections: 0, close: async () => undefined } as Planted;
  const server = net.createServer((socket) => {
    planted.connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) socket.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  planted.port = (server.address() as net.AddressInfo).port;
  planted.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return planted;
}

const http = (contentType: string, body: string) =>
  `HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

/** A hopscope echo report that is not from the hopscope echo: whatever headers the lookalike likes. */
const lookalikeReport = (headers: [string, string][]) =>
  http(
    'application/json',
    JSON.stringify({
      kind: ECHO_REPORT_KIND,
      peer: { address: '127.0.0.1', port: 40000 },
      local: { address: '10.244.1.66', port: 8080 },
      proxyProtocol: null,
      tls: false,
      sni: null,
      request: { method: 'GET', path: '/', httpVersion: '1.1' },
      host: 'lookalike',
      headers,
      identity: { podName: 'lookalike-0', podNamespace: 'internal', podIp: '10.244.1.66', nodeName: 'node1' },
      receivedAt: '2026-01-01T00:00:00.000Z',
    }),
  );

let echo: EchoServer;
const planted: Planted[] = [];
const plantServer = async (answer: string) => {
  const server = await plant(answer);
  planted.push(server);
  return server;
};

beforeAll(async () => {
  echo = await startEchoServer({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await echo.close();
  await Promise.all(planted.map((p) => p.close()));
});

// One node on loopback: every NodePort is a port on 127.0.0.1.
const node1 = node('node1', '127.0.0.1', '10.244.1.0/24');
const echo0 = echoPod('hopscope', 'echo-0', '10.244.1.10', 'node1');

function nodePortService(namespace: string, name: string, nodePort: number, extra: Partial<ServiceInfo> = {}): ServiceInfo {
  return service({
    namespace,
    name,
    type: 'NodePort',
    clusterIP: '10.96.0.10',
    externalTrafficPolicy: 'Cluster',
    ports: [{ name: 'http', port: 80, nodePort, targetPort: 8080, protocol: 'TCP' }],
    ...extra,
  });
}
const nodePortPath = (svc: ServiceInfo, id = `nodePort:${svc.namespace}/${svc.name}`): NetPath =>
  path({ id, entry: { kind: 'nodePort', namespace: svc.namespace, name: svc.name, host: null, address: null, port: svc.ports[0]!.nodePort } });

async function trace(options: Pick<TraceOptions, 'paths' | 'inventory'> & Partial<TraceOptions>): Promise<{ ndjson: string; events: TraceEvent[]; run: TraceRun }> {
  const events = runTrace({ transport: loopbackOnlyTransport, timeoutMs: 5_000, concurrency: 8, probeAnyService: false, ...options });
  const ndjson = await ndjsonResponse(events).text();
  const parsed = parseNdjson(ndjson);
  const done = parsed.at(-1);
  if (done?.type !== 'done') throw new Error(`the trace did not finish: ${ndjson.slice(-500)}`);
  // What GET /api/v1/traces serves and a snapshot freezes: the finished run, through the contract.
  rememberTrace('hostile-test', TraceRunSchema.parse(done.trace));
  return { ndjson, events: parsed, run: getLastTrace('hostile-test')! };
}

const probesOf = (run: TraceRun, pathId: string): ProbeResult[] => run.paths.find((p) => p.pathId === pathId)!.probes;

describe('a planted internal Service answering a secret', () => {
  const setup = async (adminExtra: Partial<ServiceInfo> = {}) => {
    const secret = await plantServer(http('text/plain', `${SECRET}\n`));
    const echoSvc = nodePortService('hopscope', 'echo', echo.port, { endpoints: [endpointOf(echo0)] });
    const admin = nodePortService('internal', 'admin', secret.port, {
      endpoints: [{ ip: '10.244.1.77', nodeName: 'node1', ready: true, targetRef: { kind: 'Pod', namespace: 'internal', name: 'admin-0' } }],
      ...adminExtra,
    });
    const inv = inventory({ nodes: [node1], pods: [echo0], services: [echoSvc, admin] });
    return { secret, inv, paths: [nodePortPath(echoSvc), nodePortPath(admin)] };
  };

  it('is not probed by default: no connection reaches it, the path says why, the echo still is probed', async () => {
    const { secret, inv, paths } = await setup();
    const { ndjson, run } = await trace({ paths, inventory: inv });
    expect(secret.connections).toBe(0);
    expect(ndjson).not.toContain('SECRET_ADMIN_TOKEN');
    const admin = run.paths.find((p) => p.pathId === 'nodePort:internal/admin')!;
    expect(admin).toMatchObject({ probes: [], observedVerdict: null, matchesPrediction: false });
    expect(admin.notProbed).toMatch(/^not probed: Service internal\/admin is not a probe target .*label the Service hopscope\.io\/probe-target=true to probe it/);
    expect(admin.differences).toEqual([admin.notProbed]);
    const echoPath = run.paths.find((p) => p.pathId === 'nodePort:hopscope/echo')!;
    expect(echoPath).toMatchObject({ observedVerdict: 'preserved', matchesPrediction: true });
    expect(echoPath.notProbed).toBeUndefined();
    // The echo's own answer keeps its report, trimmed.
    const echoProbe = echoPath.probes.find((p) => p.kind === 'direct')!;
    expect(echoProbe.observation?.peer).toBe('127.0.0.1');
    expect(echoProbe.raw).toContain(ECHO_REPORT_KIND);
    expect(echoProbe.bytes).toBeGreaterThan(echoProbe.raw!.length);
  });

  it.each([
    ['labelled hopscope.io/probe-target=true', { labels: { 'hopscope.io/probe-target': 'true' } }, false],
    ['reached with HOPSCOPE_PROBE_ANY_SERVICE=true', {}, true],
  ])('when %s, is probed but keeps status, timing and size, never the body', async (_how, adminExtra, probeAnyService) => {
    const { secret, inv, paths } = await setup(adminExtra);
    const { ndjson, run } = await trace({ paths, inventory: inv, probeAnyService });
    expect(secret.connections).toBeGreaterThan(0);
    expect(ndjson).not.toContain('SECRET_ADMIN_TOKEN');
    const probes = probesOf(run, 'nodePort:internal/admin');
    expect(probes.map((p) => p.kind)).toEqual(['direct', 'spoof']);
    for (const probe of probes) {
      expect(probe).toMatchObject({ outcome: 'ok', status: 200, observation: null, raw: null, bytes: http('text/plain', `${SECRET}\n`).length });
      expect(probe.error).toMatch(/^the answer \(\d+ bytes\) is not an echo report; hopscope kept its status, timing and size, not its body$/);
      expect(probe.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("keeps only kube-proxy's fields of a health-check answer, and nothing of another one", async () => {
    const healthy = await plantServer(
      http('application/json', JSON.stringify({ service: { namespace: 'hopscope', name: 'echo' }, localEndpoints: 1, serviceProxyHealthy: true, token: SECRET })),
    );
    const text = await plantServer(http('text/plain', SECRET));
    const echoLocal = (name: string, healthCheckNodePort: number) =>
      nodePortService('hopscope', name, echo.port, { endpoints: [endpointOf(echo0)], externalTrafficPolicy: 'Local', healthCheckNodePort });
    const a = echoLocal('echo-a', healthy.port);
    const b = echoLocal('echo-b', text.port);
    const { ndjson, run } = await trace({ paths: [nodePortPath(a), nodePortPath(b)], inventory: inventory({ nodes: [node1], pods: [echo0], services: [a, b] }) });
    expect(ndjson).not.toContain('SECRET_ADMIN_TOKEN');
    const health = (pathId: string) => probesOf(run, pathId).find((p) => p.kind === 'health-check')!;
    expect(JSON.parse(health('nodePort:hopscope/echo-a').raw!)).toEqual({ service: { namespace: 'hopscope', name: 'echo' }, localEndpoints: 1, serviceProxyHealthy: true });
    expect(health('nodePort:hopscope/echo-b')).toMatchObject({ status: 200, raw: null, bytes: expect.any(Number) });
    expect(health('nodePort:hopscope/echo-b').error).toMatch(/is not a kube-proxy health check answer/);
  });
});

describe('an echo lookalike answering huge headers', () => {
  it('is cut to 1 KiB per value and 64 header lines, with the cut marked', async () => {
    const headers: [string, string][] = [
      ['X-Huge', 'A'.repeat(100_000)],
      ['X-Forwarded-For', `${'9'.repeat(50_000)}, 127.0.0.1`],
      [`X-${'N'.repeat(5_000)}`, 'long name'],
      ...Array.from({ length: 300 }, (_, i): [string, string] => [`X-Many-${i}`, 'v']),
      ...Array.from({ length: 100 }, (): [string, string] => ['X-Forwarded-For', '127.0.0.1']),
    ];
    const lookalike = await plantServer(lookalikeReport(headers));
    const svc = nodePortService('internal', 'lookalike', lookalike.port, { labels: { 'hopscope.io/probe-target': 'true' } });
    const { run } = await trace({ paths: [nodePortPath(svc)], inventory: inventory({ nodes: [node1], services: [svc] }) });
    const [direct] = probesOf(run, 'nodePort:internal/lookalike');
    const observation = direct!.observation!;
    expect(observation.headers).toHaveLength(ECHO_LIMITS.headerLines);
    expect(observation.headers[0]![1]).toBe(`${'A'.repeat(1024)}…[${100_000 - 1024} characters cut by hopscope]`);
    expect(observation.headers.every(([name, value]) => name.length <= ECHO_LIMITS.nameChars + 64 && value.length <= ECHO_LIMITS.valueChars + 64)).toBe(true);
    expect(observation.headers[2]![0]).toMatch(/^X-N{126}…\[4874 characters cut by hopscope\]$/);
    // X-Forwarded-For keeps its right end: the right-most entries are the ones that count.
    expect(observation.xForwardedFor).toHaveLength(ECHO_LIMITS.headerLines);
    expect(observation.xForwardedFor.every((line) => line.length <= ECHO_LIMITS.valueChars + 64)).toBe(true);
    expect(direct!.raw!.length).toBeLessThanOrEqual(4096);
    expect(direct!.truncated).toMatch(/^hopscope cut this echo report: 3 value\(s\) cut to their limit \(1024 characters/);
    expect(direct!.truncated).toContain(`${headers.length - 64} header lines past the first 64 not kept`);
    expect(direct!.truncated).toContain(`${101 - 64} x-forwarded-for lines before the last 64 not kept`);
  });

  it('cannot grow a trace past its size cap, and the cap is marked', async () => {
    // Under the transport's 256 KiB answer limit, so that it parses as an echo report: 220 lines of 1000 characters.
    const kib = 'x'.repeat(1000);
    const headers: [string, string][] = [
      ...Array.from({ length: 120 }, (): [string, string] => ['X-Forwarded-For', `${kib}, 127.0.0.1`]),
      ...Array.from({ length: 100 }, (_, i): [string, string] => [`X-Pad-${i}`, kib]),
    ];
    const lookalike = await plantServer(lookalikeReport(headers));
    const svc = nodePortService('internal', 'lookalike', lookalike.port, { labels: { 'hopscope.io/probe-target': 'true' } });
    // 40 ways to the same Service: 2 requests go out, and every path keeps its copy of both answers.
    const paths = Array.from({ length: 40 }, (_, i) => nodePortPath(svc, `nodePort:internal/lookalike#${i}`));
    const { ndjson, run } = await trace({ paths, inventory: inventory({ nodes: [node1], services: [svc] }) });
    expect(lookalike.connections).toBe(2);

    const copies = run.paths.flatMap((p) => p.probes);
    expect(copies).toHaveLength(80);
    const kept = copies.filter((p) => p.observation !== null);
    const capped = copies.filter((p) => p.observation === null);
    expect(kept.length).toBeGreaterThan(0);
    expect(capped.length).toBeGreaterThan(0);
    for (const probe of capped) {
      expect(probe).toMatchObject({ outcome: 'ok', status: 200, raw: null, bytes: expect.any(Number) });
      expect(probe.truncated).toMatch(/the trace's size cap \(1 MiB of answer evidence\) was reached/);
    }
    // Every copy of an answer kept in full is ~140 KB; 80 of them, in path events and the finished run, would be
    // over 20 MB. The cap holds the finished run near 1 MiB and the whole stream near three times that.
    expect(JSON.stringify(run).length).toBeLessThan(TRACE_EVIDENCE_LIMIT + 64 * 1024);
    expect(ndjson.length).toBeLessThan(3 * TRACE_EVIDENCE_LIMIT + 256 * 1024);
    // The verdicts still come from the whole evidence.
    expect(run.paths.every((p) => p.observedVerdict === 'preserved' && p.matchesPrediction)).toBe(true);
  });
});

describe('an Ingress host with CR LF in it', () => {
  const BAD_HOST = 'echo.example.com\r\nX-Injected: 1\r\n\r\nGET /admin HTTP/1.1';
  const echoSvc = service({ namespace: 'hopscope', name: 'echo', clusterIP: '10.96.0.10', endpoints: [endpointOf(echo0)] });
  const ingressPath = (host: string): NetPath =>
    path({
      id: 'ingress:hopscope/echo',
      entry: { kind: 'ingress', namespace: 'hopscope', name: 'echo', host, address: '127.0.0.1', port: 80, scheme: 'http' },
      hops: [
        hop({ id: 'client', kind: 'client' }),
        hop({ id: 'ingressController:ingress-nginx/ctrl', kind: 'ingressController' }),
        hop({ id: 'service:hopscope/echo', kind: 'service', objects: [{ kind: 'Service', namespace: 'hopscope', name: 'echo' }] }),
        hop({ id: 'pod:hopscope/echo-0', kind: 'pod', expectedPeer: 'client' }),
      ],
    });
  const inv = (host: string) =>
    inventory({ nodes: [node1], pods: [echo0], services: [echoSvc], ingresses: [ingress({ namespace: 'hopscope', name: 'echo', hosts: [host], addresses: ['127.0.0.1'] })] });

  it('is refused by hopscope: nothing is sent, every probe and the path say why', async () => {
    const sent: string[] = [];
    const counting: ProbeTransport = (request) => {
      sent.push(`${request.target.address}:${request.target.port}`);
      return loopbackOnlyTransport(request);
    };
    const { run } = await trace({ paths: [ingressPath(BAD_HOST)], inventory: inv(BAD_HOST), transport: counting });
    expect(sent).toEqual([]);
    const [traced] = run.paths;
    expect(traced!.probes.map((p) => p.kind)).toEqual(['direct', 'spoof']);
    for (const probe of traced!.probes) {
      expect(probe).toMatchObject({ outcome: 'not-sent', status: null, observation: null, raw: null, durationMs: 0 });
      expect(probe.error).toBe(
        `${REFUSED_BY_HOPSCOPE}: the Ingress host (Host header) "echo.example.com\\r\\nX-Injected: 1\\r\\n\\r\\nGET /admin HTTP/1.1" contains U+000D (CR) at position 16`,
      );
    }
    expect(traced).toMatchObject({ observedVerdict: null, matchesPrediction: false, notProbed: `not probed: ${traced!.probes[0]!.error}` });
  });

  it('is probed once the host is clean (the same path, the same inventory)', async () => {
    const sent: string[] = [];
    const answering: ProbeTransport = async (request) => {
      sent.push(`${request.target.host}`);
      return { outcome: 'refused', status: null, contentType: null, body: null, error: 'ECONNREFUSED', localAddress: '127.0.0.1', durationMs: 1 };
    };
    await trace({ paths: [ingressPath('echo.example.com')], inventory: inv('echo.example.com'), transport: answering });
    expect(sent).toEqual(['echo.example.com', 'echo.example.com']);
  });

  it.each([false, true])('is refused by the socket transport itself before it connects (TLS %s)', async (tls) => {
    const listener = await plantServer(http('text/plain', 'should never be asked'));
    const response = await socketTransport({ target: { address: '127.0.0.1', port: listener.port, label: 'loopback', host: BAD_HOST, tls }, httpPath: '/', headers: [], timeoutMs: 2_000 });
    expect(response).toMatchObject({ outcome: 'not-sent', status: null, body: null, localAddress: null });
    expect(response.error).toMatch(new RegExp(`^${REFUSED_BY_HOPSCOPE}: the Ingress host \\(Host header${tls ? ' and TLS server name' : ''}\\)`));
    // Give a connection that should not exist the time to show up.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listener.connections).toBe(0);
  });
});
