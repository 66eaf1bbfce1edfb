import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import type { NetPath, PathsResponse, PathTrace, ReportsAnswer, TraceRun, Verdict } from '@/lib/types';
import { buildHopGraph } from '@/lib/graph/elements';
import { problemsAgainstTruth } from '../lab/against-truth';
import { edgePackets, LAB, LAB_TEST_ENV, labDown, labUp, requireRoot, startHopscopeInLab, type HopscopeInLab } from '../lab/lab';
import { browserCannotSend, INGRESS_ADDRESS, LAB_PATHS, rowFor } from '../lab/truth';
import { entry, hopButton, openDashboard, SCREENSHOTS } from './helpers';

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
  // The pod's own card: the prediction for the hopscope pod on node2 beside what it observed.
  const card = header.locator('[data-testid="vantage"][data-vantage="in-cluster"]');
  await expect(card.getByTestId('vantage-title')).toContainText('from inside: hopscope pod');
  const badges = card.getByTestId('verdict');
  await expect(badges).toHaveCount(2);
  await expect(badges).toContainText([`predicted ${verdict}`, `observed ${verdict}`]);
  await expect(badges.nth(0)).toHaveAttribute('data-verdict', verdict);
  await expect(badges.nth(1)).toHaveAttribute('data-verdict', verdict);
  await expect(card.getByTestId('path-match')).toHaveAttribute('data-matches', 'true');
  await expect(header.getByTestId('path-differs')).toHaveCount(0);
  await expect(page.getByTestId('mismatch')).toHaveCount(0);
  await expect(page.locator('[data-testid="hop"][data-mismatch="true"]')).toHaveCount(0);
}

/** Once the path's hops are drawn: a hop carries an "observed …" badge only where it differs from its prediction. */
async function expectNoHopObservedOtherwise(pathId: string): Promise<void> {
  await expect(page.getByTestId('hop').getByTestId('verdict').filter({ hasText: 'observed' }), pathId).toHaveCount(0);
}

test('picking an entry and pressing Run probes streams progress, then the pod\'s real observation equals its own prediction', async () => {
  test.setTimeout(120_000);
  await openDashboard(page);
  await expect(page.getByTestId('demo-banner')).toHaveCount(0);
  const { paths } = await getJson<PathsResponse>('/api/v1/paths');
  const [prefix, verdict] = REPRESENTATIVES[0]!;
  const localNodePort = pathStartingWith(paths, prefix);

  await entry(page, localNodePort.id).click();
  await expect(entry(page, localNodePort.id)).toHaveAttribute('aria-current', 'true');
  const progress = await recordProgress();
  await page.getByRole('button', { name: 'Run probes' }).click();
  await expect(page.getByRole('progressbar', { name: 'Probes' })).toBeVisible();
  const total = await expectProbesFinished();
  const shown = await progress();
  expect(shown[0]).toMatch(/^running /);
  expect(shown.at(-1)).toBe(`done ${total} / ${total}`);
  // Compared with what the hopscope pod on node2 is predicted to find (its own node's pod-traffic rule), which is
  // not what a pod elsewhere finds (path.inCluster: natOutgoing hides it, and node2 drops it).
  const { trace } = await getJson<{ trace: TraceRun | null }>('/api/v1/traces');
  const traced = trace!.paths.find((p) => p.pathId === localNodePort.id)!;
  expect(traced.predicted).toMatchObject({ vantage: 'in-cluster', verdict });
  expect(localNodePort.inCluster?.verdict).toBe('unreachable');
  await expectObservedAsPredicted(verdict);
  await expect(entry(page, localNodePort.id)).toContainText('✔ probed');
  await expect(hopButton(page, localNodePort.hops.at(-1)!.id).locator('[data-field="observed-peer"]')).toHaveText(LAB.hopscopePodIP);
  await expectNoHopObservedOtherwise(localNodePort.id);

  // The echo pod's own report, as it answered the probe from the hopscope pod (node2's pod-traffic rule keeps it).
  await hopButton(page, localNodePort.hops.at(-1)!.id).click();
  await expect(page.getByTestId('details').getByTestId('verdict')).toContainText([`predicted ${verdict}`, `observed ${verdict}`]);
  const evidence = page.getByTestId('details').getByTestId('evidence').filter({ hasText: 'direct probe' }).first();
  await expect(evidence).toContainText('ok 200');
  await expect(evidence).not.toContainText('simulated');
  await expect(evidence.getByTestId('observation-value')).toContainText([LAB.hopscopePodIP, ECHO_POD, 'node1']);
  await evidence.getByText('echo report (trimmed)').click();
  await expect(evidence.getByTestId('echo-raw')).toContainText(ECHO_POD);
  await expect(evidence.getByTestId('echo-raw')).toContainText(LAB.hopscopePodIP);
});

