// Completes `next build` for the standalone server: static assets, public files and demo scenarios next to
// server.js (without them React Flow nodes stay unstyled), plus the echo server bundled as one file.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEcho } from './bundle-echo.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const standalone = path.join(root, '.next', 'standalone');
if (!existsSync(standalone)) throw new Error('.next/standalone is missing: is output: "standalone" set?');

cpSync(path.join(root, '.next', 'static'), path.join(standalone, '.next', 'static'), { recursive: true });
cpSync(path.join(root, 'public'), path.join(standalone, 'public'), { recursive: true });
cpSync(path.join(root, 'scenarios'), path.join(standalone, 'scenarios'), { recursive: true });

await bundleEcho(path.join(standalone, 'echo.mjs'));
console.log('standalone server ready in .next/standalone');
