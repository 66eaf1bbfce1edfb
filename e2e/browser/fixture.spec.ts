import { expect, test } from '@playwright/test';
import { firstEntry } from '@/lib/graph/entries';
import { entry, expectGraphShowsPath, getPaths, link, openDashboard, screenshot } from './helpers';
import { FIXTURE_CONTEXT, FIXTURE_FORBIDDEN, UNREACHABLE_CONTEXT } from './fixture-settings';

// The built app reading a Kubernetes API (the fixture API server over HTTPS with a real kubeconfig).
// No probe is sent here: the lab's addresses exist only inside the lab's network namespaces.

test('shows the kubeconfig source and names the resource it could not read, dismissibly', async ({ page }) => {
  await openDashboard(page);
  await expect(page.getByTestId('source')).toContainText('kubeconfig');
  await expect(page.getByTestId('demo-banner')).toHaveCount(0);
  const banner = page.getByTestId('discovery-errors');
  await expect(banner).toContainText(FIXTURE_FORBIDDEN);
  await screenshot(page, 'fixture-cluster');
  await page.getByRole('button', { name: 'Dismiss discovery errors' }).click();
  await expect(banner).toHaveCount(0);
});

test('every entry of the cluster draws the hops and addresses /api/v1/paths returns', async ({ page, request }) => {
  const { paths } = await getPaths(request);
  expect(paths.length).toBeGreaterThan(0);
  await openDashboard(page);
  await expectGraphShowsPath(page, firstEntry(paths)!);
  for (const path of paths.filter((p) => ['ingress', 'loadBalancer', 'nodePort'].includes(p.entry.kind)).slice(0, 6)) {
    await entry(page, path.id).click();
    await expect(entry(page, path.id)).toHaveAttribute('aria-current', 'true');
    await expectGraphShowsPath(page, path);
  }
});

test('a deep link restores the selection', async ({ page, request }) => {
  const path = (await getPaths(request)).paths.at(-1)!;
  await openDashboard(page, link({ path: path.id }));
  await expect(entry(page, path.id)).toHaveAttribute('aria-current', 'true');
  await expectGraphShowsPath(page, path);
});

test('the context switcher changes cluster; an unreachable one is named with a hint, and switching back works', async ({ page }) => {
  await openDashboard(page);
  const switcher = page.getByTestId('context-switcher');
  await expect(switcher).toHaveValue(FIXTURE_CONTEXT);
  await switcher.selectOption(UNREACHABLE_CONTEXT);
  await expect(page).toHaveURL(new RegExp(`context=${UNREACHABLE_CONTEXT}`));
  const failure = page.getByRole('alert').filter({ hasText: 'Could not load the paths' });
  await expect(failure).toContainText('cannot reach the Kubernetes API server at https://127.0.0.1:1');
  await expect(failure).toContainText(`context ${UNREACHABLE_CONTEXT}`);
  await expect(page.getByTestId('entry')).toHaveCount(0);
  await switcher.selectOption(FIXTURE_CONTEXT);
  await expect(failure).toHaveCount(0);
  await expect(page.getByTestId('entry').first()).toBeVisible();
  await expect(page.getByTestId('source')).toContainText(FIXTURE_CONTEXT);
});
