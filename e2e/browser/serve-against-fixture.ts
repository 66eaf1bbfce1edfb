// Playwright webServer for the "fixture" project: the fixture Kubernetes API server on loopback serving the lab
// scenario with one resource forbidden (so the discovery-error banner has something to name), then the built app
// with KUBECONFIG pointing at it. No probe is ever sent by these tests: lab addresses are not routable here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFixtureApiServer } from '@/test/fixture-apiserver/server';
import { parse, stringify } from 'yaml';
import { FIXTURE_CONTEXT, FIXTURE_FORBIDDEN, UNREACHABLE_CONTEXT } from './fixture-settings';

const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-e2e-'));
const api = await startFixtureApiServer({
  scenarioFile: path.join('scenarios', 'lab.yaml'),
  host: '127.0.0.1',
  port: 0,
  kubeconfigPath: path.join(dir, 'kubeconfig'),
  contextName: FIXTURE_CONTEXT,
  forbidden: [FIXTURE_FORBIDDEN],
});

// A second context, as people have for a stopped cluster: port 1 on loopback answers nothing.
const kubeconfig = parse(readFileSync(api.kubeconfigPath, 'utf8'));
kubeconfig.clusters.push({ name: UNREACHABLE_CONTEXT, cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } });
kubeconfig.users.push({ name: UNREACHABLE_CONTEXT, user: { token: 'unused' } });
kubeconfig.contexts.push({ name: UNREACHABLE_CONTEXT, context: { cluster: UNREACHABLE_CONTEXT, user: UNREACHABLE_CONTEXT } });
writeFileSync(api.kubeconfigPath, stringify(kubeconfig));

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
