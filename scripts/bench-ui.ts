// `npm run bench:ui`: how fast the dashboard draws a large cluster, and how much JavaScript the first load costs.
// Runs the BUILT app (npm run build first) in demo mode with the generated `large` scenario, in headless Chromium.
//   time to first graph: navigation start → every hop of the first entry drawn and clickable (budget < 1 s)
//   time to ELK layout:  navigation start → the same graph re-placed by ELK (it first shows an instant row layout)
//   time to switch entry: click another entry → its graph drawn
//   first-load JS: every <script src> of the dashboard's HTML, gzip-compressed (budget < 250 kB)
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import type { ClusterInventory, PathsResponse } from '../lib/types';

const BUDGET_FIRST_GRAPH_MS = 1000;
const BUDGET_FIRST_LOAD_GZIP_KB = 250;
const PORT = Number(process.env.HOPSCOPE_BENCH_PORT ?? 3320);
const SCENARIO = process.env.HOPSCOPE_BENCH_SCENARIO ?? 'large';
const RUNS = 3;
const base = `http://127.0.0.1:${PORT}`;

async function waitForHealth(server: ChildProcess): Promise<void> {
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function firstLoadJsGzipBytes(html: string): Promise<{ files: number; bytes: number }> {
  const sources = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!))];
  let bytes = 0;
  for (const src of sources) {
    const body = Buffer.from(await (await fetch(new URL(src, base))).arrayBuffer());
    bytes += gzipSync(body, { level: 9 }).length;
  }
  return { files: sources.length, bytes };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const serverFile = '.next/standalone/server.js';
  if (!existsSync(serverFile)) throw new Error('not built: run `npm run build` first');
  const server = spawn(process.execPath, [serverFile], {
    env: { ...process.env, PORT: String(PORT), HOSTNAME: '127.0.0.1', HOPSCOPE_DEMO: '1', HOPSCOPE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForHealth(server);
    const paths = (await (await fetch(`${base}/api/v1/paths?scenario=${SCENARIO}`)).json()) as PathsResponse;
    const cluster = (await (await fetch(`${base}/api/v1/cluster?scenario=${SCENARIO}`)).json()) as ClusterInventory;
    const hops = paths.paths.reduce((n, p) => n + p.hops.length, 0);
    console.log(`scenario ${SCENARIO}: ${paths.paths.length} paths, ${hops} hops, ${cluster.nodes.length} nodes, ${cluster.services.length} services`);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // Recorded inside the page when the first hop appears, so the time does not include work queued after the paint.
    const recordFirstGraph = () => {
      const observer = new MutationObserver(() => {
        if (document.querySelector('[data-testid="graph"][data-ready="true"] [data-testid="hop"]')) {
          (window as unknown as { firstGraphAt: number }).firstGraphAt = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(document, { childList: true, subtree: true, attributes: true });
    };
    const firstGraph: number[] = [];
    const elkGraph: number[] = [];
    const switchEntry: number[] = [];
    try {
      for (let run = 0; run < RUNS; run++) {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        await page.addInitScript(recordFirstGraph);
        await page.goto(`${base}/?scenario=${SCENARIO}`);
        await page.locator('[data-testid="graph"][data-ready="true"]').waitFor();
        firstGraph.push(await page.evaluate(() => (window as unknown as { firstGraphAt: number }).firstGraphAt));
        await page.locator('[data-testid="graph"][data-layout="elk"]').waitFor();
        elkGraph.push(await page.evaluate(() => performance.now()));

        const target = page.getByTestId('entry').nth(Math.min(150, paths.paths.length - 1));
        const targetId = await target.getAttribute('data-path-id');
        const started = await page.evaluate(() => performance.now());
        await target.click();
        await page.locator(`[data-testid="path-title"]`).waitFor();
        await page.waitForFunction(
          (id) => new URL(location.href).searchParams.get('path') === id && document.querySelector('[data-testid="graph"][data-ready="true"]') !== null,
          targetId,
        );
        switchEntry.push((await page.evaluate(() => performance.now())) - started);
        await page.close();
      }
    } finally {
      await browser.close();
    }

    const html = await (await fetch(`${base}/?scenario=${SCENARIO}`)).text();
    const js = await firstLoadJsGzipBytes(html);
    const firstGraphMs = median(firstGraph);
    const jsKb = js.bytes / 1024;
    const okGraph = firstGraphMs < BUDGET_FIRST_GRAPH_MS;
    const okJs = jsKb < BUDGET_FIRST_LOAD_GZIP_KB;
    console.log(`time to first graph:   ${firstGraphMs.toFixed(0)} ms (median of ${RUNS}; budget < ${BUDGET_FIRST_GRAPH_MS} ms) ${okGraph ? 'OK' : 'OVER BUDGET'}`);
    console.log(`time to ELK layout:    ${median(elkGraph).toFixed(0)} ms (median of ${RUNS})`);
    console.log(`time to switch entry:  ${median(switchEntry).toFixed(0)} ms (median of ${RUNS})`);
    console.log(`first-load JS (gzip):  ${jsKb.toFixed(1)} kB in ${js.files} files (budget < ${BUDGET_FIRST_LOAD_GZIP_KB} kB) ${okJs ? 'OK' : 'OVER BUDGET'}`);
    process.exitCode = okGraph && okJs ? 0 : 1;
  } finally {
    server.kill('SIGTERM');
  }
}

await main();
