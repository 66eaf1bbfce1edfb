import { expect, test, type Page, type Request } from '@playwright/test';
import type { NetPath, PathTrace, TraceRun, Vantage, VantageKind } from '@/lib/types';
import { entry, getPaths, hopButton, link, openDashboard, screenshot } from './helpers';

// The built app in demo mode. Demo traces are simulated, so the browser probes nothing here; the side-by-side view
// is checked from stored traces (the answers of GET /api/v1/traces?vantage=…), made here from the demo's own paths.

/** Every request the page makes, so a test can say that nothing went past the dashboard's own origin. */
function recordRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => seen.push(r));
  return seen;
}

test('in demo mode "Probe from this browser" is refused with the reason, and nothing leaves for a target', async ({ page, baseURL }) => {
  const requests = recordRequests(page);
  await openDashboard(page);
  const button = page.getByRole('button', { name: 'Probe from this browser' });
  await expect(button).toBeVisible();
  await expect(button).toBeDisabled();
  await expect(page.getByTestId('browser-probe-refusal')).toContainText('demo traces are simulated');
  await button.click({ force: true });
  await expect(page.getByTestId('browser-probe-status')).toHaveCount(0);
  await expect(page.getByTestId('browser-probe-frame')).toHaveCount(0);

  // Run probes still works (simulated), and the stored traces are only read.
  await page.getByRole('button', { name: 'Run probes' }).click();
  await expect(page.getByTestId('probe-status')).toHaveAttribute('data-status', 'done');
  const origin = new URL(baseURL!).origin;
  expect(requests.filter((r) => new URL(r.url()).origin !== origin).map((r) => r.url())).toEqual([]);
  const traceCalls = requests.filter((r) => new URL(r.url()).pathname.startsWith('/api/v1/traces'));
  expect(traceCalls.filter((r) => r.method() === 'POST').map((r) => r.postDataJSON() as { vantage?: string })).toEqual([{ pathIds: expect.any(Array) }]);
  expect(traceCalls.filter((r) => r.method() === 'GET').map((r) => new URL(r.url()).searchParams.get('vantage')).sort()).toEqual(['agent', 'browser', 'in-cluster']);
});

const VANTAGES: Record<VantageKind, Vantage> = {
  'in-cluster': { kind: 'in-cluster', label: 'hopscope pod hopscope/hopscope-7d9 on wk-a', name: 'hopscope/hopscope-7d9', node: 'wk-a', address: '10.244.1.9' },
  browser: { kind: 'browser', label: 'your browser', name: null, node: null, address: null },
  agent: { kind: 'agent', label: 'agent laptop-eu', name: 'laptop-eu', node: null, address: '203.0.113.10' },
};

function stored(kind: VantageKind, paths: PathTrace[]): TraceRun {
  return {
    id: `stored-${kind}`,
    startedAt: '2026-12-02T10:00:00.000Z',
    finishedAt: '2026-12-02T10:00:02.000Z',
    simulated: false,
    prober: { inCluster: kind === 'in-cluster', address: VANTAGES[kind].address, note: '' },
    vantage: VANTAGES[kind],
    paths: paths.map((p) => ({ ...p, vantage: kind })),
  };
}

/** What a vantage saw on the path: the same role at every hop after the client. */
function seen(path: NetPath, peer: string, role: 'client' | 'pod' | 'node', matches: boolean): PathTrace['observed'] {
  return path.hops.slice(1).map((h) => ({ hopId: h.id, observedPeer: peer, observedPeerRole: role, via: 'source' as const, matches }));
}

