// The command line of `hopscope`: one dispatcher over subcommands, each parsed strictly, so a mistyped flag fails
// loudly (exit 2) instead of probing with a default the user did not mean. Pure: argv in, a command or an error out.
// Nothing here can name a probe target: addresses, ports and URLs come only from the dashboard's plan.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SourceQuery, TraceBody } from '../contract/requests';
import { parseIp } from '../net/ip';
import {
  CHECK_USAGE,
  DIFF_USAGE,
  EXPLAIN_USAGE,
  parseCheck,
  parseDiff,
  parseExplain,
  parsePaths,
  parseServe,
  PATHS_USAGE,
  SERVE_USAGE,
  type ClusterCommand,
} from './commands';
import { UsageError } from './errors';

export const EXIT = {
  /** Every probed path matched the prediction for this vantage (probe); nothing to report (the other commands). */
  matches: 0,
  /**
   * At least one probed path differs from the prediction (probe); discovery missed resources (paths, explain); a
   * path has a --fail-on verdict (check); a verdict got worse (diff).
   */
  differs: 1,
  /** The command line, the dashboard or the plan was wrong: nothing could be compared. */
  usage: 2,
} as const;

export const DEFAULT_TIMEOUT_MS = 3_000;
const MIN_TIMEOUT_MS = 1;
const MAX_TIMEOUT_MS = 60_000;
export const DEFAULT_LISTEN_ADDRESS = '0.0.0.0';

export interface Listen {
  port: number;
  address: string;
}

export interface ProbeCommand {
  kind: 'probe';
  /** The dashboard's base URL, without a trailing slash. */
  server: string;
  agentName: string | null;
  pathIds: string[];
  context: string | null;
  json: boolean;
  timeoutMs: number;
  listen: Listen | null;
}

export interface EchoCommand {
  kind: 'echo';
  listen: Listen;
}

const TOPICS = ['paths', 'explain', 'check', 'diff', 'serve', 'probe', 'echo'] as const;
type Topic = (typeof TOPICS)[number];

export interface HelpCommand {
  kind: 'help';
  topic: Topic | null;
}

export type Command = ProbeCommand | EchoCommand | HelpCommand | ClusterCommand;

export const USAGE = `usage: hopscope [<command>] [options]   (no command: serve)

commands:
  paths   list the ways into the cluster of a kubeconfig context (or a demo scenario) with their verdicts
  explain show one path hop by hop, with its findings and fixes
  check   predict the paths of manifests (helm template … | hopscope check -f -) without a cluster, for CI
  diff    compare the predictions of two sets of manifests; exit 1 when a verdict gets worse
  serve   start the built dashboard
  probe   send the probes a hopscope dashboard plans for this machine, report them, compare with the prediction
  echo    run the hopscope echo here, as an egress echo the dashboard's own prober can reach (until Ctrl-C)
  help    show this text, or "hopscope help <command>"

exit codes: 0 ok, 1 a finding the command reports (see each command's help), 2 usage or input errors
`;

export const PROBE_USAGE = `usage: hopscope probe --server <dashboard URL> [options]

Asks the dashboard for a plan (POST /api/v1/traces {"vantage":"agent"}), sends exactly the planned requests from
this machine, posts what came back, and prints per path what the echo saw, the observed and the predicted verdict.
Targets come only from the plan; nothing on this command line can name an address, a port or a URL to probe.

options:
  --server <url>          the dashboard, e.g. http://localhost:3000 (required)
  --name <name>           this agent's name as the dashboard shows it (default: the host name)
  --path <pathId>         probe only this path (repeatable; ids from GET /api/v1/paths)
  --context <ctx>         kubeconfig context of the dashboard (?context=)
  --json                  print the compared trace (TraceRun) as JSON instead of the table
  --timeout <ms>          bound of one probe from connect to last byte (default ${DEFAULT_TIMEOUT_MS})
  --listen <port>         also run an egress echo on this port, and keep it running after probing until Ctrl-C
  --listen-address <ip>   address the egress echo binds (default ${DEFAULT_LISTEN_ADDRESS})

exit codes: 0 every probed path matches the prediction, 1 some differ, 2 usage, dashboard or plan errors
`;

export const ECHO_USAGE = `usage: hopscope echo --listen <port> [--listen-address <ip>]

Runs the hopscope echo on this machine until Ctrl-C and prints the HOPSCOPE_EGRESS_ECHO value the dashboard's
operator sets so that its prober connects out to it (the dashboard never connects to an address a request names).

options:
  --listen <port>         port to listen on (required)
  --listen-address <ip>   address to bind (default ${DEFAULT_LISTEN_ADDRESS})
`;

type Values = Record<string, string | string[] | boolean | undefined>;

