// Where this hopscope is installed: the repository it runs from (bin/hopscope.mjs through tsx), or an npm package
// (bin/hopscope.mjs loading the bundle in dist/). Both hold package.json, scenarios/ and the built dashboard in
// .next/standalone at the top, so every file the CLI reads is found from that one directory rather than from the
// path of the module asking, which differs between the two layouts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'hopscope') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no hopscope package.json above ${from}`);
  }
}

export const ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const SCENARIOS_DIR = path.join(ROOT, 'scenarios');
/** The dashboard as `npm run build` leaves it, and the script that starts it as the container image does. */
export const BUILT = { server: path.join(ROOT, '.next', 'standalone', 'server.js'), start: path.join(ROOT, 'scripts', 'start.mjs') };
