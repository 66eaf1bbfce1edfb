// Playwright webServer for the "fixture" project: the fixture Kubernetes API server on loopback serving the lab
// scenario with one resource forbidden (so the discovery-error banner has something to name), then the built app
// with KUBECONFIG pointing at it. No probe is ever sent by these tests: lab addresses are not routable here.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFixtureApiServer } from '../fixture-apiserver/server';
import { FIXTURE_FORBIDDEN } from './fixture-settings';

const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-e2e-'));
const api = await startFixtureApiServer({
  scenarioFile: path.join('scenarios', 'lab.yaml'),
  host: '127.0.0.1',
  port: 0,
  kubeconfigPath: path.join(dir, 'kubeconfig'),
  contextName: 'e2e-fixture',
  forbidden: [FIXTURE_FORBIDDEN],
});

const env = { ...process.env };
delete env.HOPSCOPE_DEMO;
const app = spawn(process.execPath, ['.next/standalone/server.js'], {
  stdio: 'inherit',
  env: { ...env, KUBECONFIG: api.kubeconfigPath, HOPSCOPE_DATA_DIR: path.join(dir, 'data') },
});

async function stop(code: number) {
  app.kill('SIGTERM');
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
app.on('exit', (code) => void stop(code ?? 1));
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
