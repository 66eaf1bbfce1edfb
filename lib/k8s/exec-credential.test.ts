import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startFixtureApiServer, type FixtureApiServer } from '@/test/fixture-apiserver/server';
import { HopscopeError } from '../errors';
import { ExecCredentialError, runPlugin } from './exec-credential';
import { getInventory } from './inventory';

// kubeconfig exec credential plugins (users[].user.exec), run for real: tiny shell scripts in a temporary directory
// that hang, count their runs, or print a credential that expires, against the fixture API server.

const scenario = path.join(import.meta.dirname, '..', '..', 'scenarios', 'bare-metal-metallb.yaml');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: FixtureApiServer;
let dir: string;
beforeAll(async () => {
  server = await startFixtureApiServer({ scenarioFile: scenario });
  dir = mkdtempSync(path.join(tmpdir(), 'hopscope-exec-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes an executable shell script named `name` into the temporary directory. */
function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** A kubeconfig for the fixture server whose user gets its credential from `command` (with `env`). */
function execKubeconfig(name: string, command: string, env: Record<string, string> = {}): string {
  const kubeconfig = parse(server.kubeconfig()) as { users: { name: string; user: object }[] };
  kubeconfig.users[0]!.user = {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command,
      env: Object.entries(env).map(([key, value]) => ({ name: key, value })),
      interactiveMode: 'Never',
    },
  };
  const file = path.join(dir, `${name}.kubeconfig`);
  writeFileSync(file, stringify(kubeconfig), { mode: 0o600 });
  return file;
}

/** A plugin that appends a line to `<name>.runs` on every run and prints `token`, valid until `expires`. */
function countingPlugin(name: string): { command: string; runs: () => number } {
  const counter = path.join(dir, `${name}.runs`);
  const command = script(
    `${name}.sh`,
    `echo run >> "${counter}"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}' "$TOKEN" "$EXPIRES"`,
  );
  return { command, runs: () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0) };
}

const discover = (kubeconfigPath: string, execCredentialTimeoutMs = 2_000) =>
  getInventory({ kubeconfigPath, inCluster: false, forceDemo: false, timeoutMs: 5_000, inventoryTtlMs: 0, execCredentialTimeoutMs });

/** Whether `pid` still runs; a zombie (dead, waiting to be reaped by whoever inherited it) does not. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return true;
  }
}

describe('a plugin that never answers', () => {
  it('is killed after HOPSCOPE_EXEC_CREDENTIAL_TIMEOUT_MS with whatever it started; discovery names it', async () => {
    const pids = path.join(dir, 'hang.pids');
    // The shell waits on a child of its own: both must be gone afterwards, not only the process hopscope started.
    const command = script('hang.sh', `sleep 1000 &\necho "$$ $!" > "${pids}"\nwait`);
    const requestsBefore = server.requestCount();
    const started = performance.now();
    const error = await discover(execKubeconfig('hang', command), 500).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(HopscopeError);
    expect(error).toMatchObject({
      code: 'cluster_unavailable',
      message: expect.stringContaining(`the exec credential plugin "${command}" did not answer within 500 ms and was stopped`),
      hint: expect.stringContaining('HOPSCOPE_EXEC_CREDENTIAL_TIMEOUT_MS'),
    });
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(2_000);
    // Nothing was read without credentials.
    expect(server.requestCount()).toBe(requestsBefore);
    const [shell, child] = readFileSync(pids, 'utf8').trim().split(' ').map(Number) as [number, number];
    // SIGTERM to the group; SIGKILL follows a second later only if something ignored it.
    for (let i = 0; i < 30 && (running(shell) || running(child)); i++) await sleep(50);
    expect({ shell: running(shell), child: running(child) }).toEqual({ shell: false, child: false });
  });

  it('runPlugin alone: a timed-out run is an ExecCredentialError that says so', async () => {
    const error = await runPlugin({ command: script('hang-alone.sh', 'exec sleep 1000') }, 200).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecCredentialError);
    expect(error).toMatchObject({ timedOut: true, message: expect.stringContaining('did not answer within 200 ms') });
  });

  it('a plugin that fails is named with its exit code and stderr, and is not a timeout', async () => {
    const error = await runPlugin({ command: script('fail.sh', 'echo "no session" >&2\nexit 3') }, 2_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ExecCredentialError', timedOut: false, message: expect.stringContaining('exited with 3: no session') });
  });
});

describe('a plugin that answers', () => {
  it('runs once and its credential is reused until it expires, also by concurrent discoveries', async () => {
    const plugin = countingPlugin('counting');
    const expires = new Date(Date.now() + 60 * 60_000).toISOString();
    const kubeconfigPath = execKubeconfig('counting', plugin.command, { TOKEN: server.token, EXPIRES: expires });
    const first = await discover(kubeconfigPath);
    expect(first.errors).toEqual([]);
    expect(first.nodes).toHaveLength(3);
    // Three more discoveries, two of them at once (each loads the kubeconfig afresh, as a request does).
    const [second, third] = await Promise.all([discover(kubeconfigPath), discover(kubeconfigPath)]);
    const fourth = await discover(kubeconfigPath);
    for (const inv of [second, third, fourth]) expect(inv.errors).toEqual([]);
    expect(plugin.runs()).toBe(1);
  });

  it('a credential that expires (within the refresh margin) is fetched again on the next discovery', async () => {
    const plugin = countingPlugin('expiring');
    const expires = new Date(Date.now() + 5_000).toISOString();
    const kubeconfigPath = execKubeconfig('expiring', plugin.command, { TOKEN: server.token, EXPIRES: expires });
    expect((await discover(kubeconfigPath)).errors).toEqual([]);
    expect((await discover(kubeconfigPath)).errors).toEqual([]);
    expect(plugin.runs()).toBe(2);
  });

  it('a credential the apiserver rejects is forgotten, so the next discovery asks the plugin again', async () => {
    const plugin = countingPlugin('rejected');
    const expires = new Date(Date.now() + 60 * 60_000).toISOString();
    const kubeconfigPath = execKubeconfig('rejected', plugin.command, { TOKEN: 'not-the-token', EXPIRES: expires });
    const inv = await discover(kubeconfigPath);
    expect(inv.errors.length).toBeGreaterThan(0);
    for (const error of inv.errors) expect(error).toMatchObject({ status: 401, reason: 'unauthorized' });
    await discover(kubeconfigPath);
    expect(plugin.runs()).toBe(2);
  });
});
