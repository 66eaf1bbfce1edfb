// The code explains its predictions by citing docs/ (docs/README.md): every `docs/<file>.md#<anchor>` must name a
// file and an anchor that exist, and no citation may use a short form that points outside the repository
// ("DOMAIN §2.5", "netlab rows 6–12", "seed 004", a bare "§2.5", a source tag "S21", "row 6" without a file).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const DOCS = 'docs';
const SCANNED_DIRS = ['lib', 'components', 'app', 'e2e', 'scripts', 'chart', 'scenarios', 'test'];
// Top-level files too (README.md, Dockerfile, *.ts configs), except the lock file.
const ROOT_FILE = (name: string) => (TEXT_FILE.test(name) || name === 'Dockerfile') && name !== 'package-lock.json';
const TEXT_FILE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs|sh|ya?ml|md|json|css)$/;
// Data copied from elsewhere (program output, vectors) and generated or installed trees cite nothing.
const SKIPPED_DIRS = new Set(['node_modules', 'testdata', '.next', 'test-results', 'playwright-report']);
// This file spells out the forbidden forms in its examples.
const SELF = 'scripts/citations.test.ts';

function walk(dir: string): string[] {
  if (!existsSync(path.join(ROOT, dir))) return [];
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : walk(rel);
    return entry.isFile() && TEXT_FILE.test(entry.name) && rel !== SELF ? [rel] : [];
  });
}

function sourceFiles(): string[] {
  const top = readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isFile() && ROOT_FILE(e.name)).map((e) => e.name);
  return [...SCANNED_DIRS.flatMap(walk), ...top];
}

/** The explicit anchors of a notes file: `<a id="…"></a>` (or `name=`). */
function anchorsOf(markdown: string): string[] {
  return [...markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)].map((m) => m[1]!);
}

interface Citation {
  line: number;
  text: string;
  file: string;
  anchors: string[];
  /** Pairs of anchors written as a range (`#row-6–#row-12`): every anchor between them is meant. */
  ranges: [string, string][];
}

const ANCHOR = String.raw`#[\w.-]*[\w-]`; // a trailing full stop ends the sentence, not the anchor
const SEPARATOR = String.raw`(?:\s*,\s*|\s+and\s+|\s*–\s*|\s*→\s*)`;
const CITATION = new RegExp(String.raw`docs/([\w.-]+\.md)((?:${ANCHOR})(?:${SEPARATOR}${ANCHOR})*)?`, 'g');

/** Every `docs/…` citation in a text, with the anchors of its chain (`docs/lab.md#row-6, #row-7`). */
function citationsIn(text: string): Citation[] {
  const out: Citation[] = [];
  text.split('\n').forEach((lineText, i) => {
    for (const m of lineText.matchAll(CITATION)) {
      const chain = m[2] ?? '';
      const parts = [...chain.matchAll(new RegExp(String.raw`(${SEPARATOR})?#([\w.-]*[\w-])`, 'g'))];
      const anchors = parts.map((p) => p[2]!);
      const ranges: [string, string][] = [];
      parts.forEach((p, j) => {
        if (j > 0 && p[1]?.trim() === '–') ranges.push([anchors[j - 1]!, anchors[j]!]);
      });
      out.push({ line: i + 1, text: m[0], file: m[1]!, anchors, ranges });
    }
  });
  return out;
}

/** `row-6`…`row-12` → row-6, row-7, …, row-12; null when the two ends are not the same prefix with a number. */
function expandRange(from: string, to: string): string[] | null {
  const a = /^(.*?)(\d+)$/.exec(from);
  const b = /^(.*?)(\d+)$/.exec(to);
  if (!a || !b || a[1] !== b[1]) return null;
  const [lo, hi] = [Number(a[2]), Number(b[2])];
  if (hi < lo) return null;
  return Array.from({ length: hi - lo + 1 }, (_, k) => `${a[1]}${lo + k}`);
}

/** Citation problems in one text, given the anchors of every notes file (file name → anchors). */
function brokenCitations(text: string, notes: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  for (const c of citationsIn(text)) {
    const anchors = notes.get(c.file);
    if (!anchors) {
      problems.push(`${c.line}: "${c.text}": there is no docs/${c.file}`);
      continue;
    }
    for (const a of c.anchors) if (!anchors.has(a)) problems.push(`${c.line}: "${c.text}": docs/${c.file} has no anchor #${a}`);
    for (const [from, to] of c.ranges) {
      const all = expandRange(from, to);
      if (!all) problems.push(`${c.line}: "${c.text}": #${from}–#${to} is not a range`);
      else for (const a of all) if (!anchors.has(a)) problems.push(`${c.line}: "${c.text}": docs/${c.file} has no anchor #${a} (inside the range)`);
    }
  }
  return problems;
}

