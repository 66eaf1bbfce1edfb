// `npm pack` (and publish) runs this first. The package holds no TypeScript and has no dependencies: the CLI is
// bundled into dist/cli.mjs and the dashboard is Next's standalone server with the node_modules it traced, so
// `npx hopscope` works on a machine that has only Node. A fresh build is made unless HOPSCOPE_PACK_REUSE_BUILD=1
// says the one in .next/standalone is current (the test suite sets it right after building).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli } from './bundle.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = existsSync(path.join(root, '.next', 'standalone', 'server.js'));
if (!(built && process.env.HOPSCOPE_PACK_REUSE_BUILD === '1')) {
  console.error('prepack: building the dashboard (npm run build)');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await bundleCli();
console.error('prepack: CLI bundled into dist/cli.mjs');
