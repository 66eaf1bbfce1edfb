// Test helper: the real launcher (node bin/hopscope.mjs) in a child process, from a directory outside the
// repository, with its own environment and stdin, as CI and a shell run it.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'hopscope.mjs');

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `bin` is the launcher to run: the repository's by default, or an installed package's. */
export function hopscope(args: readonly string[], options: { env?: NodeJS.ProcessEnv; stdin?: string; cwd?: string; bin?: string } = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    // No kubeconfig of the machine running the tests leaks in: only what a test passes.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tmpdir(), KUBECONFIG: path.join(tmpdir(), 'hopscope-no-kubeconfig'), ...options.env } as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], { cwd: options.cwd ?? tmpdir(), env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
