// Load benchmark: the built server (`npm run build` first) under 50 viewers and 10 trace clients for 60 s, against
// the fixture API server serving a mid-size cluster (500 nodes, 2,000 Services, 4,000 pods). Viewers read what a
// browser reads when it opens the dashboard and the cluster overview; traces run in demo scenarios (`?scenario=`),
// which are simulated: a trace of the fixture cluster would probe its 198.18.0.0/15 addresses, and benchmark
// traffic goes to loopback only. Prints latency per endpoint, errors by status, the server's RSS and the apiserver's
// request rate; PASS when the peak RSS stays under the chart's memory limit (exit 1 otherwise).
// Usage: npm run bench:load [-- --duration 60 --viewers 50 --traces 10 --nodes 500 --services 2000]
//        [--node-options "--max-old-space-size=384"]  (added to the image's own flags, to try a setting for extraEnv)
// (Run under the react-server condition, as the server's own code is: the built-server helper reaches server-only modules.)
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { VANTAGE_KINDS } from '@/lib/contract/enums';
import { parseScenarioManifest } from '@/lib/demo/manifest';
import { startBuiltServer } from '@/test/support/built-server';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    viewers: { type: 'string', default: '50' },
    traces: { type: 'string', default: '10' },
    nodes: { type: 'string', default: '500' },
    services: { type: 'string', default: '2000' },
    'node-options': { type: 'string', default: '' },
    // Internal: this file run as the fixture API server's process, so its request counter can be read.
    'fixture-child': { type: 'boolean', default: false },
  },
  strict: true,
});

const ROOT = path.resolve(import.meta.dirname, '..');
const REQUEST_TIMEOUT_MS = 30_000;

/** The fixture API server in its own process (off the load generator's event loop); answers `count` over IPC. */
async function runFixtureChild() {
  const { startFixtureApiServer } = await import('@/test/fixture-apiserver/server');
  const { generateLargeScenario } = await import('@/lib/demo/large');
  const objects = generateLargeScenario({ nodes: Number(values.nodes), services: Number(values.services) }).objects;
  const server = await startFixtureApiServer({ objects, host: '127.0.0.1' });
  process.on('message', (message) => {
    if (message === 'count') process.send!({ count: server.requestCount() });
    if (message === 'stop') void server.close().then(() => process.exit(0));
  });
  process.send!({ kubeconfig: server.kubeconfigPath, objects: objects.length });
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(message);
  });
}

/**
 * The Node flags the image runs the dashboard with: NODE_OPTIONS in the Dockerfile or the chart's container env,
 * and flags before server.js in the Dockerfile's CMD. Measured under other heap settings, the RSS would say nothing
 * about the pod.
 */
