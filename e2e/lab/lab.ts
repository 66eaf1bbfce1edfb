// TypeScript side of the real-packet lab (e2e/lab/lab.sh): bring it up and down, run programs inside its
// namespaces, and talk HTTP from inside a namespace. Used by e2e/lab/lab.test.ts and scripts/bench-trace.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const LAB_SCRIPT = path.join(REPO_ROOT, 'e2e', 'lab', 'lab.sh');

/** Fixed addresses of the lab; scenarios/lab.yaml describes the same ones. */
export const LAB = {
  stateDir: process.env.HOPSCOPE_LAB_DIR ?? '/tmp/hopscope-lab',
  hopscopeNamespace: 'hs-pod-hopscope',
  clientNamespace: 'hs-client',
  /** The prober runs on node2, which has none of the echo's or the controllers' endpoints (those are on node1). */
  hopscopePodIP: '10.244.2.30',
  hopscopeNode: 'node2',
  echoPodIP: '10.244.1.10',
  clientIP: '203.0.113.10',
  apiServerPort: 6443,
  hopscopePort: 3000,
  nodeIP: (n: number) => `192.0.2.${10 + n}`,
} as const;

/** The lab needs root; outside CI a developer runs as root here too, so never skip — fail with the reason. */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    const where = process.env.CI === 'true' ? 'CI must run the lab tests as root' : 'run as root (sudo)';
    throw new Error(`the real-packet lab needs root for network namespaces and iptables: ${where}`);
  }
}

