// The command lines of the cluster subcommands (paths, explain, check, diff, serve), with kubectl's habits: -n, -o,
// --context, --kubeconfig, -f. Strict like args.ts: an unknown flag or value is a usage error (exit 2). Pure.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SourceQuery } from '../contract/requests';
import { VERDICTS, type Verdict } from '../contract/enums';
import { DEFAULT_ASSUMPTIONS } from './assume';
import { UsageError } from './errors';

/** Where the inventory comes from: a kubeconfig context (the current one when null) or a demo scenario. */
export interface ClusterSourceArgs {
  context: string | null;
  kubeconfig: string | null;
  scenario: string | null;
}

export const PATHS_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type PathsFormat = (typeof PATHS_FORMATS)[number];

export const CHECK_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface PathsCommand {
  kind: 'paths';
  source: ClusterSourceArgs;
  namespace: string | null;
  output: PathsFormat;
  verdicts: Verdict[];
}

export interface ExplainCommand {
  kind: 'explain';
  source: ClusterSourceArgs;
  selector: string;
}

export interface CheckCommand {
  kind: 'check';
  files: string[];
  output: CheckFormat;
  failOn: Verdict[];
  /** Nodes assumed when the manifests hold no Node objects. */
  nodes: number;
  /** Namespace of the objects that name none (helm template leaves it out: install applies the release's). */
  namespace: string;
}

export interface DiffCommand {
  kind: 'diff';
  before: string;
  after: string;
  json: boolean;
}

export interface ServeCommand {
  kind: 'serve';
  port: number | null;
  context: string | null;
  /** Open the page in a browser once the dashboard answers. */
  open: boolean;
}

export type ClusterCommand = PathsCommand | ExplainCommand | CheckCommand | DiffCommand | ServeCommand;


const SOURCE_OPTIONS = {
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  scenario: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const SOURCE_HELP = `  --context <ctx>         kubeconfig context (default: the current context)
  --kubeconfig <file>     kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
  --scenario <id>         a demo scenario instead of a cluster (ids: scenarios/*.yaml, large)`;

export const PATHS_USAGE = `usage: hopscope paths [options]

Lists every way into the cluster of the current kubeconfig context and the verdict on the client address its
application sees, as the dashboard does (GET /api/v1/paths).

options:
${SOURCE_HELP}
  -n, --namespace <ns>    only paths into this namespace
  -o, --output <format>   table (default), wide, json (GET /api/v1/paths's answer) or yaml
  --verdict <v>           only paths with this verdict (repeatable or a comma list: ${VERDICTS.join(', ')})

Colour only on a terminal, never with NO_COLOR set.
exit codes: 0 the whole cluster was read, 1 discovery missed some resources (the answer lists them), 2 usage error
or no cluster to read
`;

export const EXPLAIN_USAGE = `usage: hopscope explain <pathId|host|address> [options]

Shows one path hop by hop: the TCP peer each hop sees, whom it takes as the client and how, then the findings
with their fixes. The selector is a path id (hopscope paths -o wide), an Ingress host, an address or address:port.

options:
${SOURCE_HELP}

exit codes: 0 explained, 1 explained but discovery missed some resources, 2 usage error, or a selector that
matches no path or more than one (the candidates are listed)
`;

export const CHECK_USAGE = `usage: hopscope check -f <file|dir|-> [options]

Predicts the paths of manifests (kubectl get -o yaml, helm template, kustomize build) without a cluster:
multi-document YAML, JSON and List objects; a directory is read for *.yaml, *.yml and *.json; - is stdin.
What the manifests cannot say (nodes, addresses from status) is assumed, and every assumption is printed.

options:
  -f, --filename <f>      file, directory or - (repeatable; required)
  -o, --output <format>   text (default), json, sarif (SARIF 2.1.0) or github (Actions annotations)
  --fail-on <verdicts>    exit 1 when a path has one of these verdicts (comma list, e.g. lost,spoofable,broken)
  --nodes <n>             nodes to assume when the manifests hold no Node (default ${DEFAULT_ASSUMPTIONS.nodes})
  -n, --namespace <ns>    namespace of objects that name none, as kubectl apply -n (default "${DEFAULT_ASSUMPTIONS.namespace}")

exit codes: 0 no path has a --fail-on verdict, 1 some path has one, 2 usage error or unreadable input
`;

export const DIFF_USAGE = `usage: hopscope diff -f <before> -f <after> [--json]

Predicts both sets of manifests (as hopscope check does) and lists the paths whose verdict changes, with the
object fields that changed; paths that appear or disappear are listed too.

exit codes: 0 no verdict got worse, 1 some verdict got worse (a regression), 2 usage error or unreadable input
`;

export const SERVE_USAGE = `usage: hopscope [serve] [--port <port>] [--context <ctx>] [--open]

Starts the built dashboard (npm run build first) on http://localhost:<port>.

options:
  --port <port>           port to listen on (default: $PORT, then 3000)
  --context <ctx>         kubeconfig context the dashboard opens with (HOPSCOPE_CONTEXT)
  --open                  open the page in a browser once the dashboard answers ($BROWSER, else xdg-open / open / start)
`;

type Values = Record<string, string | string[] | boolean | undefined>;

function parse(args: string[], options: ParseArgsConfig['options'], command: string, positionals: number): { values: Values; positionals: string[] } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals > 0 }) as { values: Values; positionals: string[] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command}: ${message}; see "hopscope help ${command}"`);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[positionals])}; see "hopscope help ${command}"`);
  }
  return parsed;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** `--verdict lost --verdict spoofable` and `--verdict lost,spoofable` alike. */
