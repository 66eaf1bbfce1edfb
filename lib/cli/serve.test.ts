// `hopscope serve` / bare `hopscope`: says how to build when the dashboard is not built (exit 2), and otherwise
// runs the start script with the port asked for, handing back its exit code.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './probe';
import { CliError } from './errors';
import { freePort } from '@/test/support/net';
import { dashboardUrl, opener, runServe } from './serve';

function io(): CliIo & { stderr: () => string } {
  let err = '';
  return { out: () => {}, err: (t) => void (err += t), untilStopped: () => Promise.resolve(), interfaces: () => ({}), env: { PORT: '4000' } as unknown as NodeJS.ProcessEnv, stderr: () => err };
}

describe('hopscope serve', () => {
  it('without a build, says how to build and starts nothing', async () => {
    // The build is looked for where the start script expects it; a directory without one stands for a fresh clone.
    const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-unbuilt-'));
    const missing = { server: path.join(dir, '.next', 'standalone', 'server.js'), start: path.join(dir, 'start.mjs') };
    const error = await runServe({ kind: 'serve', port: null, context: null, open: false }, io(), missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe('the dashboard is not built yet');
    expect((error as CliError).hint).toMatch(/^run `npm run build` in .+, then hopscope serve again$/);
  });

  it('runs the start script with --port (else $PORT) and answers its exit code', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-serve-'));
    const start = path.join(dir, 'start.mjs');
    writeFileSync(start, `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(path.join(dir, 'port'))}, process.env.PORT); process.exit(3);\n`);
    const terminal = io();
    expect(await runServe({ kind: 'serve', port: 8123, context: 'lab', open: false }, terminal, { server: start, start })).toBe(3);
    expect(readFileSync(path.join(dir, 'port'), 'utf8')).toBe('8123');
    expect(terminal.stderr()).toBe('hopscope dashboard on http://localhost:8123/?context=lab (Ctrl-C stops it)\n');
    expect(await runServe({ kind: 'serve', port: null, context: null, open: false }, io(), { server: start, start })).toBe(3);
    expect(readFileSync(path.join(dir, 'port'), 'utf8')).toBe('4000');
    expect(dashboardUrl(3000, null)).toBe('http://localhost:3000/');
  });

  it('--open opens the page with $BROWSER once the dashboard answers /healthz', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-open-'));
    const opened = path.join(dir, 'opened');
    const browser = path.join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(opened)}\n`);
    chmodSync(browser, 0o755);
    // A dashboard that answers /healthz, and stops once the browser has been pointed at it.
    const start = path.join(dir, 'start.mjs');
    writeFileSync(
      start,
      `import { createServer } from 'node:http'; import { existsSync } from 'node:fs';
const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end()).listen(Number(process.env.PORT), '127.0.0.1');
const timer = setInterval(() => { if (existsSync(${JSON.stringify(opened)})) { clearInterval(timer); server.close(); } }, 50);\n`,
    );
    const port = await freePort();
    const terminal = io();
    terminal.env = { PORT: '1', BROWSER: browser, PATH: process.env.PATH } as unknown as NodeJS.ProcessEnv;
    expect(await runServe({ kind: 'serve', port, context: 'lab', open: true }, terminal, { server: start, start })).toBe(0);
    expect(readFileSync(opened, 'utf8')).toBe(`http://localhost:${port}/?context=lab`);
    expect(opener({ BROWSER: 'firefox:chromium' } as unknown as NodeJS.ProcessEnv)).toEqual({ command: 'firefox', args: [] });
    expect(opener({} as NodeJS.ProcessEnv, 'linux')).toEqual({ command: 'xdg-open', args: [] });
    expect(opener({} as NodeJS.ProcessEnv, 'darwin')).toEqual({ command: 'open', args: [] });
  }, 30_000);
});
