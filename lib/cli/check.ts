// `hopscope check`: the paths of manifests, predicted with no cluster, in the formats CI reads: text for a log,
// JSON (GET /api/v1/paths's answer plus what was assumed), SARIF 2.1.0 for code scanning, and GitHub Actions
// workflow commands. Every finding is placed at the manifest line of the object it is about, so a review shows it
// on the ConfigMap or Service to change. Rendering is pure; runCheck does the reading.
import path from 'node:path';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { buildPaths, type ModelPath } from '../model';
import type { Finding, NetPath, PathsResponse, Severity, Verdict } from '../types';
import { EXIT } from './args';
import { assumeInventory, objectKey, type Assumed, type Assumptions } from './assume';
import type { CheckCommand } from './commands';
import { painter, plural, useColour } from './format';
import { readManifests, type Location, type ManifestSet } from './manifests';
import { renderPathsTable } from './paths-command';
import type { CliIo } from './probe';
import { progressLine } from './progress';
import { terminalText } from './text';

export interface CheckResult extends Assumed {
  answer: PathsResponse;
  paths: ModelPath[];
  /** Ids of the paths with a --fail-on verdict. */
  failing: string[];
  failOn: Verdict[];
  ignored: Record<string, number>;
  files: number;
}

export function checkManifests(set: ManifestSet, assumptions: Assumptions, failOn: readonly Verdict[]): CheckResult {
  const assumed = assumeInventory(set, assumptions);
  const paths = buildPaths(assumed.inventory);
  const answer: PathsResponse = { source: assumed.inventory.source, paths, total: paths.length, whatIf: [], errors: [] };
  const fail = new Set(failOn);
  return { ...assumed, answer, paths, failing: paths.filter((p) => fail.has(p.verdict)).map((p) => p.id), failOn: [...failOn], ignored: set.ignored, files: set.files };
}

const ENTRY_OBJECT_KIND: Record<NetPath['entry']['kind'], string | null> = {
  ingress: 'Ingress',
  loadBalancer: 'Service',
  externalIP: 'Service',
  nodePort: 'Service',
  clusterIP: 'Service',
  hostPort: 'Pod',
  hostNetwork: 'Pod',
  egress: null,
};

/** Where a finding belongs: the object holding its allow-list, an object of its hop (the ConfigMap, the Service), else the path's entry object. */
export function findingLocation(path: NetPath, finding: Finding, locations: ReadonlyMap<string, Location>): Location | null {
  const hop = path.hops.find((h) => h.id === finding.hopId);
  const candidates = [...(finding.allowList ? [finding.allowList.object] : []), ...(hop?.objects ?? []).slice().reverse()];
  const entryKind = path.entry.objectKind ?? ENTRY_OBJECT_KIND[path.entry.kind];
  if (entryKind) candidates.push({ kind: entryKind, namespace: path.entry.namespace, name: path.entry.name });
  candidates.push(...path.hops.flatMap((h) => h.objects));
  for (const object of candidates) {
    const at = locations.get(objectKey(object.kind, object.namespace, object.name));
    if (at) return at;
  }
  return null;
}

