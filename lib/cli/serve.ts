// `hopscope serve` (and bare `hopscope`): the built dashboard, started as the container starts it
// (scripts/start.mjs runs .next/standalone). The dashboard picks its context per page (?context=), so --context
// opens the page on it rather than changing what the server may read.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ServeCommand } from './commands';
import { CliError } from './errors';
import { BUILT, ROOT } from './install';
import type { CliIo } from './probe';


export function dashboardUrl(port: number, context: string | null): string {
  return `http://localhost:${port}/${context === null ? '' : `?${new URLSearchParams({ context })}`}`;
}

export async function runServe(command: ServeCommand, io: CliIo, built: { server: string; start: string } = BUILT): Promise<number> {
  const { server, start } = built;
  if (!existsSync(server)) {
    throw new CliError('the dashboard is not built yet', `run \`npm run build\` in ${ROOT} (once, a few minutes), then hopscope serve again`);
  }
  const env = { ...(io.env ?? process.env) };
  const port = command.port ?? Number(env.PORT ?? 3000);
  env.PORT = String(port);
  const url = dashboardUrl(port, command.context);
  io.err(`hopscope dashboard on ${url} (Ctrl-C stops it)\n`);
  const child = spawn(process.execPath, [start], { env, stdio: 'inherit' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (command.open) void openWhenReady(url, port, env, exited, io);
  // Ctrl-C reaches the child through the terminal's process group; SIGTERM (a supervisor, CI) is passed on.
  const forward = () => child.kill('SIGTERM');
  process.on('SIGTERM', forward);
  process.on('SIGINT', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 0 : 1)));
    });
  } finally {
    process.off('SIGTERM', forward);
    process.off('SIGINT', forward);
  }
}

/** The program that opens a URL: $BROWSER (as xdg-open honours it), else the platform's own opener. */
export function opener(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): { command: string; args: string[] } {
  const browser = env.BROWSER?.split(':')[0]?.trim();
  if (browser) return { command: browser, args: [] };
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  return { command: 'xdg-open', args: [] };
}

/** Waits until the dashboard answers /healthz (or has exited), then opens the page; a missing opener is a notice, not a failure. */
async function openWhenReady(url: string, port: number, env: NodeJS.ProcessEnv, exited: Promise<void>, io: CliIo): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (!gone && Date.now() < deadline) {
    const ready = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (gone) return;
  const { command, args } = opener(env);
  const child = spawn(command, [...args, url], { stdio: 'ignore', detached: true, env });
  child.on('error', (error) => io.err(`hopscope: could not open a browser with ${command} (${error.message}); open ${url} yourself\n`));
  child.unref();
}