export function verdictList(flag: string, values: readonly string[]): Verdict[] {
  const list = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return [...new Set(list.map((v) => oneOf(flag, v, VERDICTS)))];
}

function sourceOf(v: Values): ClusterSourceArgs {
  const context = (v.context as string | undefined) ?? null;
  const scenario = (v.scenario as string | undefined) ?? null;
  // The API's own schemas decide what a context and a scenario id may be.
  if (context !== null && !SourceQuery.shape.context.safeParse(context).success) throw new UsageError('--context must be a kubeconfig context name of 1-253 characters');
  if (scenario !== null && !SourceQuery.shape.scenario.safeParse(scenario).success) throw new UsageError('--scenario ids are lowercase letters, digits and dashes');
  if (scenario !== null && context !== null) throw new UsageError('--scenario and --context exclude each other: a demo scenario is no kubeconfig context');
  return { context, kubeconfig: (v.kubeconfig as string | undefined) ?? null, scenario };
}

function port(text: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65_535) throw new UsageError(`--port must be a whole number from 1 to 65535, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function parsePaths(args: string[]): PathsCommand {
  const { values: v } = parse(
    args,
    { ...SOURCE_OPTIONS, namespace: { type: 'string', short: 'n' }, output: { type: 'string', short: 'o' }, verdict: { type: 'string', multiple: true } },
    'paths',
    0,
  );
  return {
    kind: 'paths',
    source: sourceOf(v),
    namespace: (v.namespace as string | undefined) ?? null,
    output: oneOf('-o', (v.output as string | undefined) ?? 'table', PATHS_FORMATS),
    verdicts: verdictList('--verdict', (v.verdict as string[] | undefined) ?? []),
  };
}

export function parseExplain(args: string[]): ExplainCommand {
  const { values: v, positionals } = parse(args, SOURCE_OPTIONS, 'explain', 1);
  const selector = positionals[0];
  if (selector === undefined || selector === '') throw new UsageError('explain needs a path id, an Ingress host or an address; list them with "hopscope paths -o wide"');
  return { kind: 'explain', source: sourceOf(v), selector };
}

/** A namespace name is a DNS label (RFC 1123), as the apiserver requires. */
function namespaceOf(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) throw new UsageError(`-n must be a namespace name (lower-case letters, digits and -), got ${JSON.stringify(value)}`);
  return value;
}

export function parseCheck(args: string[]): CheckCommand {
  const { values: v } = parse(
    args,
    {
      filename: { type: 'string', short: 'f', multiple: true },
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string', multiple: true },
      nodes: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
    },
    'check',
    0,
  );
  const files = (v.filename as string[] | undefined) ?? [];
  if (files.length === 0) throw new UsageError('check needs -f <file|dir|->, e.g. helm template my-release ./chart | hopscope check -f -');
  const nodes = (v.nodes as string | undefined) ?? String(DEFAULT_ASSUMPTIONS.nodes);
  if (!/^[0-9]{1,3}$/.test(nodes) || Number(nodes) < 1) throw new UsageError(`--nodes must be a whole number from 1 to 999, got ${JSON.stringify(nodes)}`);
  return {
    kind: 'check',
    files,
    output: oneOf('-o', (v.output as string | undefined) ?? 'text', CHECK_FORMATS),
    failOn: verdictList('--fail-on', (v['fail-on'] as string[] | undefined) ?? []),
    nodes: Number(nodes),
    namespace: namespaceOf((v.namespace as string | undefined) ?? DEFAULT_ASSUMPTIONS.namespace),
  };
}

export function parseDiff(args: string[]): DiffCommand {
  const { values: v } = parse(args, { filename: { type: 'string', short: 'f', multiple: true }, json: { type: 'boolean' } }, 'diff', 0);
  const files = (v.filename as string[] | undefined) ?? [];
  if (files.length !== 2) throw new UsageError(`diff needs exactly two -f, before and after (got ${files.length}), e.g. hopscope diff -f before/ -f after/`);
  return { kind: 'diff', before: files[0]!, after: files[1]!, json: v.json === true };
}

export function parseServe(args: string[]): ServeCommand {
  const { values: v } = parse(args, { port: { type: 'string' }, context: { type: 'string' }, open: { type: 'boolean' } }, 'serve', 0);
  const context = (v.context as string | undefined) ?? null;
  if (context !== null && !SourceQuery.shape.context.safeParse(context).success) throw new UsageError('--context must be a kubeconfig context name of 1-253 characters');
  return { kind: 'serve', port: v.port === undefined ? null : port(v.port as string), context, open: v.open === true };
}
