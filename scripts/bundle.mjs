// The programs that run outside Next's server, each as one self-contained ES module: the echo server, so the image
// runs it with plain `node echo.mjs`, and the CLI, so the npm package needs no dependencies and no TypeScript
// loader (and starts in a fraction of a second).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function bundle(entry, outfile, options = {}) {
  return build({
    entryPoints: [path.join(root, ...entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    ...options,
  });
}

export const bundleEcho = (outfile) => bundle(['lib', 'echo', 'main.ts'], outfile);

export const CLI_BUNDLE = path.join(root, 'dist', 'cli.mjs');

export const bundleCli = (outfile = CLI_BUNDLE) =>
  bundle(['lib', 'cli', 'main.ts'], outfile, {
    // The server modules the CLI shares with the dashboard say `import 'server-only'`; outside React's server build
    // that marker is its empty module, as in bin/hopscope.mjs. CommonJS dependencies bundled into ESM still call
    // require() for Node's built-ins, so the module gets one.
    alias: { 'server-only': path.join(root, 'node_modules', 'server-only', 'empty.js') },
    banner: { js: "import { createRequire as hopscopeCreateRequire } from 'node:module'; const require = hopscopeCreateRequire(import.meta.url);" },
  });
