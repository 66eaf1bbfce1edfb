// The built dashboard (`npm run build` first) as a child process on a loopback port, for tests that must see what
// a user's browser or curl sees: the proxy's refusals, response headers, body limits.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@/test/support/net';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SERVER = path.join(ROOT, '.next', 'standalone', 'server.js');

export interface BuiltServer {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** `program` is what runs under node: the standalone server by default, or e.g. an installed `hopscope serve`. */
export async function startBuiltServer(env: Record<string, string> = {}, program: readonly string[] = [SERVER]): Promise<BuiltServer> {
  if (!existsSync(program[0]!)) throw new Error(`${program[0]} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hopscope-built-'));
  const child = spawn(process.execPath, [...program], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dataDir,
      NODE_ENV: 'production',
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      HOPSCOPE_DATA_DIR: dataDir,
      HOPSCOPE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the built server exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the built server did not answer /healthz:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { baseUrl, port, child, dataDir, output: () => output, stop };
}

/** The server's resident memory, from its own /metrics. */
export async function residentBytes(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => /^(hopscope_)?process_resident_memory_bytes /.test(l));
  if (!line) throw new Error('no process_resident_memory_bytes in /metrics');
  return Number(line.split(/\s+/)[1]);
}
