import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { NetPath, TraceEvent } from '@/lib/types';
import { buildHopGraph } from '@/lib/graph/elements';
import { entryTitle, firstEntry } from '@/lib/graph/entries';
import { entry, expectGraphShowsPath, getPaths, hopButton, link, openDashboard, screenshot } from './helpers';

// The built app in demo mode (HOPSCOPE_DEMO=1): every expectation is read from the app's own API first.

test('picking an entry draws its hops and addresses exactly as /api/v1/paths returns them', async ({ page, request }) => {
  const { paths } = await getPaths(request);
  const first = firstEntry(paths)!;
  const path = paths.find((p) => p.entry.kind === 'ingress' && p.id !== first.id) ?? paths.find((p) => p.id !== first.id)!;
  await openDashboard(page);
  await expectGraphShowsPath(page, first);

  await entry(page, path.id).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('path')).toBe(path.id);
  await expect(entry(page, path.id)).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('path-title')).toHaveText(entryTitle(path));
  await expectGraphShowsPath(page, path);
  await screenshot(page, 'dashboard');
});

test('the picker filters by search text, namespace and kind', async ({ page, request }) => {
  const { paths } = await getPaths(request);
  const sample = paths.find((p) => p.entry.namespace) ?? paths[0]!;
  await openDashboard(page);
  await expect(page.getByTestId('entry')).toHaveCount(paths.length);

  await page.getByLabel('Namespace').selectOption(sample.entry.namespace!);
  await expect(page.getByTestId('entry')).toHaveCount(paths.filter((p) => p.entry.namespace === sample.entry.namespace).length);
  await page.getByLabel('Kind').selectOption(sample.entry.kind);
  const both = paths.filter((p) => p.entry.namespace === sample.entry.namespace && p.entry.kind === sample.entry.kind);
  await expect(page.getByTestId('entry')).toHaveCount(both.length);
  await expect.poll(() => new URL(page.url()).searchParams.get('ns')).toBe(sample.entry.namespace);

  await page.getByLabel('Namespace').selectOption('');
  await page.getByLabel('Kind').selectOption('');
  await page.getByRole('searchbox').fill('no-such-entry-anywhere');
  await expect(page.getByTestId('entry')).toHaveCount(0);
  await expect(page.getByText('No way in matches this filter.')).toBeVisible();
});

