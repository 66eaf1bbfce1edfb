// Reads the Dockerfile the way `docker build` would, so that the image can be checked without a Docker engine:
// the runtime stage's WORKDIR/ENV/USER/CMD and where each file it COPYs comes from in the local build tree.
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface DockerInstruction {
  keyword: string;
  /** The rest of the line, continuation lines joined. */
  args: string;
}

export interface DockerStage {
  name: string | null;
  base: string;
  instructions: DockerInstruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: DockerStage[];
}

export interface CopyInstruction {
  /** Stage name for `--from=`, null when copying from the build context. */
  from: string | null;
  sources: string[];
  destination: string;
}

export interface RuntimeImage {
  workdir: string;
  env: Record<string, string>;
  user: string | null;
  entrypoint: string[];
  cmd: string[];
  copies: CopyInstruction[];
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined, keywords upper-cased. */
export function parseDockerfile(text: string): Dockerfile {
  const logicalLines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (!pending && line === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logicalLines.push((pending + line).trim());
    pending = '';
  }
  if (pending) logicalLines.push(pending.trim());

  const dockerfile: Dockerfile = { globalArgs: {}, stages: [] };
  for (const line of logicalLines) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const args = match[2] ?? '';
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`cannot parse FROM ${args}`);
      dockerfile.stages.push({ name: from[2] ?? null, base: from[1]!, instructions: [] });
    } else if (dockerfile.stages.length === 0) {
      if (keyword === 'ARG') {
        for (const [name, value] of argDeclarations(args)) dockerfile.globalArgs[name] = value ?? '';
      }
    } else {
      dockerfile.stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return dockerfile;
}

/** `${NAME}` / `$NAME` substitution as Docker does for ENV, WORKDIR, COPY and friends. */
function substitute(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => vars[(braced ?? bare)!] ?? '');
}

/** `K=V K2="V 2" K3` declarations (ENV/ARG syntax); a bare `K` (ARG without default) has no value. */
function argDeclarations(args: string): [string, string | undefined][] {
  const pair = /(\w[\w.-]*)(?:=("(?:[^"\\]|\\.)*"|\S*))?/g;
  return [...args.matchAll(pair)].map((m) => {
    const raw = m[2];
    return [m[1]!, raw?.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw];
  });
}

function parseKeyValues(args: string, vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(argDeclarations(args).map(([name, value]) => [name, substitute(value ?? '', vars)]));
}

/** ENV takes `K=V ...` pairs or the legacy `K the rest of the line` form. */
function parseEnv(args: string, vars: Record<string, string>): Record<string, string> {
  const legacy = /^(\w[\w.-]*)\s+([^=]*)$/.exec(args);
  if (legacy) return { [legacy[1]!]: substitute(legacy[2]!.trim(), vars) };
  return parseKeyValues(args, vars);
}

/** Exec form `["a", "b"]` as an array; shell form as `sh -c`, the way Docker runs it. */
function parseCommand(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return ['/bin/sh', '-c', args];
}

function resolveWorkdir(current: string, next: string): string {
  return path.posix.resolve(current, next);
}

/** WORKDIR of a stage after all its instructions. */
function stageWorkdir(stage: DockerStage, vars: Record<string, string> = {}): string {
  let workdir = '/';
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'WORKDIR') workdir = resolveWorkdir(workdir, substitute(args, vars));
  }
  return workdir;
}

