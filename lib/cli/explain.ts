// `hopscope explain`: one path as the dashboard's details panel tells it, in text: per hop the TCP peer it sees,
// whom it takes as the client and how, then the findings with their fixes. Picking the path is pure
// (selectPath), so an ambiguous selector can list its candidates instead of guessing.
import type { NetPath } from '../types';
import { EXIT } from './args';
import type { ExplainCommand } from './commands';
import { UsageError } from './errors';
import { painter, useColour, type Paint } from './format';
import { discoveryErrorLines, entryText } from './paths-command';
import type { CliIo } from './probe';
import { pathsOf } from './source';
import { terminalText } from './text';

const MAX_CANDIDATES = 20;

/** The path a selector names: a path id, else every path whose Ingress host, address or address:port it is. */
export function matchPaths(paths: readonly NetPath[], selector: string): NetPath[] {
  const exact = paths.find((p) => p.id === selector);
  if (exact) return [exact];
  const wanted = selector.toLowerCase();
  return paths.filter((p) => {
    const { host, address, port } = p.entry;
    return host?.toLowerCase() === wanted || address === selector || (address !== null && port !== null && `${address}:${port}` === selector);
  });
}

export function selectPath(paths: readonly NetPath[], selector: string): NetPath {
  const matches = matchPaths(paths, selector);
  if (matches.length === 1) return matches[0]!;
  const listed = (matches.length > 0 ? matches : paths).slice(0, MAX_CANDIDATES).map((p) => `  ${terminalText(p.id)}  (${p.verdict})`);
  const more = (matches.length > 0 ? matches : paths).length - listed.length;
  const list = `${listed.join('\n')}${more > 0 ? `\n  … and ${more} more (hopscope paths -o wide)` : ''}`;
  if (matches.length === 0) {
    throw new UsageError(`no path matches ${JSON.stringify(selector)}; give a path id, an Ingress host or an address[:port]. Paths:\n${list}`);
  }
  throw new UsageError(`${JSON.stringify(selector)} matches ${matches.length} paths; give one of their ids:\n${list}`);
}

/** Multi-line text (a fix is a YAML snippet and commands) indented, each line made safe on its own. */
const indent = (text: string, prefix: string) => text.split('\n').map((l) => `${prefix}${terminalText(l)}`.trimEnd()).join('\n');

const roleText = (value: string | null, role: string) => (value === null || value === role ? role : `${value} (${role})`);

export function renderExplain(path: NetPath, paint: Paint): string {
  const t = terminalText;
  const { entry } = path;
  const lines = [
    `path ${t(path.id)}`,
    `  entry     ${t(entry.kind)} ${t(entry.namespace ? `${entry.namespace}/${entry.name}` : entry.name)} at ${t(entryText(path))}`,
    `  verdict   ${paint(path.verdict)}${path.inClusterVerdict ? ` (from a pod of the cluster: ${paint(path.inClusterVerdict)})` : ''}`,
    `  app sees  ${t(roleText(path.appClient.value, path.appClient.role))} via ${t(path.appClient.via)}`,
    '',
    'hops',
  ];
  path.hops.forEach((hop, i) => {
    lines.push(`  ${i + 1}. ${t(hop.kind)} ${t(hop.name)}${hop.address ? ` ${t(hop.address)}${hop.port ? `:${hop.port}` : ''}` : ''}`);
    if (hop.kind !== 'client') {
      lines.push(`     peer ${t(roleText(hop.expectedPeer, hop.expectedPeerRole))}; takes as client ${t(roleText(hop.believedClient, hop.believedClientRole))} via ${t(hop.clientAddressVia)}`);
    }
    const arrival = hop.arrival;
    if (arrival?.verdict) lines.push(`     verdict here ${paint(arrival.verdict)}`);
    for (const [key, value] of Object.entries(hop.details)) lines.push(`     ${t(key)}: ${t(value)}`);
    if (hop.objects.length > 0) lines.push(`     objects ${t(hop.objects.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`).join(', '))}`);
  });
  lines.push('', path.findings.length > 0 ? 'findings' : 'findings: none');
  for (const f of path.findings) {
    lines.push(`  ${t(f.severity)} ${t(f.code)}${f.hopId ? ` at ${t(f.hopId)}` : ''}`, indent(f.message, '    '));
    if (f.fix) lines.push('    fix:', indent(f.fix, '      '));
    if (f.tradeOff) lines.push(`    trade-off: ${t(f.tradeOff)}`);
    if (f.whatIf) lines.push(`    what-if: ${t(f.whatIf)} (preview it in the dashboard, or GET /api/v1/paths?whatIf=)`);
  }
  if (path.inClusterNote) lines.push('', `from a pod of the cluster: ${t(path.inClusterNote)}`);
  return `${lines.join('\n')}\n`;
}

export async function runExplain(command: ExplainCommand, io: CliIo): Promise<number> {
  const { inventory, paths } = await pathsOf(command.source, io);
  const path = selectPath(paths, command.selector);
  io.out(renderExplain(path, painter(useColour(io))));
  io.err(discoveryErrorLines(inventory.errors));
  return inventory.errors.length > 0 ? EXIT.differs : EXIT.matches;
}