function runLabScript(command: 'up' | 'down', nodes: number | undefined): { ms: number } {
  const started = performance.now();
  const env = { ...process.env, ...(nodes ? { HOPSCOPE_LAB_NODES: String(nodes) } : {}) };
  const result = spawnSync('bash', [LAB_SCRIPT, command], { env, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`lab.sh ${command} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return { ms: performance.now() - started };
}

/**
 * One lab per machine: its namespaces and addresses are fixed, so a second run (vitest and Playwright side by side,
 * or two checkouts) would tear down the other's lab mid-test. labUp waits for the lab to be free; labDown frees it. A
 * lock left by a process that is gone is taken over.
 */
const LOCK = '/run/hopscope-lab.lock';
const LOCK_WAIT_MS = 15 * 60_000;
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLab(): void {
  const deadline = performance.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSyncOrEmpty(path.join(LOCK, 'pid')));
    if (owner === process.pid) return;
    if (owner > 0 && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
    else if (performance.now() > deadline) throw new Error(`the lab is held by process ${owner || '?'} (${LOCK}) for over ${LOCK_WAIT_MS / 60_000} minutes`);
    else pause(500);
  }
}

function readFileSyncOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function freeLab(): void {
  if (Number(readFileSyncOrEmpty(path.join(LOCK, 'pid'))) === process.pid) rmSync(LOCK, { recursive: true, force: true });
}

export const labUp = (options: { nodes?: number } = {}) => {
  takeLab();
  return runLabScript('up', options.nodes);
};

/**
 * Per lab namespace, how many packets it sent or forwarded to the lab's own ranges and how many to anywhere else
 * (lab.sh's HS-EDGE counters): `outside` must stay 0 whatever a test did.
 */
export function edgePackets(): { namespace: string; lab: number; outside: number }[] {
  const result = spawnSync('bash', [LAB_SCRIPT, 'stray'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`lab.sh stray failed: ${result.stderr}`);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(' '))
    .map(([namespace = '', lab = '0', outside = '0']) => ({ namespace, lab: Number(lab), outside: Number(outside) }));
}
export const labDown = () => {
  try {
    return runLabScript('down', undefined);
  } finally {
    freeLab();
  }
};

export interface LabProcess {
  child: ChildProcess;
  /** Everything the program wrote so far (stdout and stderr). */
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a program inside a lab namespace; `stop()` ends exactly that process. */
export function startInNamespace(
  namespace: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): LabProcess {
  const child = spawn('ip', ['netns', 'exec', namespace, command, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    // SIGTERM, then SIGKILL if the program is still draining connections after a bounded wait.
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export interface NamespaceResponse {
  status: number;
  contentType: string;
  body: string;
}

/** One HTTP request made with curl inside a namespace (so it can only reach lab addresses). */
export function curlInNamespace(
  namespace: string,
  url: string,
  options: { method?: string; body?: string; maxTimeSeconds?: number; headers?: string[] } = {},
): NamespaceResponse {
  const args = ['netns', 'exec', namespace, 'curl', '-sS', '-o', '-', '-w', '\n%{http_code} %{content_type}'];
  args.push('--max-time', String(options.maxTimeSeconds ?? 30), '-X', options.method ?? 'GET');
  for (const header of options.headers ?? []) args.push('-H', header);
  if (options.body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', options.body);
  args.push(url);
  const result = spawnSync('ip', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const stdout = result.stdout ?? '';
  const cut = stdout.lastIndexOf('\n');
  const [code = '0', contentType = ''] = stdout.slice(cut + 1).split(' ');
  return { status: Number(code), contentType, body: stdout.slice(0, Math.max(cut, 0)) };
}

export interface CurlResult {
  /** curl's exit code: 0, 7 (refused), 28 (timeout), 52 (empty reply), 56 (reset), … */
  exitCode: number;
  status: number;
  body: string;
}

/** One request with curl inside a namespace, without blocking: many rows of a table can be measured at once. */
export function curlInNamespaceAsync(
  namespace: string,
  url: string,
  options: { headers?: string[]; maxTimeSeconds?: number } = {},
): Promise<CurlResult> {
  const max = options.maxTimeSeconds ?? 3;
  const args = ['netns', 'exec', namespace, 'curl', '-sS', '-o', '-', '-w', '\n%{http_code}', '--connect-timeout', String(max), '--max-time', String(max)];
  for (const header of options.headers ?? []) args.push('-H', header);
  args.push(url);
  return new Promise((resolve) => {
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('close', (code) => {
      const cut = stdout.lastIndexOf('\n');
      resolve({ exitCode: code ?? -1, status: Number(stdout.slice(cut + 1)) || 0, body: stdout.slice(0, Math.max(cut, 0)) });
    });
  });
}

/** Waits until `url` answers 2xx from inside the namespace, or fails with the process output (bounded). */
export async function waitForHttp(namespace: string, url: string, processes: LabProcess[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = curlInNamespace(namespace, url, { maxTimeSeconds: 2 });
    if (response.status >= 200 && response.status < 300) return;
    const crashed = processes.find((p) => p.child.exitCode !== null);
    if (crashed || Date.now() > deadline) {
      const logs = processes.map((p) => p.output()).join('\n---\n');
      throw new Error(`${url} in ${namespace} did not become ready (last status ${response.status}):\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface HopscopeInLab {
  baseUrl: string;
  kubeconfig: string;
  stop: () => Promise<void>;
}

/**
 * Starts the fixture API server (serving `scenarioFile` on the hopscope pod's loopback) and the built standalone
 * hopscope server in the hopscope pod namespace, the way hopscope runs in a cluster.
 */
/**
 * Probe timeout for tests in the lab: answered probes must never be mistaken for drops on a loaded machine.
 * Benchmarks keep the product default.
 */
export const LAB_TEST_ENV = { HOPSCOPE_PROBE_TIMEOUT_MS: '4000' };

export async function startHopscopeInLab(
  options: { scenarioFile?: string; env?: Record<string, string> } = {},
): Promise<HopscopeInLab> {
  const server = path.join(REPO_ROOT, '.next', 'standalone', 'server.js');
  if (!existsSync(server)) {
    throw new Error(`${path.relative(REPO_ROOT, server)} is missing: run \`npm run build\` before the lab tests`);
  }
  mkdirSync(LAB.stateDir, { recursive: true });
  const kubeconfig = path.join(LAB.stateDir, 'kubeconfig');
  const scenario = options.scenarioFile ?? path.join(REPO_ROOT, 'scenarios', 'lab.yaml');
  // `node --import tsx` keeps it one process, so stop() ends the server itself rather than a wrapper.
  const apiServer = startInNamespace(LAB.hopscopeNamespace, process.execPath, [
    '--import',
    'tsx',
    'test/fixture-apiserver/main.ts',
    '--scenario',
    scenario,
    '--port',
    String(LAB.apiServerPort),
    '--host',
    '127.0.0.1',
    '--kubeconfig',
    kubeconfig,
    '--context',
    'lab',
  ]);
  await waitForLine(apiServer, /"kubeconfig"/, 30_000);
  const hopscope = startInNamespace(LAB.hopscopeNamespace, process.execPath, [server], {
    PORT: String(LAB.hopscopePort),
    HOSTNAME: '0.0.0.0',
    KUBECONFIG: kubeconfig,
    HOPSCOPE_DEMO: '0',
    HOPSCOPE_DATA_DIR: path.join(LAB.stateDir, 'data'),
    HOPSCOPE_LOG_LEVEL: 'warn',
    ...options.env,
  });
  const baseUrl = `http://${LAB.hopscopePodIP}:${LAB.hopscopePort}`;
  await waitForHttp(LAB.hopscopeNamespace, `${baseUrl}/healthz`, [apiServer, hopscope]);
  return {
    baseUrl,
    kubeconfig,
    stop: async () => {
      await hopscope.stop();
      await apiServer.stop();
    },
  };
}

async function waitForLine(process: LabProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(process.output())) {
    if (process.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`process did not report readiness:\n${process.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
