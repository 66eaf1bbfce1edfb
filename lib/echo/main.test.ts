// The CLI as people run it (`npm run echo`) and as the container runs it (the esbuild bundle echo.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleEcho } from '../../scripts/bundle.mjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEchoResponse } from './parse';
import { exchange } from '@/test/support/echo';

const root = path.resolve(import.meta.dirname, '..', '..');
const downwardApi = { POD_NAME: 'echo-cli', POD_NAMESPACE: 'default', POD_IP: '10.244.1.10', NODE_NAME: 'wk-a' };

interface Running {
  child: ChildProcess;
  port: number;
  logLines: () => Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Starts the CLI in its own process group and resolves once its "echo listening" log line names the port. */
function startCli(command: string, args: string[], port: string): Promise<Running> {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...downwardApi, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // 'close', not 'exit': npm may exit before the node process it started has written its last log lines to the
  // shared stdout pipe; the pipe closes only when every process of the group holding it is gone.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop() ?? '';
      for (const line of complete.filter((l) => l.startsWith('{'))) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.msg === 'echo listening') resolve({ child, port: entry.port as number, logLines: () => lines, exited });
      }
    });
    void exited.then((code) => reject(new Error(`echo exited with ${code} before listening: ${stderr}`)));
  });
}

/** SIGTERM to the process group we started (npm → sh → tsx → node all get it, as in a container). */
async function stopCli(running: Running): Promise<number | null> {
  process.kill(-running.child.pid!, 'SIGTERM');
  return running.exited;
}

/** Kills what is left of a CLI's process group; a group that already ended (ESRCH) is what cleanup wants anyway. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const step of cleanup) step();
});

describe('echo CLI', () => {
  it('`npm run echo -- --port` starts, reports the downward-API identity, and stops on SIGTERM', async () => {
    const args = ['run', '--silent', 'echo', '--', '--port', '0', '--host', '127.0.0.1'];
    const running = await startCli('npm', args, '1');
    cleanup.push(() => killGroup(running.child.pid!));
    // --port 0 (any free port) wins over $PORT.
    expect(running.port).toBeGreaterThan(1);
    const response = await exchange(running.port, { chunks: ['GET /cli HTTP/1.1\r\nHost: echo.test\r\nX-Forwarded-For: 192.0.2.7\r\n\r\n'] });
    expect(parseEchoResponse(response.body, 'application/json')).toMatchObject({
      peer: '127.0.0.1',
      echoPod: 'echo-cli',
      echoNode: 'wk-a',
      xForwardedFor: ['192.0.2.7'],
    });
    await stopCli(running);
    const messages = running.logLines().map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(['echo listening', 'echo request', 'echo stopping', 'echo stopped']));
  });

  it('bundles with esbuild into one file that runs on plain node (as .next/standalone/echo.mjs), port from $PORT', async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'hopscope-echo-bundle-'));
    cleanup.push(() => rmSync(outDir, { recursive: true, force: true }));
    const outfile = path.join(outDir, 'echo.mjs');
    await bundleEcho(outfile);
    const running = await startCli(process.execPath, [outfile, '--host', '127.0.0.1'], '0');
    cleanup.push(() => killGroup(running.child.pid!));
    const response = await exchange(running.port, { chunks: ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'] });
    expect([response.status, response.body]).toEqual([200, 'ok\n']);
    expect(await stopCli(running)).toBe(0);
  });

  it('refuses a TLS port without certificate files', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib', 'echo', 'main.ts'), '--tls-port', '0'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('--tls-port needs both --tls-cert and --tls-key');
  });
});
