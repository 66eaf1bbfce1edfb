// Imported first by main.ts. When main.ts is bundled as one ES module (echo.mjs), the CommonJS packages inside
// it (pino) still call require('node:os') and friends; esbuild routes those calls to a global `require`, which
// ES modules do not have. Providing one keeps the bundle runnable on plain node.
import { createRequire } from 'node:module';

globalThis.require ??= createRequire(import.meta.url);
