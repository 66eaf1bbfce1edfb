// Image equivalence without a Docker engine: read the Dockerfile, check that everything the runtime stage copies
// and calls exists in the local build, then run the standalone server and the echo exactly as the image's
// CMD would (same argv, same env, cwd = the image's WORKDIR, the image's uid when we can switch to it).
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@/test/support/net';
import { isDockerIgnored, imagePathInBuildTree, npmScriptsCalled, parseDockerfile, runtimeImage, sourceInBuildTree } from './check-image';

const root = path.resolve(import.meta.dirname, '..');
const dockerfile = parseDockerfile(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const image = runtimeImage(dockerfile);
const dockerignore = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The image's WORKDIR as a local directory (throws with the fix when the build output is missing). */
function builtWorkdir(): string {
  const local = imagePathInBuildTree(dockerfile, image, image.workdir, root);
  if (!local) throw new Error(`no COPY in the runtime stage provides its WORKDIR ${image.workdir}`);
  if (!existsSync(local)) throw new Error(`${path.relative(root, local)} is missing: run \`npm run build\` before the image check`);
  return local;
}

describe('Dockerfile runtime stage', () => {
  it('runs the dashboard as a non-root user from the standalone output', () => {
    expect(image.user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect([...image.entrypoint, ...image.cmd]).toEqual(['node', 'server.js']);
    expect(image.env).toMatchObject({ NODE_ENV: 'production', HOPSCOPE_DATA_DIR: '/data', HOSTNAME: '0.0.0.0' });
    expect(Number(image.env.PORT)).toBeGreaterThan(1024);
  });

  it('takes the version as a build argument into the environment', () => {
    expect(runtimeImage(dockerfile, { HOPSCOPE_VERSION: '1.2.3' }).env.HOPSCOPE_VERSION).toBe('1.2.3');
  });

  it('declares no HEALTHCHECK: Kubernetes probes /healthz and /readyz itself', () => {
    const keywords = dockerfile.stages.flatMap((s) => s.instructions.map((i) => i.keyword));
    expect(keywords).not.toContain('HEALTHCHECK');
  });

  it('calls only npm scripts that package.json defines', () => {
    const called = npmScriptsCalled(dockerfile);
    expect(called.length).toBeGreaterThan(0);
    for (const script of called) expect(packageJson.scripts, `npm run ${script}`).toHaveProperty(script);
  });

  it('copies from the build context only files that exist and are not .dockerignored', () => {
    const contextCopies = dockerfile.stages.flatMap((stage) =>
      stage.instructions.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from=')).flatMap((i) => i.args.split(/\s+/).slice(0, -1)),
    );
    expect(contextCopies).toContain('package-lock.json');
    for (const source of contextCopies.filter((s) => s !== '.')) {
      expect(existsSync(path.join(root, source)), source).toBe(true);
      expect(isDockerIgnored(source, dockerignore), source).toBe(false);
    }
    for (const needed of ['app', 'lib', 'public', 'scenarios', 'scripts/finish-build.mjs', 'next.config.ts', 'tsconfig.json', 'postcss.config.mjs']) {
      expect(isDockerIgnored(needed, dockerignore), needed).toBe(false);
    }
    for (const kept of ['node_modules', '.next/standalone/server.js', '.git']) {
      expect(isDockerIgnored(kept, dockerignore), kept).toBe(true);
    }
  });

  it('finds every file the runtime stage copies in the local build', () => {
    builtWorkdir();
    for (const copy of image.copies) {
      for (const source of copy.sources) {
        const local = sourceInBuildTree(dockerfile, copy.from, source, root);
        expect(local, `COPY --from=${copy.from} ${source}`).not.toBeNull();
        expect(existsSync(local!), `${source} → ${local}`).toBe(true);
      }
    }
    for (const program of ['server.js', 'echo.mjs', 'public', 'scenarios', '.next/static']) {
      const local = imagePathInBuildTree(dockerfile, image, path.posix.join(image.workdir, program), root);
      expect(local && existsSync(local), `${image.workdir}/${program} in the image`).toBe(true);
    }
  });
});

/** uid/gid of the image's USER, used when we are root and can switch to it like the container runtime does. */
function imageIdentity(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0 || !image.user) return null;
  const [uid, gid] = image.user.split(':').map(Number);
  return { uid: uid!, gid: gid ?? uid! };
}

/** Real uid of a running process, from /proc: proves the server ran as the image's USER, not as us. */
function processUid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'));
  return Number(line!.split(/\s+/)[1]);
}

interface Started {
  child: ChildProcess;
  output: () => string;
}

function startLikeImage(argv: string[], env: Record<string, string>, cwd: string): Started {
  const identity = imageIdentity();
  // A container sees only the image's ENV (plus PATH and HOME), not the developer's shell.
  const containerEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/', ...image.env, ...env };
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env: containerEnv as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], ...identity });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Waits until `url` answers (any HTTP status) or the process exits; fails with its output. */
async function waitForHttp(url: string, started: Started, deadlineMs = 20_000): Promise<Response> {
  const exited = new Promise<never>((_, reject) =>
    started.child.once('exit', (code, signal) => reject(new Error(`exited (${code ?? signal}) before answering ${url}:\n${started.output()}`))),
  );
  const deadline = Date.now() + deadlineMs;
  const attempt = async (): Promise<Response> => {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2_000) });
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no answer from ${url}: ${String(error)}\n${started.output()}`);
      // Connection refused until the server listens: retry on a short interval, bounded by the deadline.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return attempt();
    }
  };
  return Promise.race([attempt(), exited]);
}

describe('the built tree runs as the image does', () => {
  const running: ChildProcess[] = [];
  let dataDir = '';

  beforeAll(() => {
    // Stands in for the /data emptyDir: the only place the app may write (the workdir is not writable by the uid).
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'hopscope-image-data-'));
    const identity = imageIdentity();
    if (identity) chownSync(dataDir, identity.uid, identity.gid);
  });

  afterAll(async () => {
    // Waited for, so no server of this file is still shutting down while the next file starts its own.
    await Promise.all(
      running
        .filter((child) => child.exitCode === null && child.signalCode === null)
        .map((child) => {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          return exited;
        }),
    );
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /healthz and /readyz with the image CMD', async () => {
    const port = await freePort();
    const started = startLikeImage([...image.entrypoint, ...image.cmd], { PORT: String(port), HOSTNAME: '127.0.0.1', HOPSCOPE_DATA_DIR: dataDir }, builtWorkdir());
    running.push(started.child);

    const health = await waitForHttp(`http://127.0.0.1:${port}/healthz`, started);
    expect(health.status, started.output()).toBe(200);
    expect(processUid(started.child.pid!)).toBe(imageIdentity()?.uid ?? process.getuid?.());
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect([200, 503], started.output()).toContain(ready.status);
    expect(ready.headers.get('content-type')).toContain('application/json');
  });

  it('runs the echo from the same image with `node echo.mjs --port N`', async () => {
    const port = await freePort();
    const started = startLikeImage(['node', 'echo.mjs', '--port', String(port)], { POD_NAME: 'echo-image-check', NODE_NAME: 'local' }, builtWorkdir());
    running.push(started.child);

    const reply = await waitForHttp(`http://127.0.0.1:${port}/`, started);
    expect(reply.status, started.output()).toBe(200);
    expect((await reply.text()).length).toBeGreaterThan(0);
  });
});
