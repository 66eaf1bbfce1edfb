import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';

// Snapshots end to end on the built app. This file runs its own server (demo "lab" scenario, file store in a
// temporary directory) because one test restarts it and expects links to survive.

const PORT = Number(process.env.HOPSCOPE_E2E_SNAPSHOT_PORT ?? 3320);
const BASE = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'hopscope-e2e-snapshots-'));
const ADMIN_TOKEN = 'e2e-snapshot-admin-token';
let server: ChildProcess | null = null;

async function startServer() {
  const child = spawn(process.execPath, [path.join('.next', 'standalone', 'server.js')], {
    env: {
      ...process.env,
      PORT: String(PORT),
      HOSTNAME: '127.0.0.1',
      HOPSCOPE_DEMO: '1',
      HOPSCOPE_DEMO_SCENARIO: 'lab',
      HOPSCOPE_DATA_DIR: dataDir,
      HOPSCOPE_SNAPSHOT_STORE: 'file',
      HOPSCOPE_SNAPSHOT_ADMIN_TOKEN: ADMIN_TOKEN,
      HOPSCOPE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  server = child;
  await expect
    .poll(() => fetch(`${BASE}/healthz`).then((r) => r.ok, () => false), { timeout: 30_000 })
    .toBe(true);
}

async function stopServer() {
  const child = server;
  server = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

test.use({ baseURL: BASE });

test.beforeAll(startServer);
test.afterAll(async () => {
  await stopServer();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Shared {
  id: string;
  url: string;
}

/** A path of the lab with several hops (so comparing graphs means something), read from a fresh snapshot. */
async function firstPathId(page: Page): Promise<string> {
  const shared = (await (await page.request.post('/api/v1/snapshots', { data: { scenario: 'lab' } })).json()) as Shared;
  const { paths } = (await (await page.request.get(`/api/v1/snapshots/${shared.id}`)).json()) as {
    paths: { id: string; hops: unknown[] }[];
  };
  const path = paths.find((p) => p.hops.length >= 4) ?? paths[0];
  expect(path).toBeDefined();
  return path!.id;
}

/** What the graph shows: every hop node and every address on it, in document order. */
async function graphContent(page: Page) {
  await expect(page.getByTestId('graph')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('hop').first()).toBeVisible();
  return {
    title: await page.getByTestId('path-title').innerText(),
    hops: await page.getByTestId('hop').count(),
    addresses: await page.getByTestId('graph').getByTestId('address').allInnerTexts(),
  };
}

async function openInFreshContext(browser: Browser, url: string) {
  const context = await browser.newContext({ baseURL: BASE });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

/** Every IPv4 address an unredacted snapshot of the lab holds (0.0.0.0 stays readable by design). */
function addressesIn(text: string): string[] {
  return [...new Set(text.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? [])].filter((a) => a !== '0.0.0.0');
}

test('a shared link opens in another browser with the same graph and addresses, also after a restart', async ({ page, browser }) => {
  test.slow(); // three page loads and a server restart
  const pathId = await firstPathId(page);
  await page.goto(`/?scenario=lab&path=${encodeURIComponent(pathId)}`);
  const live = await graphContent(page);

  const response = await page.request.post('/api/v1/snapshots', { data: { scenario: 'lab', entry: pathId } });
  expect(response.status()).toBe(201);
  const { url } = (await response.json()) as Shared;
  expect(url).toMatch(new RegExp(`^${BASE}/s/[A-Za-z0-9_-]{24}$`));

  const other = await openInFreshContext(browser, url);
  await expect(other.page.getByTestId('snapshot-banner')).toContainText('Snapshot of demo/lab at');
  await expect(other.page.getByTestId('snapshot-redacted')).toHaveCount(0);
  expect(await graphContent(other.page)).toEqual(live);
  await other.context.close();

  await stopServer();
  await startServer();

  const afterRestart = await openInFreshContext(browser, url);
  expect(await graphContent(afterRestart.page)).toEqual(live);
  await afterRestart.context.close();
});

test('the Share button on the dashboard creates a (redacted) link to the path on screen', async ({ page, browser }) => {
  test.slow();
  const pathId = await firstPathId(page);
  await page.goto(`/?scenario=lab&path=${encodeURIComponent(pathId)}`);
  const live = await graphContent(page);

  await page.getByTestId('share-button').click();
  await page.getByTestId('share-create').click();
  const link = page.getByTestId('share-link');
  await expect(link).toHaveValue(new RegExp(`^${BASE}/s/[A-Za-z0-9_-]{24}$`));
  await expect(link).toHaveAttribute('data-redacted', 'false');
  const other = await openInFreshContext(browser, await link.inputValue());
  expect(await graphContent(other.page)).toEqual(live);
  await other.context.close();

  await page.getByTestId('share-redact').check();
  await page.getByTestId('share-create').click();
  await expect(link).toHaveAttribute('data-redacted', 'true');
  const redacted = await openInFreshContext(browser, await link.inputValue());
  await expect(redacted.page.getByTestId('snapshot-redacted')).toBeVisible();
  const shown = await graphContent(redacted.page);
  expect(shown.hops).toBe(live.hops);
  expect(shown.addresses).not.toEqual(live.addresses);
  await redacted.context.close();
});

test('a redacted snapshot shows no real address in its HTML or its JSON', async ({ page, request }) => {
  const plain = (await (await request.post('/api/v1/snapshots', { data: { scenario: 'lab' } })).json()) as Shared;
  const realAddresses = addressesIn(await (await request.get(`/api/v1/snapshots/${plain.id}`)).text());
  expect(realAddresses.length).toBeGreaterThan(5);

  const pathId = await firstPathId(page);
  const response = await request.post('/api/v1/snapshots', { data: { scenario: 'lab', redact: true, entry: pathId } });
  expect(response.status()).toBe(201);
  const redacted = (await response.json()) as Shared;

  const json = await (await request.get(`/api/v1/snapshots/${redacted.id}`)).text();
  const serverHtml = await (await request.get(`/s/${redacted.id}`)).text();
  await page.goto(`/s/${redacted.id}`);
  await expect(page.getByTestId('snapshot-redacted')).toBeVisible();
  const shown = await graphContent(page);
  const renderedHtml = await page.content();

  for (const address of realAddresses) {
    expect(json, `JSON holds ${address}`).not.toContain(address);
    expect(serverHtml, `server HTML holds ${address}`).not.toContain(address);
    expect(renderedHtml, `rendered page holds ${address}`).not.toContain(address);
  }
  expect(shown.addresses.some((a) => /ip-[0-9a-f]{6}/.test(a))).toBe(true);
});

test('unknown links answer a not-found page and a 404 JSON error', async ({ page, request }) => {
  const response = await page.goto('/s/AAAAAAAAAAAAAAAAAAAAAAAA');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Snapshot not found' })).toBeVisible();
  const api = await request.get('/api/v1/snapshots/not-an-id');
  expect(api.status()).toBe(404);
  expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
});

test('Export JSON downloads the snapshot, and importing it shows the same view under a new link', async ({ page, request }) => {
  const pathId = await firstPathId(page);
  const shared = (await (await request.post('/api/v1/snapshots', { data: { scenario: 'lab', entry: pathId } })).json()) as Shared;
  await page.goto(`/s/${shared.id}`);
  const original = await graphContent(page);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('snapshot-export').click()]);
  expect(download.suggestedFilename()).toBe(`hopscope-snapshot-${shared.id}.json`);
  const file = readFileSync(await download.path());
  expect(JSON.parse(file.toString('utf8'))).toEqual(await (await request.get(`/api/v1/snapshots/${shared.id}`)).json());

  await page.goto('/s/import');
  await page.getByTestId('import-file').setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: file.subarray(0, 500) });
  await expect(page.getByTestId('import-error')).toContainText('not valid JSON (truncated');

  await page.getByTestId('import-file').setInputFiles({ name: 'snapshot.json', mimeType: 'application/json', buffer: file });
  await expect(page).toHaveURL(/\/s\/[A-Za-z0-9_-]{24}$/);
  expect(page.url()).not.toContain(shared.id);
  expect(await graphContent(page)).toEqual(original);
});

test('with an admin token, only its holder lists or deletes snapshots; links keep working for everyone', async ({ request }) => {
  const shared = (await (await request.post('/api/v1/snapshots', { data: { scenario: 'lab' } })).json()) as Shared;

  const anonymous = await request.get('/api/v1/snapshots');
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized', hint: expect.stringContaining('Authorization: Bearer') } });
  const wrong = { Authorization: 'Bearer not-the-token' };
  expect((await request.get('/api/v1/snapshots', { headers: wrong })).status()).toBe(403);
  expect((await request.delete(`/api/v1/snapshots/${shared.id}`, { headers: wrong })).status()).toBe(403);
  expect((await request.get(`/api/v1/snapshots/${shared.id}`)).status()).toBe(200);

  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const listed = (await (await request.get('/api/v1/snapshots', { headers: admin })).json()) as { snapshots: Shared[] };
  expect(listed.snapshots.map((s) => s.id)).toContain(shared.id);
  expect((await request.delete(`/api/v1/snapshots/${shared.id}`, { headers: admin })).status()).toBe(200);
  expect((await request.get(`/api/v1/snapshots/${shared.id}`)).status()).toBe(404);
});