function imageNodeOptions(): string {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const deployment = readFileSync(path.join(ROOT, 'chart', 'templates', 'deployment.yaml'), 'utf8');
  const options: string[] = [];
  const env = /NODE_OPTIONS=("[^"]*"|\S+)/.exec(dockerfile)?.[1];
  if (env) options.push(env.replace(/^"|"$/g, ''));
  const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  if (cmd) {
    const argv = JSON.parse(cmd) as string[];
    options.push(...argv.slice(1, argv.indexOf('server.js')));
  }
  const chartValue = /name:\s*NODE_OPTIONS\s*\n\s*value:\s*(.+)/.exec(deployment)?.[1]?.trim();
  if (chartValue?.includes('{{')) throw new Error(`the chart sets NODE_OPTIONS from a template (${chartValue}): give this benchmark its value`);
  if (chartValue) options.push(chartValue.replace(/^["']|["']$/g, ''));
  return options.join(' ');
}

interface ChartSettings {
  memoryLimitBytes: number;
  memoryLimit: string;
  logLevel: string;
}

/** Kubernetes quantities as the chart writes them: 512Mi, 1Gi, 500M. */
function quantityBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`cannot read the memory quantity ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

function chartSettings(): ChartSettings {
  const chart = parse(readFileSync(path.join(ROOT, 'chart', 'values.yaml'), 'utf8')) as {
    resources: { limits: { memory: string } };
    config: { logLevel: string };
  };
  const memoryLimit = String(chart.resources.limits.memory);
  return { memoryLimit, memoryLimitBytes: quantityBytes(memoryLimit), logLevel: chart.config.logLevel };
}

/** VmRSS and VmHWM (the kernel's peak) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kB('VmRSS'), hwm: kB('VmHWM') };
}

class Stats {
  private readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  served = 0;

  record(endpoint: string, ms: number) {
    let list = this.latencies.get(endpoint);
    if (!list) this.latencies.set(endpoint, (list = []));
    list.push(ms);
    this.served++;
  }

  fail(endpoint: string, what: string) {
    const key = `${endpoint} → ${what}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  table(): string[] {
    return [...this.latencies].map(([endpoint, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
      return `  ${endpoint.padEnd(34)} ${String(list.length).padStart(7)}  p50 ${String(at(0.5)).padStart(6)} ms  p99 ${String(at(0.99)).padStart(6)} ms`;
    });
  }
}

/** "503 cluster_unreachable": the status and, when the answer is the API's error envelope, its code. */
function failure(status: number, body: string): string {
  try {
    return `${status} ${(JSON.parse(body) as { error: { code: string } }).error.code}`;
  } catch {
    return String(status);
  }
}

/** TimeoutError (ours, after REQUEST_TIMEOUT_MS), or fetch's TypeError with its cause: "TypeError UND_ERR_SOCKET". */
function errorName(err: unknown): string {
  if (!(err instanceof Error)) return 'error';
  const cause = err.cause as { code?: string } | undefined;
  return cause?.code ? `${err.name} ${cause.code}` : err.name;
}

/** One GET, body read to the end; the latency is until the last byte. Nothing new starts after `until`. */
async function get(stats: Stats, base: string, url: string, endpoint: string, until: number): Promise<void> {
  if (Date.now() >= until) return;
  const started = performance.now();
  try {
    const response = await fetch(`${base}${url}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (response.ok) {
      await response.arrayBuffer();
      stats.record(endpoint, performance.now() - started);
    } else stats.fail(endpoint, failure(response.status, await response.text()));
  } catch (err) {
    stats.fail(endpoint, errorName(err));
  }
}

/** What the dashboard's page and its hooks fetch when it opens (components/dashboard/use-*.ts), then the cluster overview page. */
async function viewer(stats: Stats, base: string, until: number) {
  while (Date.now() < until) {
    await get(stats, base, '/', 'GET /', until);
    await Promise.all([
      get(stats, base, '/api/v1/paths', 'GET /api/v1/paths', until),
      get(stats, base, '/api/v1/contexts', 'GET /api/v1/contexts', until),
      ...VANTAGE_KINDS.map((vantage) => get(stats, base, `/api/v1/traces?vantage=${vantage}`, 'GET /api/v1/traces?vantage=…', until)),
    ]);
    await get(stats, base, '/cluster', 'GET /cluster', until);
  }
}

interface TraceCounts {
  done: number;
  running409: number;
  budget429: number;
}

class UnsafeTrace extends Error {}

/** Traces of demo scenarios, one after another; a refusal (one per source, four in all) waits a little and tries another. */
async function tracer(stats: Stats, counts: TraceCounts, base: string, scenarios: string[], until: number) {
  const endpoint = 'POST /api/v1/traces';
  while (Date.now() < until) {
    const scenario = scenarios[Math.floor(Math.random() * scenarios.length)]!;
    const started = performance.now();
    try {
      const response = await fetch(`${base}/api/v1/traces?scenario=${scenario}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
        body: '{}',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status === 409 || response.status === 429) {
        if (response.status === 409) counts.running409++;
        else counts.budget429++;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
        continue;
      }
      if (!response.ok) {
        stats.fail(endpoint, failure(response.status, text));
        continue;
      }
      const events = text.trim().split('\n').map((line) => JSON.parse(line) as { type: string; simulated?: boolean });
      if (events[0]?.type !== 'start' || events[0].simulated !== true) throw new UnsafeTrace(`a trace of ${scenario} was not simulated`);
      if (events.at(-1)?.type !== 'done') {
        stats.fail(endpoint, 'stream ended without done');
        continue;
      }
      counts.done++;
      stats.record(endpoint, performance.now() - started);
    } catch (err) {
      if (err instanceof UnsafeTrace) throw err;
      stats.fail(endpoint, errorName(err));
    }
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

async function main() {
  const durationS = Number(values.duration);
  const viewers = Number(values.viewers);
  const tracers = Number(values.traces);
  const chart = chartSettings();
  const imageOptions = imageNodeOptions();
  const nodeOptions = [imageOptions, values['node-options']!].filter(Boolean).join(' ');
  const scenarios = readdirSync(path.join(ROOT, 'scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parseScenarioManifest(readFileSync(path.join(ROOT, 'scenarios', f), 'utf8'), f).meta.id);

  const fixture = fork(import.meta.filename, ['--fixture-child', '--nodes', values.nodes!, '--services', values.services!], {
    execArgv: ['--conditions=react-server', '--import', 'tsx'],
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ kubeconfig: string; objects: number }>((resolve, reject) => {
    fixture.once('exit', (code) => reject(new Error(`the fixture API server exited with ${code}`)));
    fixture.once('message', (message) => resolve(message as { kubeconfig: string; objects: number }));
  });
  const server = await startBuiltServer({
    KUBECONFIG: ready.kubeconfig,
    HOPSCOPE_LOG_LEVEL: chart.logLevel,
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
  });
  const pid = server.child.pid!;
  try {
    console.log(
      `fixture cluster: ${values.nodes} nodes, ${values.services} Services (${ready.objects} objects); server pid ${pid}, ` +
        `NODE_OPTIONS ${nodeOptions ? `"${nodeOptions}"` : 'unset'} (the image and chart: ${imageOptions ? `"${imageOptions}"` : 'unset'}), log level ${chart.logLevel}`,
    );
    const coldStarted = performance.now();
    const cold = await fetch(`${server.baseUrl}/api/v1/paths`);
    const coldBytes = (await cold.arrayBuffer()).byteLength;
    if (!cold.ok) throw new Error(`GET /api/v1/paths answered ${cold.status}: ${server.output().slice(-2000)}`);
    console.log(
      `first GET /api/v1/paths (cold discovery): ${Math.round(performance.now() - coldStarted)} ms, ${Math.round(coldBytes / 1024)} KiB; ` +
        `server RSS then ${mb(memoryOf(pid).rss)}`,
    );

    const stats = new Stats();
    const counts: TraceCounts = { done: 0, running409: 0, budget429: 0 };
    let peakSampled = memoryOf(pid).rss;
    // A server that dies under the load (say, out of heap) leaves no /proc entry: stop sampling and fail below.
    const alive = () => server.child.exitCode === null && server.child.signalCode === null;
    const sampler = setInterval(() => {
      if (alive()) peakSampled = Math.max(peakSampled, memoryOf(pid).rss);
    }, 200);
    const apiBefore = (await ask<{ count: number }>(fixture, 'count')).count;
    const started = performance.now();
    const until = Date.now() + durationS * 1000;
    console.log(`load: ${viewers} viewers, ${tracers} trace clients for ${durationS} s …`);
    await Promise.all([
      ...Array.from({ length: viewers }, () => viewer(stats, server.baseUrl, until)),
      ...Array.from({ length: tracers }, () => tracer(stats, counts, server.baseUrl, scenarios, until)),
    ]);
    // Requests still in flight at the deadline finish (or time out) and count: the drain is part of the load.
    const elapsedS = (performance.now() - started) / 1000;
    const apiAfter = (await ask<{ count: number }>(fixture, 'count')).count;
    clearInterval(sampler);
    if (!alive()) {
      console.log(`FAIL: the server exited under load (${server.child.exitCode ?? server.child.signalCode}):\n${server.output().slice(-2000)}`);
      process.exitCode = 1;
      return;
    }
    const final = memoryOf(pid);
    const peak = Math.max(peakSampled, final.hwm);

    console.log(`\nlatency to the last byte, successful answers (${durationS} s of load + ${(elapsedS - durationS).toFixed(1)} s for the last answers):`);
    for (const line of stats.table()) console.log(line);
    const failed = [...stats.errors.values()].reduce((a, b) => a + b, 0);
    console.log(`requests served: ${stats.served} (${(stats.served / elapsedS).toFixed(1)}/s), failed: ${failed} (timeout ${REQUEST_TIMEOUT_MS / 1000} s)`);
    for (const [key, n] of stats.errors) console.log(`  ${key}: ${n}`);
    console.log(`traces: ${counts.done} done, refused ${counts.running409} × 409 trace_running, ${counts.budget429} × 429 probe_budget_exhausted`);
    console.log(`apiserver: ${apiAfter - apiBefore} requests, ${((apiAfter - apiBefore) / elapsedS).toFixed(1)}/s`);
    console.log(`server RSS: peak ${mb(peak)}, final ${mb(final.rss)}; chart limit resources.limits.memory ${chart.memoryLimit}`);
    const pass = peak < chart.memoryLimitBytes;
    console.log(pass ? `PASS: peak RSS ${mb(peak)} < ${chart.memoryLimit}` : `FAIL: peak RSS ${mb(peak)} ≥ ${chart.memoryLimit}`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    await server.stop();
    const exited = new Promise((resolve) => fixture.once('exit', resolve));
    fixture.send('stop');
    await exited;
  }
}

if (values['fixture-child']) await runFixtureChild();
else await main();