test('Probe all observes every lab path as the packets go from the hopscope pod, and the dashboard shows what the server traced', async () => {
  test.setTimeout(150_000);
  await openDashboard(page);
  const { paths } = await getJson<PathsResponse>('/api/v1/paths');
  // Egress leads out of the cluster, where no probe goes: "Probe all" sends every other path.
  const probeable = paths.filter((p) => p.entry.kind !== 'egress');
  const progress = await recordProgress();
  await page.getByRole('button', { name: `Probe all ${probeable.length} paths` }).click();
  const total = await expectProbesFinished();
  // Answered probes land before the ones that wait for a dropped packet: the count moves while probing.
  const shown = await progress();
  const doneWhileRunning = shown.filter((s) => s.startsWith('running ')).map((s) => Number(s.split(' ')[1]));
  expect(doneWhileRunning.some((done) => done > 0 && done < total), shown.join(', ')).toBe(true);
  expect(shown.at(-1)).toBe(`done ${total} / ${total}`);

  const { trace } = await getJson<{ trace: TraceRun | null }>('/api/v1/traces');
  expect(trace).not.toBeNull();
  expect(trace!.simulated).toBe(false);
  expect(trace!.prober).toMatchObject({ inCluster: true, address: LAB.hopscopePodIP });
  expect(trace!.paths.map((p) => p.pathId).sort()).toEqual(probeable.map((p) => p.id).sort());
  expect(problemsAgainstTruth(trace!, 'in-cluster')).toEqual([]);
  // Every probed path matches, and no entry is marked as differing. The plain app's paths are predicted but not
  // probed (docs/lab.md#row-46; problemsAgainstTruth holds them to that).
  const probed = trace!.paths.filter((p) => !p.notProbed);
  expect(probed.length).toBeGreaterThan(0);
  expect(probed.filter((p) => !p.matchesPrediction).map((p) => [p.pathId, p.differences])).toEqual([]);
  const entries = page.getByTestId('entry');
  await expect(entries.filter({ hasText: '⚠ differs' })).toHaveCount(0);
  await expect(entries.filter({ hasText: '✔ probed' })).toHaveCount(probed.length);

  const traced = new Map<string, PathTrace>(trace!.paths.map((p) => [p.pathId, p]));
  for (const [prefix, verdict] of REPRESENTATIVES) {
    const netPath = pathStartingWith(paths, prefix);
    const serverTrace = traced.get(netPath.id);
    // The prediction for the prober's own node and address, which the trace was compared with.
    expect(serverTrace?.predicted?.verdict, prefix).toBe(verdict);
    expect(serverTrace?.observedVerdict, prefix).toBe(verdict);

    await entry(page, netPath.id).click();
    await expect(entry(page, netPath.id)).toHaveAttribute('aria-current', 'true');
    await expect.poll(() => new URL(page.url()).searchParams.get('path')).toBe(netPath.id);
    await expectObservedAsPredicted(verdict);
    // Every observed address on the graph is the one the server's trace holds for that hop.
    for (const node of buildHopGraph(netPath, serverTrace!).nodes) {
      if (node.type !== 'hop' || !node.data.observed?.observedPeer) continue;
      await expect(hopButton(page, node.data.hop.id).locator('[data-field="observed-peer"]'), `${prefix} ${node.data.hop.id}`).toHaveText(
        node.data.observed.observedPeer,
      );
    }
    await expectNoHopObservedOtherwise(netPath.id);
  }

  // The picture of it: the HAProxy → ingress-nginx path with the echo's evidence open.
  const ingress = pathStartingWith(paths, 'ingress:lab/echo-a:a.lab.example');
  await entry(page, ingress.id).click();
  await hopButton(page, ingress.hops.at(-1)!.id).click();
  await expect(page.getByTestId('details').getByTestId('evidence').first()).toContainText(ECHO_POD);
  await expect(page.locator('[data-testid="graph"][data-ready="true"][data-layout="elk"]')).toBeVisible();
  // Tall enough for the whole path, from the client down to the echo pod.
  await page.setViewportSize({ width: 1440, height: 1700 });
  await page.getByRole('main').evaluate((main) => main.scrollTo(0, 0));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/lab-probed.png` });
});

/** The closed browser trace, as the reports call that closes it answers (ReportsAnswer.trace). */
function closedBrowserTrace(): Promise<TraceRun> {
  return page
    .waitForResponse(
      async (response) => {
        if (!/\/api\/v1\/traces\/[^/]+\/reports$/.test(new URL(response.url()).pathname) || response.status() !== 200) return false;
        return ((await response.json()) as ReportsAnswer).trace !== null;
      },
      { timeout: 90_000 },
    )
    .then(async (response) => ((await response.json()) as ReportsAnswer).trace!);
}

test('Probe from this browser: Chromium in the client namespace sees what curl sees there, and the page shows it per path', async () => {
  test.setTimeout(150_000);
  await openDashboard(page);
  const { paths } = await getJson<PathsResponse>('/api/v1/paths');
  const closed = closedBrowserTrace();
  await page.getByRole('button', { name: 'Probe from this browser' }).click();
  const trace = await closed;

  // The same table curl is held to from the client namespace (e2e/lab/packets.test.ts): the client's own address
  // through Local and MetalLB, the LB's or a node's where they hide it, the spoof test through the echo's CORS
  // preflight believed only by the trust-all nginx. A controller's NodePort with its Ingress host is a request no
  // browser can make (its DNS puts the host on the LB): "not reachable from here", never a verdict.
  expect(problemsAgainstTruth(trace, 'browser', browserCannotSend)).toEqual([]);
  expect(trace.vantage).toMatchObject({ kind: 'browser', address: null });

  // On screen, per LB / Ingress / NodePort path: the address the echo saw from the browser, beside the pod's.
  for (const id of BROWSER_SHOWN) {
    const row = LAB_PATHS.find((r) => r.id === id)!;
    const netPath = pathStartingWith(paths, id);
    const traced = rowFor(row, trace.paths)!;
    await entry(page, netPath.id).click();
    await expect(entry(page, netPath.id)).toHaveAttribute('aria-current', 'true');
    const last = traced.observed.at(-1)!;
    const seen = row.endsAt === 'controller' ? row.outside!.xRealIp! : row.outside!.peer!;
    await expect(hopButton(page, last.hopId).locator('[data-field="observed-peer"][data-vantage="browser"]'), id).toHaveText(seen);
  }
  expect(edgePackets().filter((e) => e.outside > 0)).toEqual([]);
});