export function renderCheckText(result: CheckResult, colour: boolean): string {
  const lines = [renderPathsTable(result.answer, false, painter(colour), `the manifests (${plural(result.files, 'file')})`).trimEnd()];
  for (const note of result.notes) lines.push(`note: ${terminalText(note)}`);
  if (result.failOn.length > 0) {
    lines.push(
      result.failing.length > 0
        ? `FAIL: ${plural(result.failing.length, 'path')} with a verdict of ${result.failOn.join(', ')} (hopscope explain <id> tells why):\n${result.failing.map((id) => `  ${terminalText(id)}`).join('\n')}`
        : `ok: no path is ${result.failOn.join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderCheckJson(result: CheckResult): string {
  return `${JSON.stringify({ ...result.answer, notes: result.notes, ignored: result.ignored, failOn: result.failOn, failing: result.failing }, null, 2)}\n`;
}

// ───────────── SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) ─────────────

const SARIF_LEVEL: Record<Severity, 'note' | 'warning' | 'error'> = { info: 'note', warning: 'warning', error: 'error' };
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A file as SARIF wants it: a relative URI reference with forward slashes. */
const uriOf = (file: string) => encodeURI(file.split(path.sep).join('/'));

export function renderSarif(result: CheckResult, version: string): string {
  const fail = new Set(result.failOn);
  const codes = [...new Set(result.paths.flatMap((p) => p.findings.map((f) => f.code)))].sort();
  const rules: ReportingDescriptor[] = codes.map((code) => {
    const example = result.paths.flatMap((p) => p.findings).find((f) => f.code === code)!;
    return { id: code, name: code, shortDescription: { text: code.replace(/-/g, ' ') }, defaultConfiguration: { level: SARIF_LEVEL[example.severity] }, helpUri: 'https://github.com/hopscope/hopscope#verdicts' };
  });
  const results: Result[] = result.paths.flatMap((p) =>
    p.findings.map((f): Result => {
      const at = findingLocation(p, f, result.locations);
      return {
        ruleId: f.code,
        ruleIndex: codes.indexOf(f.code),
        // A finding on a path whose verdict CI fails on is an error whatever its own severity.
        level: fail.has(p.verdict) ? 'error' : SARIF_LEVEL[f.severity],
        message: { text: `${p.verdict}: ${f.message}${f.fix ? `\nFix:\n${f.fix}` : ''}\n(path ${p.id})` },
        ...(at && at.file !== '-' ? { locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(at.file) }, region: { startLine: at.line } } }] } : {}),
        partialFingerprints: { hopscopePath: `${p.id}#${f.code}` },
        properties: { pathId: p.id, verdict: p.verdict, severity: f.severity },
      };
    }),
  );
  // Typed by @types/sarif, so a field the standard does not have fails the build.
  const sarif: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'hopscope', version, informationUri: 'https://github.com/hopscope/hopscope', rules } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.notes.map((text) => ({ level: 'note', message: { text } })),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

// ───────────── GitHub Actions workflow commands ─────────────

/** Escaping of workflow command data and properties (actions/toolkit's command.ts). */
const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProperty = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
const GH_LEVEL: Record<Severity, 'notice' | 'warning' | 'error'> = { info: 'notice', warning: 'warning', error: 'error' };

export function renderGithub(result: CheckResult): string {
  const fail = new Set(result.failOn);
  const lines: string[] = [];
  for (const p of result.paths) {
    for (const f of p.findings) {
      const at = findingLocation(p, f, result.locations);
      const where = at && at.file !== '-' ? `file=${ghProperty(at.file)},line=${at.line},` : '';
      const level = fail.has(p.verdict) ? 'error' : GH_LEVEL[f.severity];
      lines.push(`::${level} ${where}title=${ghProperty(`hopscope ${f.code} (${p.verdict})`)}::${ghData(`${f.message}${f.fix ? `\nFix:\n${f.fix}` : ''}\npath ${p.id}`)}`);
    }
  }
  for (const note of result.notes) lines.push(`::notice title=hopscope assumed::${ghData(note)}`);
  lines.push(
    result.failing.length > 0
      ? `hopscope: ${plural(result.failing.length, 'path')} of ${result.paths.length} with a verdict of ${result.failOn.join(', ')}`
      : `hopscope: ${plural(result.paths.length, 'path')} checked${result.failOn.length > 0 ? `, none ${result.failOn.join(', ')}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

export async function runCheck(command: CheckCommand, io: CliIo, version: string): Promise<number> {
  const line = progressLine(io);
  const set = await readManifests(command.files, io.readStdin ?? (() => Promise.resolve('')), (done, total) => line?.show(`reading manifests: ${done}/${total} files`));
  line?.done();
  const result = checkManifests(set, { nodes: command.nodes, namespace: command.namespace }, command.failOn);
  switch (command.output) {
    case 'json':
      io.out(renderCheckJson(result));
      break;
    case 'sarif':
      io.out(renderSarif(result, version));
      break;
    case 'github':
      io.out(renderGithub(result));
      break;
    default:
      io.out(renderCheckText(result, useColour(io)));
  }
  return result.failing.length > 0 ? EXIT.differs : EXIT.matches;
}
