// Reading manifests for `check` and `diff`: files, directories and stdin, multi-document YAML or JSON, `kind: List`
// objects flattened, every object with the file and line it came from (for SARIF and GitHub annotations). What
// cannot be read stops the command with the file and line (exit 2); objects of kinds hopscope never reads are
// counted, not failed: a chart renders Secrets and ServiceAccounts too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { ManifestObject } from '../demo/manifest';
import { CliError } from './errors';
import { terminalText } from './text';

export interface Location {
  /** As given on the command line (a directory's files joined to it); "-" is stdin. */
  file: string;
  line: number;
}

export interface LocatedObject {
  object: ManifestObject;
  at: Location;
}

export interface ManifestSet {
  objects: LocatedObject[];
  /** Objects of kinds the inventory does not read, by kind. */
  ignored: Record<string, number>;
  files: number;
}

/** Kinds discovery reads (lib/k8s/raw.ts), the workloads `check` makes pods of, and hopscope's scenario header. */
const READ_KINDS = new Set([
  'Node',
  'Service',
  'Pod',
  'ConfigMap',
  'EndpointSlice',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'DaemonSet',
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'IPAddressPool',
  'L2Advertisement',
  'BGPAdvertisement',
  'ServiceL2Status',
  'ServiceBGPStatus',
  'CiliumLoadBalancerIPPool',
  'CiliumL2AnnouncementPolicy',
  'Lease',
  'IngressRoute',
  'Middleware',
]);
const SCENARIO_HEADER = 'Scenario';
const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export class InputError extends CliError {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Kubernetes object's envelope: apiVersion, kind and metadata.name (the demo parser's rule). */
function envelopeProblem(value: unknown): string | null {
  if (!isObject(value)) return 'is not a mapping';
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') return 'has no apiVersion';
  if (typeof value.kind !== 'string' || value.kind === '') return 'has no kind';
  if (!isObject(value.metadata) || typeof value.metadata.name !== 'string' || value.metadata.name === '') return 'has no metadata.name';
  return null;
}

function files(arg: string): string[] {
  if (arg === '-') return ['-'];
  let stat;
  try {
    stat = statSync(arg);
  } catch (error) {
    throw new InputError(`cannot read ${terminalText(arg)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (!stat.isDirectory()) return [arg];
  // Recursive, in name order, so `helm template --output-dir` trees work and results are the same on every run.
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (EXTENSIONS.has(path.extname(entry.name).toLowerCase())) found.push(full);
    }
  };
  walk(arg);
  return found;
}

function readText(file: string, stdin: () => Promise<string>): Promise<string> | string {
  if (file === '-') return stdin();
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${terminalText(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** The objects of one file's text; throws InputError naming file and line on YAML it cannot parse. */
export function parseManifestText(text: string, file: string, into: ManifestSet): void {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  // A text that is no YAML stream at all comes back as one EmptyStream; treat it as no documents.
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`${terminalText(file)}:${pos?.line ?? lineOf(error.pos[0])}:${pos?.col ?? 1}: invalid YAML: ${terminalText(reason)}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue;
    const docLine = lineOf(doc.contents?.range?.[0]);
    // kubectl get -o yaml answers `kind: List` (and SomethingList) with the objects in items.
    if (isObject(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      const items = doc.getIn(['items'], true);
      value.items.forEach((item, i) => {
        const node = isSeq(items) ? items.items[i] : undefined;
        const line = isMap(node) || isSeq(node) ? lineOf(node.range?.[0]) : docLine;
        addObject(item, { file, line }, into);
      });
      continue;
    }
    addObject(value, { file, line: docLine }, into);
  }
}

function addObject(value: unknown, at: Location, into: ManifestSet): void {
  const problem = envelopeProblem(value);
  if (problem) throw new InputError(`${terminalText(at.file)}:${at.line}: this document ${problem}, so it is no Kubernetes object`);
  const object = value as ManifestObject;
  if (object.kind === SCENARIO_HEADER && object.apiVersion.startsWith('hopscope.dev/')) return;
  if (!READ_KINDS.has(object.kind)) {
    into.ignored[object.kind] = (into.ignored[object.kind] ?? 0) + 1;
    return;
  }
  into.objects.push({ object, at });
}

/** Every object of every -f argument, in argument order. */
export async function readManifests(args: readonly string[], stdin: () => Promise<string>, progress: (done: number, total: number) => void = () => {}): Promise<ManifestSet> {
  const set: ManifestSet = { objects: [], ignored: {}, files: 0 };
  const all = args.flatMap(files);
  if (all.filter((f) => f === '-').length > 1) throw new InputError('-f - (stdin) can be given only once');
  for (const [i, file] of all.entries()) {
    parseManifestText(await readText(file, stdin), file, set);
    set.files++;
    progress(i + 1, all.length);
  }
  return set;
}