function parseStrict(args: string[], options: ParseArgsConfig['options'], command: string): Values {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    // node:util's messages name the flag ("Unknown option '--adress'"); the usage line says what exists.
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command}: ${message}; see "hopscope help ${command}"`);
  }
}

function integer(flag: string, text: string, min: number, max: number): number {
  if (!/^[0-9]{1,6}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** The dashboard URL: http or https, no credentials, query or fragment; a path prefix is kept. */
export function serverBase(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--server must be the dashboard's URL, e.g. http://localhost:3000, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--server must be an http:// or https:// URL, got ${JSON.stringify(url.protocol)}`);
  }
  if (url.username || url.password) throw new UsageError('--server must not carry a user name or password');
  if (url.search || url.hash) throw new UsageError('--server must not carry a query or fragment; use --context for the context');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function listenOf(port: string | undefined, address: string | undefined): Listen | null {
  if (port === undefined) {
    if (address !== undefined) throw new UsageError('--listen-address needs --listen <port>');
    return null;
  }
  const bind = address ?? DEFAULT_LISTEN_ADDRESS;
  if (!parseIp(bind)) throw new UsageError(`--listen-address must be an IP address, got ${JSON.stringify(bind)}`);
  return { port: integer('--listen', port, 0, 65_535), address: bind };
}

/** A host name made into an agent name the API accepts (TraceBody.agentName), or null when nothing is left. */
export function defaultAgentName(hostname: string): string | null {
  const name = hostname.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63);
  return TraceBody.shape.agentName.safeParse(name).success && name !== '' ? name : null;
}

function parseProbe(args: string[], hostname: string): ProbeCommand {
  const v = parseStrict(
    args,
    {
      server: { type: 'string' },
      name: { type: 'string' },
      path: { type: 'string', multiple: true },
      context: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      listen: { type: 'string' },
      'listen-address': { type: 'string' },
    },
    'probe',
  );
  const server = v.server as string | undefined;
  if (server === undefined) throw new UsageError('probe needs --server <dashboard URL>, e.g. --server http://localhost:3000');
  const name = v.name as string | undefined;
  // The API's own schemas decide what a name, a path id and a context may be, so the CLI cannot drift from them.
  if (name !== undefined && !TraceBody.shape.agentName.safeParse(name).success) {
    throw new UsageError(`--name must be 1-63 letters, digits, dots, dashes or underscores, got ${JSON.stringify(name)}`);
  }
  const pathIds = (v.path as string[] | undefined) ?? [];
  if (pathIds.length > 0 && !TraceBody.shape.pathIds.safeParse(pathIds).success) {
    throw new UsageError('--path takes a path id of 1-512 characters, at most 1000 of them');
  }
  const context = v.context as string | undefined;
  if (context !== undefined && !SourceQuery.shape.context.safeParse(context).success) {
    throw new UsageError('--context must be a kubeconfig context name of 1-253 characters');
  }
  const timeout = v.timeout as string | undefined;
  return {
    kind: 'probe',
    server: serverBase(server),
    agentName: name ?? defaultAgentName(hostname),
    pathIds,
    context: context ?? null,
    json: v.json === true,
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : integer('--timeout', timeout, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS),
    listen: listenOf(v.listen as string | undefined, v['listen-address'] as string | undefined),
  };
}

function parseEcho(args: string[]): EchoCommand {
  const v = parseStrict(args, { listen: { type: 'string' }, 'listen-address': { type: 'string' } }, 'echo');
  const listen = listenOf(v.listen as string | undefined, v['listen-address'] as string | undefined);
  if (!listen) throw new UsageError('echo needs --listen <port>');
  return { kind: 'echo', listen };
}

const PARSERS: Record<Exclude<Topic, 'probe' | 'echo'>, (args: string[]) => ClusterCommand> = {
  paths: parsePaths,
  explain: parseExplain,
  check: parseCheck,
  diff: parseDiff,
  serve: parseServe,
};

const isTopic = (name: string | undefined): name is Topic => (TOPICS as readonly (string | undefined)[]).includes(name);
const commandList = () => `commands are ${TOPICS.join(', ')} and help`;

/** argv without node and the script; `hostname` names the agent when --name is not given. */
export function parseCommand(argv: readonly string[], hostname: string): Command {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return parseServe([]);
    case 'help':
    case '--help':
    case '-h': {
      const topic = rest[0];
      if (topic === undefined) return { kind: 'help', topic: null };
      if (isTopic(topic)) return { kind: 'help', topic };
      throw new UsageError(`help: unknown command ${JSON.stringify(topic)}; ${commandList()}`);
    }
    default: {
      if (!isTopic(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}; ${commandList()}`);
      if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', topic: command };
      if (command === 'probe') return parseProbe(rest, hostname);
      if (command === 'echo') return parseEcho(rest);
      return PARSERS[command](rest);
    }
  }
}

const USAGES: Record<Topic, string> = {
  paths: PATHS_USAGE,
  explain: EXPLAIN_USAGE,
  check: CHECK_USAGE,
  diff: DIFF_USAGE,
  serve: SERVE_USAGE,
  probe: PROBE_USAGE,
  echo: ECHO_USAGE,
};

export function usageOf(topic: HelpCommand['topic']): string {
  return topic === null ? USAGE : USAGES[topic];
}
