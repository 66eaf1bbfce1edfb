// Layout rules the README's architecture section states, checked so that they stay true: route handlers only
// parse, make one service call and answer; client components take nothing but types from the contract.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(rel, pattern);
    return pattern.test(entry.name) ? [rel] : [];
  });
}

const parse = (file: string) => ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);

/** The body statements of each exported `GET = handler(async (…) => { … })` (or a plain exported function). */
function handlerBodies(source: ts.SourceFile): { name: string; statements: number }[] {
  const out: { name: string; statements: number }[] = [];
  // An expression body (`() => Response.json(…)`) counts as one statement.
  const local = (name: string) =>
    source.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name)?.body ?? null;
  const bodyOf = (node: ts.Node | undefined): { statements: readonly unknown[] } | null => {
    if (!node) return null;
    if (ts.isIdentifier(node)) return local(node.text);
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return ts.isBlock(node.body) ? node.body : { statements: [node.body] };
    if (ts.isCallExpression(node)) return bodyOf(node.arguments[0]);
    return null;
  };
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement) && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      for (const d of statement.declarationList.declarations) {
        const body = bodyOf(d.initializer);
        if (body && ts.isIdentifier(d.name) && /^(GET|POST|PUT|PATCH|DELETE)$/.test(d.name.text)) out.push({ name: d.name.text, statements: body.statements.length });
      }
    }
    if (ts.isFunctionDeclaration(statement) && statement.name && /^(GET|POST|PUT|PATCH|DELETE)$/.test(statement.name.text) && statement.body) {
      out.push({ name: statement.name.text, statements: statement.body.statements.length });
    }
  }
  return out;
}

describe('route handlers are thin', () => {
  const routes = files('app', /^route\.ts$/);

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(8);
  });

  it.each(routes)('%s: each handler is a parse, one service call and a response', (file) => {
    const handlers = handlerBodies(parse(file));
    expect(handlers.length).toBeGreaterThan(0);
    for (const h of handlers) expect({ file, handler: h.name, statements: h.statements }).toEqual({ file, handler: h.name, statements: expect.toSatisfy((n: number) => n <= 3) });
  });

  it('the check notices a fat handler', () => {
    const fat = ts.createSourceFile(
      'x.ts',
      'export const GET = handler(async (r) => { const a = 1; const b = await f(a); const c = g(b); return Response.json(c); });',
      ts.ScriptTarget.Latest,
      true,
    );
    expect(handlerBodies(fat)).toEqual([{ name: 'GET', statements: 4 }]);
  });
});

describe('client components', () => {
  const clientFiles = ['components', 'app']
    .flatMap((dir) => files(dir, /\.tsx?$/))
    .filter((f) => /^['"]use client['"]/.test(readFileSync(path.join(ROOT, f), 'utf8').trimStart()));

  it.each(clientFiles)('%s imports only types from the zod contract and nothing server-only', (file) => {
    const offending: string[] = [];
    for (const statement of parse(file).statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const from = statement.moduleSpecifier.text;
      const typeOnly = statement.importClause?.isTypeOnly === true;
      const zodBacked = from === 'zod' || from === '@/lib/contract/schemas' || from === '@/lib/contract/requests' || from === '@/lib/api';
      if (zodBacked && !typeOnly) offending.push(from);
      if (/^@\/lib\/(k8s|services|probe\/(engine|transport|select)|snapshot\/(service|stores))/.test(from)) offending.push(from);
    }
    expect(offending).toEqual([]);
  });
});

describe('the browser bundle', () => {
  const chunks = path.join(ROOT, '.next', 'static', 'chunks');
  const built = (() => {
    try {
      return readdirSync(chunks).length > 0;
    } catch {
      return false;
    }
  })();

  // `npm test` builds first; a bare `vitest run` without a build has nothing to inspect and says so.
  it.runIf(built || process.env.CI === 'true')('carries no zod: the contract reaches client components as types only', () => {
    const js = files(path.relative(ROOT, chunks), /\.js$/);
    expect(js.length).toBeGreaterThan(0);
    const withZod = js.filter((f) => readFileSync(path.join(ROOT, f), 'utf8').includes('ZodError'));
    expect(withZod).toEqual([]);
  });
});

describe('Kubernetes types stop at lib/k8s', () => {
  it('no product code outside lib/k8s imports @kubernetes/client-node', () => {
    const product = ['app', 'components', 'lib']
      .flatMap((dir) => files(dir, /\.tsx?$/))
      .filter((f) => !f.startsWith('lib/k8s/') && !/\.test\.tsx?$/.test(f) && !f.endsWith('.contract.ts'));
    const importers = product.filter((f) => /from '@kubernetes\/client-node'/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(importers).toEqual([]);
  });
});
