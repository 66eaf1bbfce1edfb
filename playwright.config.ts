import { defineConfig } from '@playwright/test';

// Browser tests run the BUILT app (`npm run build` first): in demo mode, against the fixture Kubernetes API
// server, and inside the real-packet lab (as root). Debian's Chromium is used as is; no browser download.
const DEMO_PORT = Number(process.env.HOPSCOPE_E2E_DEMO_PORT ?? 3310);
const FIXTURE_PORT = Number(process.env.HOPSCOPE_E2E_FIXTURE_PORT ?? 3311);

export default defineConfig({
  testDir: 'e2e/browser',
  outputDir: 'test-results/playwright',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'demo', testMatch: /(demo|security)\.spec\.ts$/, use: { baseURL: `http://127.0.0.1:${DEMO_PORT}` } },
    { name: 'fixture', testMatch: /fixture\.spec\.ts$/, use: { baseURL: `http://127.0.0.1:${FIXTURE_PORT}` } },
    // Runs (and restarts) its own server with a file snapshot store in a temporary directory.
    { name: 'snapshots', testMatch: /snapshots\.spec\.ts$/ },
    // Needs root: brings the real-packet lab up, runs hopscope in its pod namespace and Chromium in its client namespace.
    { name: 'lab', testMatch: /lab\.spec\.ts$/ },
  ],
  webServer: [
    {
      command: 'node .next/standalone/server.js',
      url: `http://127.0.0.1:${DEMO_PORT}/healthz`,
      env: { PORT: String(DEMO_PORT), HOSTNAME: '127.0.0.1', HOPSCOPE_DEMO: '1', HOPSCOPE_LOG_LEVEL: 'warn' },
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // Starts the fixture API server (HTTPS, real kubeconfig), then the app with KUBECONFIG pointing at it.
      command: 'npx tsx e2e/browser/serve-against-fixture.ts',
      url: `http://127.0.0.1:${FIXTURE_PORT}/healthz`,
      env: { PORT: String(FIXTURE_PORT), HOSTNAME: '127.0.0.1', HOPSCOPE_LOG_LEVEL: 'warn' },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