/** Short forms that point outside the repository; each must become a docs/ citation (docs/README.md). */
const OLD_STYLE: [string, RegExp][] = [
  ['DOMAIN reference', /\bDOMAIN(?:\.md)?\b/],
  ['netlab reference', /\bnetlab\b(?!\.test\.ts)/],
  ['seed number without docs/sources.md', /\bseeds?\s+0\d\d\b/i],
  ['"the seeds"', /\b(?:the|in) seeds\b/i],
  // Upstream documents keep their own section signs: "RFC 9112 §2.2", "spec §2.1" (the PROXY protocol spec).
  ['bare section sign', /(?<!RFC \d{3,5} |spec )§\s?\d/],
  ['lab row without docs/lab.md', /(?<![\w#-])rows?\s+\d{1,2}(?!\d)/i],
  ['source tag without docs/domain.md#src-', /(?<![\w#/.-])S\d{1,2}(?![\w])/],
];

function oldStyleCitations(text: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((lineText, i) => {
    for (const [name, pattern] of OLD_STYLE) {
      const m = pattern.exec(lineText);
      if (m) problems.push(`${i + 1}: ${name}: "${lineText.trim().slice(0, 160)}"`);
    }
  });
  return problems;
}

function notesAnchors(): Map<string, Set<string>> {
  const notes = new Map<string, Set<string>>();
  for (const f of readdirSync(path.join(ROOT, DOCS)).filter((n) => n.endsWith('.md'))) {
    notes.set(f, new Set(anchorsOf(readFileSync(path.join(ROOT, DOCS, f), 'utf8'))));
  }
  return notes;
}

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the notes in docs/', () => {
  const notes = notesAnchors();

  it('has the domain notes, the lab and the articles, with their anchors', () => {
    expect([...notes.keys()]).toEqual(expect.arrayContaining(['domain.md', 'lab.md', 'sources.md']));
    for (const a of ['s0', 's2.5', 's6.1', 's9', 'src-S1', 'src-S39']) expect(notes.get('domain.md')!.has(a), a).toBe(true);
    for (let row = 1; row <= 29; row++) expect(notes.get('lab.md')!.has(`row-${row}`), `row-${row}`).toBe(true);
    for (const seed of ['000', '001', '002', '003', '004']) expect(notes.get('sources.md')!.has(`seed-${seed}`), seed).toBe(true);
  });

  it.each([...notes.keys()])('%s: every anchor is defined once', (file) => {
    const all = anchorsOf(read(path.posix.join(DOCS, file)));
    expect(all.filter((a, i) => all.indexOf(a) !== i)).toEqual([]);
  });

  it.each([...notes.keys()])('%s: links between the notes land on an anchor', (file) => {
    const text = read(path.posix.join(DOCS, file));
    const problems: string[] = [];
    for (const m of text.matchAll(/\]\(((?:[\w-]+\.md)?)#([^)\s]+)\)/g)) {
      const target = m[1] || file;
      if (!notes.get(target)?.has(m[2]!)) problems.push(`${m[0]}: ${target} has no anchor #${m[2]}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('citations in the code', () => {
  const notes = notesAnchors();
  const files = sourceFiles();

  it('scans the source tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('lib/model/kubeproxy.ts');
  });

  it('every docs/ citation names a notes file and an anchor that exist', () => {
    const problems = files.flatMap((f) => brokenCitations(read(f), notes).map((p) => `${f}:${p}`));
    expect(problems).toEqual([]);
  });

  it('no citation uses a short form that points outside the repository', () => {
    const problems = files.flatMap((f) => oldStyleCitations(read(f)).map((p) => `${f}:${p}`));
    expect(problems).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const notes = new Map([
    ['domain.md', new Set(['s2.5', 's2.6', 'src-S21'])],
    ['lab.md', new Set(['row-6', 'row-7', 'row-8', 'row-11'])],
  ]);

  it('read a chain of anchors, a range and a citation at the end of a sentence', () => {
    expect(citationsIn('// see docs/domain.md#s2.5, #src-S21; docs/lab.md#row-6–#row-8 and docs/lab.md#row-11.')).toEqual([
      { line: 1, text: 'docs/domain.md#s2.5, #src-S21', file: 'domain.md', anchors: ['s2.5', 'src-S21'], ranges: [] },
      { line: 1, text: 'docs/lab.md#row-6–#row-8', file: 'lab.md', anchors: ['row-6', 'row-8'], ranges: [['row-6', 'row-8']] },
      { line: 1, text: 'docs/lab.md#row-11', file: 'lab.md', anchors: ['row-11'], ranges: [] },
    ]);
  });

  it('notice a missing file, a missing anchor and a gap inside a range', () => {
    expect(brokenCitations('a docs/nowhere.md#x\nb docs/domain.md#s2.7\nc docs/lab.md#row-6–#row-11', notes)).toEqual([
      '1: "docs/nowhere.md#x": there is no docs/nowhere.md',
      '2: "docs/domain.md#s2.7": docs/domain.md has no anchor #s2.7',
      '3: "docs/lab.md#row-6–#row-11": docs/lab.md has no anchor #row-9 (inside the range)',
      '3: "docs/lab.md#row-6–#row-11": docs/lab.md has no anchor #row-10 (inside the range)',
    ]);
    expect(brokenCitations('docs/lab.md#row-6, #row-7 and docs/domain.md#s2.6', notes)).toEqual([]);
  });

  it.each([
    ['(DOMAIN §2.5)', true],
    ['(DOMAIN.md S21)', true],
    ['(netlab rows 6–12)', true],
    ['(rows 6–7)', true],
    ['row 15: HAProxy option forwardfor', true],
    ['(seed 004)', true],
    ['Seed 000: the article', true],
    ['(Ukrainian translation in the seeds)', true],
    ['§7 AWS (S28)', true],
    ['(docs/domain.md#s2.5; docs/lab.md#row-6, #row-7)', false],
    ['(docs/domain.md#src-S21)', false],
    ['(RFC 9112 §2.2)', false],
    ['(spec §2.1)', false],
    ["'Using Source IP §NodePort'", false],
    ['{ row: 6, source: …', false],
    ['lib/model/netlab.test.ts', false],
  ])('%s is an old-style citation: %s', (text, old) => {
    expect(oldStyleCitations(text).length > 0).toBe(old);
  });
});