test('a stored trace of each vantage is shown side by side: a difference first and loudest, the pod\'s own answer never as one', async ({ page, request }) => {
  const { paths } = await getPaths(request);
  const path = paths.find((p) => p.entry.kind === 'loadBalancer' && p.hops.length >= 3)!;
  const last = path.hops.at(-1)!;
  const outside = { vantage: 'outside' as const, verdict: path.verdict, expectedOutcome: 'ok' as const, peerRole: 'client' as const, believedRole: 'client' as const, via: 'source' as const, note: null };
  const podNote = 'kube-proxy sends a pod’s request to this LB address straight to the endpoints: the load balancer is never met';
  const traces: Record<VantageKind, TraceRun> = {
    browser: stored('browser', [
      { pathId: path.id, probes: [], observed: seen(path, '203.0.113.10', 'client', true), observedVerdict: path.verdict, matchesPrediction: true, differences: [], predicted: outside },
    ]),
    agent: stored('agent', [
      {
        pathId: path.id,
        probes: [],
        observed: seen(path, '192.0.2.11', 'node', false),
        observedVerdict: 'lost',
        matchesPrediction: false,
        differences: ['the echo saw node 192.0.2.11 as its peer, the prediction for an outside client says the client'],
        predicted: outside,
      },
    ]),
    'in-cluster': stored('in-cluster', [
      {
        pathId: path.id,
        probes: [],
        observed: seen(path, '10.244.1.9', 'pod', true),
        observedVerdict: 'preserved',
        matchesPrediction: true,
        differences: [],
        predicted: { ...outside, vantage: 'in-cluster', verdict: 'preserved', peerRole: 'pod', believedRole: 'pod', note: podNote },
      },
    ]),
  };
  await page.route(
    (url) => url.pathname === '/api/v1/traces' && url.searchParams.has('vantage'),
    (route) => route.fulfill({ json: { trace: traces[new URL(route.request().url()).searchParams.get('vantage') as VantageKind] ?? null } }),
  );
  await page.setViewportSize({ width: 1024, height: 900 });
  await openDashboard(page, link({ path: path.id }));

  const header = page.getByTestId('path-header');
  const cards = header.getByTestId('vantage');
  await expect(cards).toHaveCount(3);
  await screenshot(page, 'vantages-header-1024');
  // Outside first, but the one that differs from its own prediction before everything.
  await expect(cards.getByTestId('vantage-title')).toHaveText(['from outside: agent laptop-eu', 'from outside: a browser', 'from inside: hopscope pod hopscope/hopscope-7d9 on wk-a']);
  const agent = header.locator('[data-testid="vantage"][data-vantage="agent"]');
  await expect(agent).toHaveAttribute('data-state', 'differs');
  await expect(agent.getByRole('alert')).toContainText('the echo saw node 192.0.2.11 as its peer');
  await expect(agent.getByTestId('path-match')).toHaveAttribute('data-matches', 'false');
  await expect(header.getByTestId('path-differs')).toContainText('agent laptop-eu');

  const browser = header.locator('[data-testid="vantage"][data-vantage="browser"]');
  await expect(browser.getByTestId('path-match')).toHaveAttribute('data-matches', 'true');
  await expect(browser.getByTestId('verdict')).toHaveText([new RegExp(`predicted ${path.verdict}$`), new RegExp(`observed ${path.verdict}$`)]);

  // The pod's view: its own prediction, matched, with why it differs from an outside client's; no alarm.
  const pod = header.locator('[data-testid="vantage"][data-vantage="in-cluster"]');
  await expect(pod).toHaveAttribute('data-state', 'matches');
  await expect(pod.getByTestId('own-answer')).toContainText(podNote);
  await expect(pod.getByRole('alert')).toHaveCount(0);
  await expect(pod.getByTestId('verdict')).toHaveText([/predicted preserved$/, /observed preserved$/]);
  await expect(pod).toContainText('for a pod of the cluster');

  // The graph shows every vantage's address at the last hop, and marks it for the one that differs.
  const hop = hopButton(page, last.id);
  await expect(hop.locator('[data-field="observed-peer"][data-vantage="browser"]')).toHaveText('203.0.113.10');
  await expect(hop.locator('[data-field="observed-peer"][data-vantage="agent"]')).toHaveText('192.0.2.11');
  await expect(hop.locator('[data-field="observed-peer"][data-vantage="in-cluster"]')).toHaveText('10.244.1.9');
  await expect(hop).toHaveAttribute('data-mismatch', 'true');

  // The summary names who took part; the entry list marks the path as differing.
  await expect(page.getByTestId('vantage-run')).toHaveText([/^from outside: a browser/, /^from outside: agent laptop-eu/, /^from inside: hopscope pod/]);
  await expect(entry(page, path.id).getByTestId('entry-trace')).toHaveAttribute('data-state', 'differs');

  // The details of the last hop list each vantage's observation there.
  await hop.click();
  const details = page.getByTestId('details');
  await expect(details.getByTestId('hop-vantages').locator('li')).toHaveCount(3);
  await expect(details.locator('[role="alert"][data-vantage="agent"]')).toBeVisible();

  // 1024 px wide, light and dark: nothing spills sideways.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
  }
  await screenshot(page, 'vantages-side-by-side-1024');
});

test('the probe page runs only for an open browser plan, under a CSP that names exactly the origins it was asked for', async ({ page, request }) => {
  const response = await request.get(`/probe/no-such-trace?${new URLSearchParams([['connect', 'http://127.0.0.1:9']])}`);
  expect(response.status()).toBe(200);
  const csp = response.headers()['content-security-policy']!;
  expect(csp).toContain("connect-src 'self' http://127.0.0.1:9;");
  expect(csp).toContain("frame-ancestors 'self'");
  expect(response.headers()['x-frame-options']).toBe('SAMEORIGIN');
  expect(response.headers()['cache-control']).toContain('no-store');

  const malformed = await request.get(`/probe/x?${new URLSearchParams([['connect', "http://127.0.0.1:9; script-src 'unsafe-inline'"]])}`);
  expect(malformed.headers()['content-security-policy']).toContain("connect-src 'self';");

  // Every other page keeps its policy.
  const home = await request.get('/');
  expect(home.headers()['content-security-policy']).toContain("connect-src 'self';");
  expect(home.headers()['x-frame-options']).toBe('DENY');

  // With no plan behind it the page sends nothing and says why.
  const requests = recordRequests(page);
  await page.goto('/probe/no-such-trace?connect=http%3A%2F%2F127.0.0.1%3A9');
  await expect(page.getByTestId('probe-page-refused')).toContainText('no open browser trace');
  expect(requests.filter((r) => new URL(r.url()).port === '9')).toEqual([]);
});
