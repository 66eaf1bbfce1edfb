// Discovery scale budget: a 5,000-node / 20,000-Service cluster must be discovered in < 2 s server time
// and < 300 MB RSS. The fixture API server runs in its own process; discovery runs in another, as plain
// Node on a bundle of lib/k8s (what the production server runs, without a TypeScript loader inflating RSS),
// through @kubernetes/client-node exactly as the server does. Prints the numbers; exits 1 when over budget.
// Usage: npm run bench:discovery [-- --nodes 5000 --services 20000 --runs 3 --node-options "--max-old-space-size=192"]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    services: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    'node-options': { type: 'string', default: '' },
  },
});
const BUDGET_MS = 2_000;
const BUDGET_RSS_MB = 300;
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

// The measured process: each run is one getInventory() from a collected heap (as a long-running server
// between requests); RSS is sampled every 10 ms during the run, and reported as JSON lines.
const MEASURED = `
import { getInventory } from './lib/k8s/inventory';
const [kubeconfigPath, runs] = process.argv.slice(2);
const mb = (bytes) => Math.round(bytes / 1024 / 1024);
for (let run = 1; run <= Number(runs); run++) {
  globalThis.gc();
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  const inv = await getInventory({ kubeconfigPath, inCluster: false, forceDemo: false, timeoutMs: 60000 });
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  console.log(JSON.stringify({
    run, durationMs: inv.durationMs, nodes: inv.nodes.length, services: inv.services.length, pods: inv.pods.length,
    errors: inv.errors.length, peakRssMB: mb(peak),
  }));
}
`;

function lines(child: ReturnType<typeof spawn>, onLine: (line: string) => void) {
  createInterface({ input: child.stdout! }).on('line', onLine);
}

// Inside the repository (.tmp/ is ignored) so the bundle's package imports resolve to node_modules.
mkdirSync(path.join(root, '.tmp'), { recursive: true });
const work = mkdtempSync(path.join(root, '.tmp', 'bench-'));
const bundle = path.join(work, 'discover.mjs');
await build({
  stdin: { contents: MEASURED, resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['react-server'],
  packages: 'external',
  alias: { '@': root },
  outfile: bundle,
  logLevel: 'warning',
});

const fixture = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'test', 'fixture-apiserver', 'main.ts'), '--large', `${values.nodes}x${values.services}`],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const ready = await new Promise<{ url: string; kubeconfig: string }>((resolve, reject) => {
    fixture.once('exit', (code) => reject(new Error(`fixture API server exited with ${code}`)));
    lines(fixture, (line) => resolve(JSON.parse(line)));
  });
  const results: { durationMs: number; peakRssMB: number }[] = [];
  const nodeOptions = values['node-options']!.split(' ').filter(Boolean);
  const measured = spawn(process.execPath, [...nodeOptions, '--expose-gc', '--conditions=react-server', bundle, ready.kubeconfig, values.runs!], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  lines(measured, (line) => {
    const r = JSON.parse(line);
    results.push(r);
    console.log(
      `run ${r.run}: ${r.nodes} nodes, ${r.services} services, ${r.pods} pods kept, ${r.errors} errors — ` +
        `discovery ${r.durationMs} ms, peak RSS ${r.peakRssMB} MB`,
    );
  });
  const code = await new Promise<number | null>((resolve) => measured.on('exit', resolve));
  if (code !== 0 || results.length === 0) throw new Error(`discovery process exited with ${code}`);

  const best = Math.min(...results.map((r) => r.durationMs));
  const peak = Math.max(...results.map((r) => r.peakRssMB));
  const ok = best < BUDGET_MS && peak < BUDGET_RSS_MB;
  console.log(
    `discovery of ${values.nodes} nodes / ${values.services} services: best ${best} ms (budget < ${BUDGET_MS} ms), ` +
      `peak RSS ${peak} MB (budget < ${BUDGET_RSS_MB} MB) — ${ok ? 'within budget' : 'OVER BUDGET'}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  fixture.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
