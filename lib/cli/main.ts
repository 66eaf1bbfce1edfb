// The `hopscope` command (bin/hopscope.mjs runs this): parse, dispatch to one subcommand, turn every failure into
// a message and exit code 2. New subcommands are one case here and one parser in args.ts.
import os from 'node:os';
import { EXIT, parseCommand, usageOf } from './args';
import { startEgressEcho } from './egress';
import { CliError } from './errors';
import { VERSION } from './install';
import { runProbe, type CliIo } from './probe';
import { terminalText } from './text';


/** The real terminal: stdout for the result, stderr for the rest, Ctrl-C or SIGTERM to stop. */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    untilStopped: () =>
      new Promise((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
    interfaces: () => os.networkInterfaces(),
    stdoutIsTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Runs one command line (argv without node and the script) and answers its exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo(), hostname = os.hostname()): Promise<number> {
  try {
    const command = parseCommand(argv, hostname);
    switch (command.kind) {
      case 'help':
        io.out(usageOf(command.topic));
        return EXIT.matches;
      case 'probe':
        return await runProbe(command, io);
      // Loaded on demand: discovery pulls in the Kubernetes client, which `check` and `probe` never need.
      case 'paths':
        return await (await import('./paths-command')).runPaths(command, io);
      case 'explain':
        return await (await import('./explain')).runExplain(command, io);
      case 'check':
        return await (await import('./check')).runCheck(command, io, VERSION);
      case 'diff':
        return await (await import('./diff')).runDiff(command, io);
      case 'serve':
        return await (await import('./serve')).runServe(command, io);
      case 'echo': {
        const echo = await startEgressEcho(command.listen, io.interfaces(), (line) => io.err(line));
        io.err('Ctrl-C stops it\n');
        await io.untilStopped();
        await echo.server.close();
        return EXIT.matches;
      }
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`hopscope: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
    } else {
      io.err(`hopscope: unexpected failure: ${terminalText(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    }
    return EXIT.usage;
  }
}
