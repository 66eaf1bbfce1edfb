import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
const port = 3397;
const srv = spawn(process.execPath, ['.next/standalone/server.js'], { cwd: '/work/main', env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', HOPSCOPE_DEMO: '1' }, stdio: 'ignore' });
try {
  for (let i = 0; i < 100; i++) { try { const r = await fetch(`http://127.0.0.1:${port}/healthz`); if (r.ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
  let t = Date.now(); await fetch(`http://127.0.0.1:${port}/api/v1/paths?scenario=large`); console.log('paths api cold', Date.now() - t);
  t = Date.now(); await fetch(`http://127.0.0.1:${port}/api/v1/paths?scenario=large`); console.log('paths api warm', Date.now() - t);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] });
  const page = await browser.newPage();
  page.on('requestfinished', async (r) => { const tm = r.timing(); console.log(r.url().slice(-60), Math.round(tm.startTime % 100000), Math.round(tm.responseEnd)); });
  await page.goto(`http://127.0.0.1:${port}/?scenario=large`);
  await page.locator('[data-testid="graph"][data-ready="true"]').waitFor();
  console.log('ready at', await page.evaluate(() => performance.now()));
  console.log(await page.evaluate(() => JSON.stringify(performance.getEntriesByType('resource').map(e => [e.name.slice(-50), Math.round(e.startTime), Math.round(e.responseEnd), e.transferSize]))));
  await browser.close();
} finally { srv.kill(); }
