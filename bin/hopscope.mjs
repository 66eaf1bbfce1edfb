#!/usr/bin/env node
// `hopscope` and `kubectl hopscope`. In the repository it runs the TypeScript CLI in lib/cli straight from the
// source tree through tsx, which `npm ci` installs, so a clone needs no build step and the CLI can never be older
// than the contract it speaks. In the npm package (no lib/, see scripts/prepack.mjs) it runs the same CLI bundled
// into dist/cli.mjs, which needs no dependencies at all.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const source = new URL('../lib/cli/main.ts', import.meta.url);

async function fromSource() {
  let tsImport;
  try {
    ({ tsImport } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('hopscope: tsx is missing; run `npm ci` in the hopscope repository first\n');
    process.exit(2);
  }
  // `paths`, `explain` and `check` share the dashboard's server modules (discovery, the paths service), which are
  // marked `import 'server-only'`. That marker throws outside React's server build; here it resolves to its empty
  // module, as the react-server condition and the tests' alias make it.
  const serverOnly = new URL('../node_modules/server-only/empty.js', import.meta.url).href;
  register(
    `data:text/javascript,${encodeURIComponent(
      `export async function resolve(s, c, next) { return s === 'server-only' ? { url: ${JSON.stringify(serverOnly)}, shortCircuit: true } : next(s, c); }`,
    )}`,
  );
  return tsImport(source.href, { parentURL: import.meta.url, tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
}

const { main } = existsSync(source) ? await fromSource() : await import('../dist/cli.mjs');
const code = await main(process.argv.slice(2));
// Exit once stdout has taken everything (a piped --json trace can be large); open keep-alive sockets would
// otherwise hold the process.
process.stdout.write('', () => process.exit(code));
