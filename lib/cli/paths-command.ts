// `hopscope paths`: GET /api/v1/paths in the terminal. The JSON and YAML are that answer itself, so a script can
// switch between the API and the CLI; the table is for people, one path a row, worst verdicts first.
import { stringify } from 'yaml';
import { VERDICTS_BY_BADNESS } from '../model/verdict';
import type { DiscoveryError, NetPath, PathsResponse } from '../types';
import { EXIT } from './args';
import type { PathsCommand } from './commands';
import { columns, painter, plural, useColour, type Paint } from './format';
import type { CliIo } from './probe';
import { pathsOf, pathsResponse } from './source';
import { terminalText } from './text';

const NONE = '-';

/** Where a client connects: the Ingress host, else address:port. */
export function entryText(path: NetPath): string {
  const { entry } = path;
  const where = entry.address === null ? NONE : entry.port === null ? entry.address : `${entry.address}:${entry.port}`;
  return entry.host ? `${entry.host} (${where})` : where;
}

const rank = (p: NetPath) => VERDICTS_BY_BADNESS.length - VERDICTS_BY_BADNESS.indexOf(p.verdict);

/** Worst first, then by id (the model's order), so the rows that need attention lead. */
export function byAttention(paths: readonly NetPath[]): NetPath[] {
  return [...paths].sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function renderPathsTable(answer: PathsResponse, wide: boolean, paint: Paint, where?: string): string {
  const header = wide
    ? ['VERDICT', 'KIND', 'NAMESPACE', 'NAME', 'ENTRY', 'APP SEES', 'IN-CLUSTER', 'FINDINGS', 'ID']
    : ['VERDICT', 'KIND', 'NAMESPACE', 'NAME', 'ENTRY', 'FINDINGS'];
  const paths = byAttention(answer.paths);
  const rows = paths.map((p) => {
    const base = [p.verdict, p.entry.kind, p.entry.namespace ?? NONE, p.entry.name, entryText(p)];
    const findings = String(p.findings.length);
    if (!wide) return [...base, findings];
    const sees = `${p.appClient.role} via ${p.appClient.via}`;
    return [...base, sees, p.inClusterVerdict ?? NONE, findings, p.id];
  });
  const lines = columns([header, ...rows], (row, column, cell) => (row > 0 && column === 0 ? paint(paths[row - 1]!.verdict, cell) : cell));
  const shown = answer.paths.length === answer.total ? plural(answer.total, 'path') : `${answer.paths.length} of ${plural(answer.total, 'path')}`;
  const source = where ?? (answer.source.mode === 'demo' ? `demo scenario ${answer.source.scenario ?? answer.source.context}` : `context ${answer.source.context}`);
  return `${answer.paths.length > 0 ? `${lines.join('\n')}\n\n` : ''}${shown} in ${terminalText(source)}\n`;
}

export function discoveryErrorLines(errors: readonly DiscoveryError[]): string {
  return errors.map((e) => `hopscope: discovery missed ${terminalText(e.resource)}: ${terminalText(e.message)}${e.hint ? ` (${terminalText(e.hint)})` : ''}\n`).join('');
}

export async function runPaths(command: PathsCommand, io: CliIo): Promise<number> {
  const { inventory, paths } = await pathsOf(command.source, io);
  const answer = pathsResponse(inventory, paths, { namespace: command.namespace, verdicts: command.verdicts });
  switch (command.output) {
    case 'json':
      io.out(`${JSON.stringify(answer, null, 2)}\n`);
      break;
    case 'yaml':
      io.out(stringify(answer));
      break;
    default:
      io.out(renderPathsTable(answer, command.output === 'wide', painter(useColour(io))));
  }
  io.err(discoveryErrorLines(answer.errors));
  // A partial inventory gives paths that may be missing hops: a script must be able to tell.
  return answer.errors.length > 0 ? EXIT.differs : EXIT.matches;
}