test('no probe is sent on page load; Run probes streams progress, then the result (simulated)', async ({ page, request }) => {
  const traceRequests: string[] = [];
  page.on('request', (r) => {
    // Reading the stored traces of each vantage (GET) sends no probe.
    if (r.url().includes('/api/v1/traces') && r.method() !== 'GET') traceRequests.push(r.method());
  });
  // The hopscope echo's own ClusterIP Service: a probe target.
  const echo = (await getPaths(request)).paths.find((p) => p.id.startsWith('clusterIP:hopscope/hopscope-echo:'))!;
  await openDashboard(page, link({ path: echo.id }));
  await expect(page.getByTestId('demo-banner')).toContainText('demo — simulated observations');
  expect(traceRequests).toEqual([]);

  await page.getByRole('button', { name: 'Run probes' }).click();
  await expect(page.getByRole('progressbar', { name: 'Probes' })).toBeVisible();
  await expect(page.getByTestId('probe-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('probe-progress')).toHaveText(/^(\d+) \/ \1$/);
  await expect(page.getByTestId('probe-status')).toContainText('simulated');
  await expect(page.getByTestId('path-match')).toBeVisible();
  expect(traceRequests).toEqual(['POST']);
  await screenshot(page, 'probed');
});

test('a path outside the probe scope says it was not probed and how to opt it in, never "differs"', async ({ page, request }) => {
  const app = (await getPaths(request)).paths.find((p) => p.entry.kind === 'loadBalancer' && !p.id.includes('hopscope-echo'))!;
  await openDashboard(page, link({ path: app.id }));
  await page.getByRole('button', { name: 'Run probes' }).click();
  await expect(page.getByTestId('probe-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('path-not-probed')).toBeVisible();
  await expect(page.getByTestId('not-probed-reason')).toContainText('hopscope.io/probe-target=true');
  await expect(page.getByTestId('path-match')).toHaveCount(0);
});

test('Cancel stops a running trace', async ({ page }) => {
  // Hold the trace request so that the run is still in flight when Cancel is pressed.
  let release: () => void = () => undefined;
  await page.route('**/api/v1/traces', (route) =>
    // The page may already be gone when the held request is released; that is not this test's concern.
    new Promise<void>((resolve) => (release = resolve)).then(() => route.abort().catch(() => undefined)),
  );
  await openDashboard(page);
  await page.getByRole('button', { name: 'Run probes' }).click();
  await expect(page.getByTestId('probe-status')).toHaveAttribute('data-status', 'running');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('probe-status')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByRole('button', { name: 'Run probes' })).toBeEnabled();
  release();
});

/** A path with a hop-level finding that has a fix (and a what-if), drawn on the graph. */
function pathWithFix(paths: NetPath[]) {
  for (const path of paths) {
    const drawn = new Set(buildHopGraph(path).nodes.filter((n) => n.type === 'hop').map((n) => n.id));
    const finding = path.findings.find((f) => f.fix && f.whatIf && f.hopId && drawn.has(f.hopId));
    if (finding) return { path, finding, hop: path.hops.find((h) => h.id === finding.hopId)! };
  }
  throw new Error('the demo scenario has no finding with a fix and a what-if');
}

test('the details panel shows objects, finding and fix; Copy puts the fix on the clipboard', async ({ page, request, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { path, finding, hop } = pathWithFix((await getPaths(request)).paths);
  await openDashboard(page, link({ path: path.id }));
  await hopButton(page, hop.id).click();

  const details = page.getByTestId('details');
  await expect(details.getByRole('heading', { level: 2 })).toHaveText(hop.name);
  for (const object of hop.objects) await expect(details.getByTestId('objects')).toContainText(`${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`);
  const card = details.locator(`[data-testid="finding"][data-code="${finding.code}"]`);
  await expect(card).toContainText(finding.message);
  await expect(card.getByTestId('fix')).toHaveText(finding.fix!);
  await card.getByRole('button', { name: 'Copy fix' }).click();
  await expect(card.getByRole('button', { name: '✔ Copied' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(finding.fix);
  await screenshot(page, 'details');
});

test('the what-if toggle redraws the path with the fix applied, labelled as a preview', async ({ page, request }) => {
  const { path, finding, hop } = pathWithFix((await getPaths(request)).paths);
  const preview = await getPaths(request, link({ whatIf: finding.whatIf! }));
  const previewPath = preview.paths.find((p) => p.id === path.id) ?? path;
  await openDashboard(page, link({ path: path.id, hop: hop.id }));
  const verdict = page.getByTestId('path-header').getByTestId('verdict').first();
  await expect(verdict).toHaveAttribute('data-verdict', path.verdict);

  const toggle = page.getByTestId('details').getByRole('switch');
  await toggle.check();
  await expect(toggle).toBeChecked();
  await expect(page.getByTestId('preview-banner')).toContainText(finding.whatIf!);
  await expect(verdict).toHaveAttribute('data-verdict', previewPath.verdict);
  await expectGraphShowsPath(page, previewPath);
  await screenshot(page, 'what-if-preview');

  await page.getByRole('button', { name: 'Back to the cluster as it is' }).click();
  await expect(page.getByTestId('preview-banner')).toHaveCount(0);
  await expect(toggle).not.toBeChecked();
  await expect(verdict).toHaveAttribute('data-verdict', path.verdict);
});

test('a deep link restores entry, open hop and filter; Back returns to the previous entry', async ({ page, request }) => {
  const { paths } = await getPaths(request);
  const path = paths.at(-1)!;
  const other = paths[0]!;
  const hop = path.hops[1] ?? path.hops[0]!;
  await openDashboard(page, link({ path: path.id, hop: hop.id, q: path.entry.name }));
  await expect(entry(page, path.id)).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('searchbox')).toHaveValue(path.entry.name);
  await expect(page.getByTestId('details').getByRole('heading', { level: 2 })).toHaveText(hop.name);

  await page.getByRole('searchbox').fill('');
  await entry(page, other.id).click();
  await expect(page.getByTestId('path-title')).toHaveText(entryTitle(other));
  await page.goBack();
  await expect(page.getByTestId('path-title')).toHaveText(entryTitle(path));
});

test('export downloads a non-empty PNG and an SVG of the whole graph', async ({ page, request }) => {
  const first = firstEntry((await getPaths(request)).paths)!;
  await openDashboard(page);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG', exact: true }).click()]);
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  const pngBytes = readFileSync(await png.path());
  expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(pngBytes.length).toBeGreaterThan(10_000);

  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG', exact: true }).click()]);
  const svgText = readFileSync(await svg.path(), 'utf8');
  expect(svgText).toContain('<svg');
  expect(svgText).toContain(first.hops.at(-1)!.name);
});

test('keyboard: Tab walks the hops, Enter opens details, Escape closes them and returns focus', async ({ page }) => {
  await openDashboard(page);
  const hops = page.getByTestId('hop');
  await hops.first().focus();
  await page.keyboard.press('Tab');
  await expect(hops.nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  const heading = page.getByTestId('details').getByRole('heading', { level: 2 });
  await expect(heading).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('details')).toHaveCount(0);
  await expect(hops.nth(1)).toBeFocused();
});

test('a hostile header value in an observation is shown as text and runs nothing', async ({ page, request }) => {
  const hostile = '<img src=x onerror="window.__pwned=1">';
  const path = firstEntry((await getPaths(request)).paths)!;
  const last = path.hops.at(-1)!;
  const probe = {
    id: 'hostile-1',
    pathId: path.id,
    kind: 'direct' as const,
    target: { address: '127.0.0.1', port: 80, host: hostile, label: hostile },
    startedAt: new Date(0).toISOString(),
    durationMs: 3,
    outcome: 'ok' as const,
    status: 200,
    observation: {
      format: 'hopscope' as const,
      peer: '10.244.1.20',
      xForwardedFor: [hostile],
      xRealIp: hostile,
      forwarded: [`for="${hostile}"`],
      proxyProtocol: null,
      echoPod: hostile,
      echoNode: 'wk-a',
      host: hostile,
      headers: [['x-forwarded-for', hostile]] as [string, string][],
    },
    raw: `x-forwarded-for=${hostile}\n<script>window.__pwned=1</script>`,
    error: null,
  };
  const pathTrace = {
    pathId: path.id,
    probes: [probe],
    observed: [{ hopId: last.id, observedPeer: hostile, observedPeerRole: 'attacker' as const, via: 'x-forwarded-for' as const, matches: false }],
    observedVerdict: 'spoofable' as const,
    matchesPrediction: false,
    differences: [`the app took ${hostile} as the client`],
  };
  const events: TraceEvent[] = [
    { type: 'start', traceId: 'hostile', simulated: true, pathIds: [path.id], probeCount: 1 },
    { type: 'probe', probe, done: 1, total: 1 },
    { type: 'path', path: pathTrace },
    { type: 'done', trace: { id: 'hostile', startedAt: '', finishedAt: '', simulated: true, prober: { inCluster: true, address: null, note: '' }, paths: [pathTrace] } },
  ];
  await page.route('**/api/v1/traces', (route) =>
    route.fulfill({ contentType: 'application/x-ndjson', body: events.map((e) => JSON.stringify(e)).join('\n') + '\n' }),
  );
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  await openDashboard(page, link({ path: path.id, hop: last.id }));
  await page.getByRole('button', { name: 'Run probes' }).click();
  await expect(page.getByTestId('probe-status')).toHaveAttribute('data-status', 'done');
  await expect(hopButton(page, last.id)).toHaveAttribute('data-mismatch', 'true');
  await expect(hopButton(page, last.id).locator('[data-field="observed-peer"]')).toHaveText(hostile);
  await expect(page.getByTestId('path-header')).toContainText(`the app took ${hostile} as the client`);

  const details = page.getByTestId('details');
  await expect(details.getByTestId('observation-value').filter({ hasText: hostile }).first()).toBeVisible();
  await details.getByText('echo report (trimmed)').click();
  await expect(details.getByTestId('echo-raw')).toContainText('<script>window.__pwned=1</script>');

  expect(await page.locator('img, script:not([src]):text("__pwned")').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  await screenshot(page, 'observed-differs');
});
