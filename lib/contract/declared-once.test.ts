// The contract is declared once (lib/contract): these checks fail when a second copy of a closed list or of a
// public shape appears in product code, which is how the lists drifted apart before (a verdict missing from a
// picker, a snapshot field zod silently stripped).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as enums from './enums';
import { ERROR_CODE_LIST } from './errors';
import { FINDING_CODE_LIST } from './finding-codes';
import * as schemas from './schemas';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCANNED = ['app', 'components', 'lib', 'e2e', 'test', 'scripts'];
const OWN = new Set(['lib/contract/enums.ts', 'lib/contract/errors.ts', 'lib/contract/finding-codes.ts', 'lib/contract/schemas.ts', 'lib/types.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : sourceFiles(rel);
    // Tests may spell out expected values; product code must read the lists.
    return /\.(ts|tsx|mjs)$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name) ? [rel] : [];
  });
}

const files = SCANNED.flatMap(sourceFiles).filter((f) => !OWN.has(f));
const texts = new Map(files.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')]));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Places where `min` or more distinct members of `list` stand next to each other as quoted literals. Whole-list
 * copies are what drifts; a subset (the roles a probe may land on) says something of its own.
 */
function copiesOf(list: readonly string[], min: number): string[] {
  const token = `['"](?:${list.map(escape).join('|')})['"]`;
  const run = new RegExp(`${token}(?:\\s*[,|]\\s*${token}){${min - 1},}`, 'g');
  const hits: string[] = [];
  for (const [file, text] of texts) {
    for (const match of text.matchAll(run)) {
      const members = new Set(match[0].match(/['"]([^'"]+)['"]/g));
      if (members.size >= min) hits.push(`${file}: ${match[0].slice(0, 80)}`);
    }
  }
  return hits;
}

const LISTS: [string, readonly string[]][] = [
  ...(Object.entries(enums) as [string, readonly string[]][]),
  ['ERROR_CODE_LIST', ERROR_CODE_LIST],
  ['FINDING_CODE_LIST', FINDING_CODE_LIST],
];

describe('closed lists are declared once, in lib/contract', () => {
  it.each(LISTS.filter(([, list]) => list.length >= 3))('%s has no second literal copy', (_name, list) => {
    expect(copiesOf(list, list.length)).toEqual([]);
  });

  it('finds a copy when there is one (the check itself can fail)', () => {
    texts.set('probe.ts', "const V: Verdict[] = ['preserved', 'header', 'lost', 'unreachable', 'spoofable', 'broken'];");
    try {
      expect(copiesOf(enums.VERDICTS, enums.VERDICTS.length)).toEqual([`probe.ts: 'preserved', 'header', 'lost', 'unreachable', 'spoofable', 'broken'`]);
    } finally {
      texts.delete('probe.ts');
    }
  });
});

describe('public shapes are declared once', () => {
  const names = Object.keys(schemas)
    .filter((k) => k.endsWith('Schema'))
    .map((k) => k.slice(0, -'Schema'.length));

  it('declares each shape of lib/types.ts as a schema', () => {
    expect(names).toEqual(expect.arrayContaining(['ClusterInventory', 'NetPath', 'PathsResponse', 'TraceRun', 'TraceEvent', 'Snapshot', 'ApiErrorBody', 'ContextsResponse']));
  });

  it('has no interface or type alias of the same name elsewhere', () => {
    const declaration = new RegExp(`^\\s*(?:export\\s+)?(?:interface|type)\\s+(${names.join('|')})\\b`, 'gm');
    const hits = [...texts].flatMap(([file, text]) => [...text.matchAll(declaration)].map((m) => `${file}: ${m[0]}`));
    expect(hits).toEqual([]);
  });
});
