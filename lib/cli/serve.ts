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
  io.err(`hopscope dashboard on ${dashboardUrl(port, command.context)} (Ctrl-C stops it)\n`);
  const child = spawn(process.execPath, [start], { env, stdio: 'inherit' });
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
