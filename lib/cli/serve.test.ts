// `hopscope serve` / bare `hopscope`: says how to build when the dashboard is not built (exit 2), and otherwise
// runs the start script with the port asked for, handing back its exit code.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './probe';
import { hopscope } from './run-bin';
import { dashboardUrl, runServe } from './serve';

const built = existsSync(path.join(import.meta.dirname, '..', '..', '.next', 'standalone', 'server.js'));

function io(): CliIo & { stderr: () => string } {
  let err = '';
  return { out: () => {}, err: (t) => void (err += t), untilStopped: () => Promise.resolve(), interfaces: () => ({}), env: { PORT: '4000' } as unknown as NodeJS.ProcessEnv, stderr: () => err };
}

describe('hopscope serve', () => {
  it.skipIf(built)(
    'without a build, bare hopscope says how to build and exits 2',
    async () => {
      const r = await hopscope([]);
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toMatch(/^hopscope: the dashboard is not built yet\nhint: run `npm run build` in .+, then hopscope serve again\n$/);
    },
    60_000,
  );

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