/** The final stage as the image's config: what `docker inspect` would show, plus the files it copies in. */
export function runtimeImage(dockerfile: Dockerfile, buildArgs: Record<string, string> = {}): RuntimeImage {
  const stage = dockerfile.stages.at(-1);
  if (!stage) throw new Error('Dockerfile has no FROM');
  // Global ARGs reach a stage only when it re-declares them (`ARG NAME`), as in Docker.
  const vars: Record<string, string> = {};
  const image: RuntimeImage = { workdir: '/', env: {}, user: null, entrypoint: [], cmd: [], copies: [] };
  for (const { keyword, args } of stage.instructions) {
    switch (keyword) {
      case 'ARG':
        for (const [name, value] of argDeclarations(args)) {
          vars[name] = buildArgs[name] ?? (value !== undefined ? substitute(value, vars) : (dockerfile.globalArgs[name] ?? ''));
        }
        break;
      case 'ENV':
        for (const [name, value] of Object.entries(parseEnv(args, vars))) {
          image.env[name] = value;
          vars[name] = value;
        }
        break;
      case 'WORKDIR':
        image.workdir = resolveWorkdir(image.workdir, substitute(args, vars));
        break;
      case 'USER':
        image.user = substitute(args, vars);
        break;
      case 'CMD':
        image.cmd = parseCommand(args);
        break;
      case 'ENTRYPOINT':
        image.entrypoint = parseCommand(args);
        break;
      case 'COPY':
      case 'ADD': {
        const words = args.split(/\s+/);
        const flags = words.filter((w) => w.startsWith('--'));
        const paths = words.filter((w) => !w.startsWith('--')).map((w) => substitute(w, vars));
        const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length) ?? null;
        image.copies.push({ from, sources: paths.slice(0, -1), destination: resolveWorkdir(image.workdir, paths.at(-1)!) });
        break;
      }
    }
  }
  return image;
}

/** `npm run <script>` invocations of every RUN line, to check them against package.json. */
export function npmScriptsCalled(dockerfile: Dockerfile): string[] {
  return dockerfile.stages.flatMap((stage) =>
    stage.instructions.filter((i) => i.keyword === 'RUN').flatMap((i) => [...i.args.matchAll(/npm run(?:-script)? ([\w:.-]+)/g)].map((m) => m[1]!)),
  );
}

/** True when a .dockerignore pattern list keeps `file` out of the build context (simple globs, `!` re-includes). */
export function isDockerIgnored(file: string, patterns: string[]): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')}(/.*)?$`);
    if (regex.test(file)) ignored = !negate;
  }
  return ignored;
}

/**
 * Where a path of the runtime image comes from in the local tree, or null. A `COPY --from=<stage> <src> <dest>`
 * maps <dest> to <src> inside that stage (a directory's contents, or a file placed into <dest>/); a build stage
 * that did `COPY . .` into its WORKDIR makes that WORKDIR the repository root, so /app/.next/standalone is
 * <root>/.next/standalone.
 */
export function imagePathInBuildTree(dockerfile: Dockerfile, image: RuntimeImage, imagePath: string, repoRoot: string): string | null {
  const candidates = image.copies
    .filter((c) => imagePath === c.destination || imagePath.startsWith(c.destination.endsWith('/') ? c.destination : `${c.destination}/`))
    .reverse();
  for (const copy of candidates) {
    const rest = path.posix.relative(copy.destination, imagePath);
    for (const source of copy.sources) {
      const local = sourceInBuildTree(dockerfile, copy.from, source, repoRoot);
      if (!local) continue;
      const intoDirectory = rest === path.posix.basename(source) || rest.startsWith(`${path.posix.basename(source)}/`);
      if (intoDirectory && existsSync(local) && !existsSync(path.join(local, rest))) return path.join(path.dirname(local), rest);
      return path.join(local, rest);
    }
  }
  return null;
}

/** A COPY source as a path in the local tree, or null when its stage does not mirror the repository. */
export function sourceInBuildTree(dockerfile: Dockerfile, from: string | null, source: string, repoRoot: string): string | null {
  if (from === null) return path.join(repoRoot, source);
  const stage = dockerfile.stages.find((s) => s.name === from);
  if (!stage) return null;
  const workdir = stageWorkdir(stage);
  const mirrorsRepo = stage.instructions.some((i) => i.keyword === 'COPY' && /^\.\s+\.\/?$/.test(i.args.trim()));
  if (!mirrorsRepo) return null;
  const inside = path.posix.resolve(workdir, source);
  const relative = path.posix.relative(workdir, inside);
  if (relative.startsWith('..')) return null;
  return path.join(repoRoot, relative);
}
