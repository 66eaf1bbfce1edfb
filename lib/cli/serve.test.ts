// `hopscope serve` / bare `hopscope`: says how to build when the dashboard is not built (exit 2), and otherwise
// runs the start script with the port asked for, handing back its exit code.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './probe';
import { CliError } from './errors';
import { dashboardUrl, runServe } from './serve';

function io(): CliIo & { stderr: () => string } {
  let err = '';
  return { out: () => {}, err: (t) => void (err += t), untilStopped: () => Promise.resolve(), interfaces: () => ({}), env: { PORT: '4000' } as unknown as NodeJS.ProcessEnv, stderr: () => err };
}

describe('hopscope serve', () => {
  it('without a build, says how to build and starts nothing', async () => {
    // The build is looked for where the start script expects it; a directory without one stands for a fresh clone.
    const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-unbuilt-'));
    const missing = { server: path.join(dir, '.next', 'standalone', 'server.js'), start: path.join(dir, 'start.mjs') };
    const error = await runServe({ kind: 'serve', port: null, context: null }, io(), missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe('the dashboard is not built yet');
    expect((error as CliError).hint).toMatch(/^run `npm run build` in .+, then hopscope serve again$/);
  });

  it('runs the start script with --port (else $PORT) and answers its exit code', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-serve-'));
    const start = path.join(dir, 'start.mjs');
    writeFileSync(start, `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(path.join(dir, 'port'))}, process.env.PORT); process.exit(3);\n`);
    const terminal = io();
    expect(await runServe({ kind: 'serve', port: 8123, context: 'lab' }, terminal, { server: start, start })).toBe(3);
    expect(readFileSync(path.join(dir, 'port'), 'utf8')).toBe('8123');
    expect(terminal.stderr()).toBe('hopscope dashboard on http://localhost:8123/?context=lab (Ctrl-C stops it)\n');
    expect(await runServe({ kind: 'serve', port: null, context: null }, io(), { server: start, start })).toBe(3);
    expect(readFileSync(path.join(dir, 'port'), 'utf8')).toBe('4000');
    expect(dashboardUrl(3000, null)).toBe('http://localhost:3000/');
  });
});
