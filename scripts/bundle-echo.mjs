// The echo server as one self-contained ES module, so the image runs it with plain `node echo.mjs`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export async function bundleEcho(outfile) {
  await build({
    entryPoints: [path.join(root, 'lib', 'echo', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
}
