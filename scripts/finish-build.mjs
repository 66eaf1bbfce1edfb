// Completes `next build` for the standalone server: static assets, public files and demo scenarios next to
// server.js (without them React Flow nodes stay unstyled), plus the echo server bundled as one file.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEcho } from './bundle.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const standalone = path.join(root, '.next', 'standalone');
if (!existsSync(standalone)) throw new Error('.next/standalone is missing: is output: "standalone" set?');

cpSync(path.join(root, '.next', 'static'), path.join(standalone, '.next', 'static'), { recursive: true });
cpSync(path.join(root, 'public'), path.join(standalone, 'public'), { recursive: true });
cpSync(path.join(root, 'scenarios'), path.join(standalone, 'scenarios'), { recursive: true });

await bundleEcho(path.join(standalone, 'echo.mjs'));

// Turbopack reaches serverExternalPackages through hashed aliases, symlinks such as
// .next/node_modules/pino-28069d5257187539 -> ../../node_modules/pino. npm pack drops symlinks, so the npm package's
// dashboard would fail on the first request; each link becomes a directory whose package.json names the real
// package's entry file as its main (none of these packages has an "exports" map, so import and require both take
// main, and the file keeps its own package's module type).
function unlink(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const link = path.join(dir, entry.name);
    if (entry.isDirectory()) unlink(link);
    if (!entry.isSymbolicLink()) continue;
    const target = realpathSync(link);
    const manifest = JSON.parse(readFileSync(path.join(target, 'package.json'), 'utf8'));
    if (manifest.exports !== undefined) throw new Error(`${link}: ${manifest.name} has an exports map; a main-only alias would bypass it`);
    rmSync(link);
    mkdirSync(link);
    const main = path.relative(link, path.join(target, manifest.main ?? 'index.js'));
    writeFileSync(path.join(link, 'package.json'), `${JSON.stringify({ name: entry.name, private: true, main })}\n`);
  }
}
const aliases = path.join(standalone, '.next', 'node_modules');
if (existsSync(aliases) && lstatSync(aliases).isDirectory()) unlink(aliases);
console.log('standalone server ready in .next/standalone');
