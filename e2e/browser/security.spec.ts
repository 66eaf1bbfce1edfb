import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { openDashboard } from './helpers';

// The built app in demo mode, seen by Chromium: it works under its own CSP, and a page on another origin can neither
// act on it nor frame it. The "attacker" is a second server on loopback (another port, so another origin).

test('the dashboard runs under its Content-Security-Policy without a single violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await openDashboard(page);
  await page.getByRole('button', { name: /probe all/i }).click();
  await expect(page.getByTestId('graph')).toHaveAttribute('data-ready', 'true');
  await page.goto('/cluster');
  await expect(page.getByRole('heading', { name: /services/i }).first()).toBeVisible();
  expect(violations).toEqual([]);
});

test('a page on another origin cannot start a trace, share a snapshot, or frame the dashboard', async ({ browser, baseURL, request }) => {
  const target = baseURL!;
  const lastTrace = async () => ((await (await request.get('/api/v1/traces')).json()) as { trace: { id: string } | null }).trace?.id ?? null;
  const snapshots = async () => ((await (await request.get('/api/v1/snapshots')).json()) as { snapshots: unknown[] }).snapshots.length;
  const [traceBefore, sharesBefore] = [await lastTrace(), await snapshots()];

  const attacker = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><body>
      <iframe id="framed" src="${target}/"></iframe>
      <form id="form" method="POST" action="${target}/api/v1/snapshots" target="sink" enctype="text/plain"><input name='{"a":"' value='"}'></form>
      <iframe name="sink"></iframe>
      <script>
        window.attempts = Promise.allSettled([
          fetch('${target}/api/v1/traces', { method: 'POST', mode: 'no-cors', body: '{}' }),
          fetch('${target}/api/v1/snapshots', { method: 'POST', mode: 'no-cors', body: '{}' }),
          fetch('${target}/api/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
        ]).then((r) => r.map((x) => x.status));
        document.getElementById('form').submit();
      </script></body>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    // The JSON POST needs a preflight the dashboard never answers; the no-cors ones reach the server (which refuses
    // them) but Cross-Origin-Resource-Policy withholds even their opaque answers from the other origin.
    expect(await page.evaluate(() => (window as unknown as { attempts: Promise<string[]> }).attempts)).toEqual(['rejected', 'rejected', 'rejected']);
    await page.waitForLoadState('load');
    // Framing is refused: the frame shows Chromium's error page, never the dashboard's heading.
    const framed = page.frames().filter((f) => f !== page.mainFrame());
    expect(framed.length).toBeGreaterThan(0);
    for (const frame of framed) expect(await frame.locator('h1', { hasText: 'hopscope' }).count()).toBe(0);
  } finally {
    await context.close();
    attacker.close();
  }
  expect(await lastTrace()).toBe(traceBefore);
  expect(await snapshots()).toBe(sharesBefore);
});
