// Serves the built app the way the container image does: Next's standalone server on $PORT (default 3000).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const server = path.join(root, '.next', 'standalone', 'server.js');
if (!existsSync(server)) {
  console.error('hopscope is not built yet: run `npm run build` first.');
  process.exit(1);
}
process.env.PORT ??= '3000';
process.env.HOSTNAME ??= '0.0.0.0';
await import(server);
