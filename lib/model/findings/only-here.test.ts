// Findings are created only by the rules in this folder, so every code and its fix text has one home. The
// scan parses each file, so comments, strings and JSX text that mention finding(…) do not count.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '@/lib/contract/finding-codes';

const ROOT = path.join(import.meta.dirname, '..', '..', '..');
const HERE = path.relative(ROOT, import.meta.dirname);

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(rel);
    // Tests spell findings out as expected values; product code must not.
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') && !/\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

const CODES = new Set(Object.keys(FINDING_CODES));

/** Lines of `file` that call a function named `finding`, or spell a finding as an object literal with a known code. */
function findingCalls(file: string): number[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const lines: number[] = [];
  const visit = (node: ts.Node) => {
    const literal =
      ts.isObjectLiteralExpression(node) &&
      node.properties.some(
        (p) => ts.isPropertyAssignment(p) && p.name.getText(source) === 'code' && ts.isStringLiteral(p.initializer) && CODES.has(p.initializer.text),
      );
    const call = ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'finding';
    if (call || literal) lines.push(source.getLineAndCharacterOfPosition(node.getStart()).line + 1);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

describe('finding() is called only in lib/model/findings/', () => {
  const calls = ['lib', 'components'].flatMap(sources).flatMap((file) => findingCalls(file).map((line) => ({ file, line })));

  it('the scan sees the rules here', () => {
    expect(calls.filter((c) => c.file.startsWith(HERE + path.sep)).length).toBeGreaterThan(10);
  });

  it('nothing else creates a finding', () => {
    const outside = calls.filter((c) => !c.file.startsWith(HERE + path.sep)).map((c) => `${c.file}:${c.line}`);
    expect(outside).toEqual([]);
  });
});
