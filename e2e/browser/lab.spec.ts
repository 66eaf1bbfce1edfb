import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import type { NetPath, PathsResponse, Verdict } from '@/lib/types';
import { LAB, LAB_TEST_ENV, labDown, labUp, requireRoot, startHopscopeInLab, type HopscopeInLab } from '../lab/lab';
import { INGRESS_ADDRESS, LAB_PATHS } from '../lab/truth';
import { entry, hopButton, openDashboard } from './helpers';

// The built dashboard inside the real-packet lab (e2e/lab/lab.sh): hopscope runs in the lab's hopscope pod
// namespace against the fixture API server describing the lab, Chromium runs in the lab's outside client
// namespace, and "Run probes" makes hopscope send real probes through HAProxy, kube-proxy-like iptables and nginx
// to the echo.
// The lab is attached to nothing, so every request of this file is made by that Chromium: Playwright's own
// `request` would leave from the host's network, where lab addresses are not routed.

/** lab.sh starts the echo with this POD_NAME; only a real echo report can carry it into the evidence. */
const ECHO_POD = 'echo-6d5f7c9b8-x7k2p';

/**
 * One entry of each verdict as the hopscope pod on node2 finds it, from the lab's truth table (e2e/lab/truth.ts,
 * measured by e2e/lab/packets.test.ts): the pod-traffic rule, natOutgoing, nginx via a short-circuited LB address,
 * PROXY into nginx without proxy_protocol, nginx trusting everyone, a node without endpoint.
 */
const REPRESENTATIVES: [pathIdPrefix: string, verdict: Verdict][] = [
  'nodePort:lab/echo-nodeport-local:30081@node2',
  'nodePort:lab/echo-nodeport-local:30081@node1',
  'ingress:lab/echo-a:a.lab.example',
  'loadBalancer:ingress-nginx/ingress-nopp:198.51.100.52',
  'ingress:lab/echo-trustall:trustall.lab.example',
  'nodePort:lab/echo-nodeport-local:30081@node3',
].map((id) => [id, LAB_PATHS.find((row) => row.id === id)!.inCluster!.verdict]);

/**
 * The browser's paths checked on screen: per LB, Ingress controller and NodePort, the client address the last hop saw
 * from the client namespace (the echo's peer; for a controller, the client nginx believes).
 */
const BROWSER_SHOWN = [
  'loadBalancer:lab/echo-metallb:198.51.100.60',
  'loadBalancer:lab/echo-octavia-tcp:198.51.100.54',
  'loadBalancer:ingress-nginx/ingress-a:198.51.100.50',
  'nodePort:lab/echo-nodeport-local:30081@node1',
  'nodePort:lab/echo-nodeport-cluster:30080@node2',
];

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // The browser's own DNS: each Ingress host resolves to its Ingress address, as a user's DNS would answer, and every
  // other name to nothing, so Chromium sends no DNS query into the lab. Lab addresses are used as they are. (A main-frame
  // navigation that fails to resolve makes Chromium probe public DNS itself, past these rules: the tests navigate only
  // to the dashboard, and the lab's edge counters would show such a packet.)
  `--host-resolver-rules=${[
    ...Object.entries(INGRESS_ADDRESS).map(([host, address]) => `MAP ${host} ${address}`),
    `MAP * ~NOTFOUND, EXCLUDE ${LAB.hopscopePodIP}, EXCLUDE 192.0.2.*, EXCLUDE 198.51.100.*`,
  ].join(', ')}`,
];

