import { mkdirSync } from 'node:fs';
import { type APIRequestContext, type Page, expect } from '@playwright/test';
import type { NetPath, PathsResponse } from '@/lib/types';
import { buildHopGraph } from '@/lib/graph/elements';

export const SCREENSHOTS = 'test-results/screenshots';

export async function getPaths(request: APIRequestContext, query = ''): Promise<PathsResponse> {
  const response = await request.get(`/api/v1/paths${query}`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as PathsResponse;
}

/** Opens the dashboard and waits until the graph is drawn with its final (ELK) layout. */
export async function openDashboard(page: Page, search = ''): Promise<void> {
  await page.goto(`/${search}`);
  // The first load of a run also loads ELK and lays the graph out; give a busy machine time for it.
  await expect(page.locator('[data-testid="graph"][data-ready="true"][data-layout="elk"]')).toBeVisible({ timeout: 30_000 });
}

export const link = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

export const entry = (page: Page, pathId: string) => page.locator(`[data-testid="entry"][data-path-id="${pathId}"]`);
export const hopButton = (page: Page, hopId: string) => page.locator(`[data-testid="hop"][data-hop-id="${hopId}"]`);

/** The hops, their kinds and every address on hops and edges are exactly what /api/v1/paths says for this path. */
export async function expectGraphShowsPath(page: Page, path: NetPath): Promise<void> {
  const graph = buildHopGraph(path);
  const hopNodes = graph.nodes.filter((n) => n.type === 'hop');
  const hops = page.getByTestId('hop');
  // Polled: right after a selection the previous path's graph may still be on screen.
  await expect
    .poll(() => hops.evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.hopId, (e as HTMLElement).dataset.kind])))
    .toEqual(hopNodes.map((n) => [n.data.hop.id, n.data.hop.kind]));
  // Edges (and their address labels) are drawn only after React Flow has measured the nodes.
  await expect(page.getByTestId('graph')).toHaveAttribute('data-ready', 'true');
  // Retrying assertions throughout: two paths can share a structure (same hop ids), so the graph may still show the
  // previous path's data for a moment after the hops and data-ready already match.
  for (const node of hopNodes) {
    const { hop } = node.data;
    const shown = hopButton(page, hop.id);
    await expect(shown.locator('[data-field="hop-address"]')).toHaveText(hop.address ? [hop.address] : []);
    const believed = hop.believedClient !== null && node.data.predicted !== 'neutral' ? [hop.believedClient] : [];
    await expect(shown.locator('[data-field="believed-client"]')).toHaveText(believed);
  }
  const peers = graph.edges.filter((e) => e.data.labelled && e.data.peer).map((e) => e.data.peer);
  await expect
    .poll(async () => (await page.locator('[data-testid="edge-label"] [data-field="peer"]').allTextContents()).sort())
    .toEqual(peers.sort());
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