let labStarted = false;
let hopscope: HopscopeInLab | null = null;
let browser: Browser | null = null;
let wrapperDir: string | null = null;
let page: Page;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  requireRoot();
  labStarted = true;
  const { ms } = labUp();
  console.info(`lab up: ${Math.round(ms)} ms`);
  hopscope = await startHopscopeInLab({ env: LAB_TEST_ENV });
  // Playwright drives Chromium over a pipe, which `ip netns exec` hands on: the browser lives in the client
  // namespace while the test runner stays outside.
  wrapperDir = mkdtempSync(path.join(tmpdir(), 'hopscope-lab-chromium-'));
  const wrapper = path.join(wrapperDir, 'chromium-in-lab');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${LAB.clientNamespace} /usr/bin/chromium "$@"\n`);
  chmodSync(wrapper, 0o755);
  browser = await chromium.launch({ executablePath: wrapper, args: CHROMIUM_ARGS, timeout: 60_000 });
});

test.afterAll(async () => {
  test.setTimeout(120_000);
  await browser?.close();
  await hopscope?.stop();
  if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
  if (labStarted) {
    const { ms } = labDown();
    console.info(`lab down: ${Math.round(ms)} ms`);
  }
});

test.beforeEach(async () => {
  const context = await browser!.newContext({ baseURL: hopscope!.baseUrl, viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('page', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  }
  await page.context().close();
});

/** GET from inside the page (same origin), i.e. from the lab's client namespace. */
function getJson<T>(route: string): Promise<T> {
  return page.evaluate(async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
    return response.json();
  }, route) as Promise<T>;
}

function pathStartingWith(paths: NetPath[], prefix: string): NetPath {
  const found = paths.find((p) => p.id.startsWith(prefix));
  if (!found) throw new Error(`no lab path starts with ${prefix}: ${paths.map((p) => p.id).join(', ')}`);
  return found;
}

/**
 * Records every probe status and progress the page shows from now on, so a test can tell that progress was
 * streamed rather than only see the end state.
 */
async function recordProgress(): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { probeProgress: string[] }).probeProgress = seen;
    new MutationObserver(() => {
      const status = document.querySelector('[data-testid="probe-status"]')?.getAttribute('data-status');
      const progress = document.querySelector('[data-testid="probe-progress"]')?.textContent;
      const shown = `${status} ${progress}`;
      if (status && seen.at(-1) !== shown) seen.push(shown);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  return () => page.evaluate(() => (window as unknown as { probeProgress: string[] }).probeProgress);
}

/** Waits for the run to finish and returns how many probes the progress bar counted. */
async function expectProbesFinished(): Promise<number> {
  await expect(page.getByTestId('probe-status')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('probe-status')).toHaveText('done');
  const bar = page.getByRole('progressbar', { name: 'Probes' });
  const total = Number(await bar.getAttribute('aria-valuemax'));
  expect(total).toBeGreaterThan(0);
  await expect(bar).toHaveAttribute('aria-valuenow', String(total));
  await expect(page.getByTestId('probe-progress')).toHaveText(`${total} / ${total}`);
  return total;
}

/** The selected path's header shows predicted and observed verdict badges, both `verdict`, and no difference. */
async function expectObservedAsPredicted(verdict: Verdict): Promise<void> {
  const header = page.getByTestId('path-header');
  const badges = header.getByTestId('verdict');
  await expect(badges).toHaveCount(2);
  await expect(badges).toContainText([`predicted ${verdict}`, `observed ${verdict}`]);
  await expect(badges.nth(0)).toHaveAttribute('data-verdict', verdict);
  await expect(badges.nth(1)).toHaveAttribute('data-verdict', verdict);
  await expect(header.getByTestId('path-match')).toHaveAttribute('data-matches', 'true');
  await expect(page.getByTestId('mismatch')).toHaveCount(0);
  await expect(page.locator('[data-testid="hop"][data-mismatch="true"]')).toHaveCount(0);
}

/** Once the path's hops are drawn: a hop carries an "observed …" badge only where it differs from its prediction. */
async function expectNoHopObservedOtherwise(pathId: string): Promise<void> {
  await expect(page.getByTestId('hop').getByTestId('verdict').filter({ hasText: 'observed' }), pathId).toHaveCount(0);
}
