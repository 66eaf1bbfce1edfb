// `hopscope check` at scale: 10,000 manifest files (one ingress-nginx, then applications of a Deployment, a
// Service and an Ingress each, as `helm template --output-dir` writes them) in a temporary directory, checked by
// the real bin as CI runs it, from the repository and from the npm package's bundle. Prints the wall times and the
// paths predicted; the target is seconds.
// Usage: npm run bench:check [-- --files 10000]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { bundleCli, CLI_BUNDLE } from './bundle.mjs';

const { values } = parseArgs({ options: { files: { type: 'string', default: '10000' } } });
const FILES = Number(values.files);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-bench-check-'));

const controller = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' }, data: { 'use-forwarded-headers': 'true' } },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
    spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
    spec: {
      replicas: 2,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        spec: { containers: [{ name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.11.2', args: ['/nginx-ingress-controller', '--configmap=ingress-nginx/ingress-nginx-controller'] }] },
      },
    },
  },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } },
];

function app(i: number): object[] {
  const name = `app-${i}`;
  const namespace = `team-${i % 50}`;
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `example/${name}:1` }] } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, namespace },
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: `${name}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] } }],
      },
    },
  ];
}

const objects: object[] = [...controller];
for (let i = 0; objects.length < FILES; i++) objects.push(...app(i));
objects.length = FILES;
mkdirSync(path.join(dir, 'templates'));
objects.forEach((o, i) => writeFileSync(path.join(dir, 'templates', `${String(i).padStart(5, '0')}.yaml`), `---\n${stringify(o)}`));

// The same check by both launchers: the repository's (TypeScript through tsx) and the npm package's bundle
// (dist/cli.mjs, made here as prepack makes it; it finds scenarios and the dashboard from the package root, so it
// stays in dist/), side by side in one run.
const bundle = CLI_BUNDLE;
await bundleCli(bundle);
const launchers: [string, string[]][] = [
  ['repository (tsx)', [path.join(root, 'bin', 'hopscope.mjs')]],
  ['package (bundle)', ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(bundle)}); process.exitCode = await main(process.argv.slice(1));`]],
];

async function timed(launcher: string[]): Promise<{ seconds: number; paths: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...launcher, 'check', '-f', path.join(dir, 'templates'), '-o', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`hopscope check exited ${code}`);
  return { seconds: (performance.now() - started) / 1000, paths: (JSON.parse(out) as { paths: unknown[] }).paths.length };
}

try {
  const results = [];
  for (const [name, launcher] of launchers) results.push({ name, ...(await timed(launcher)) });
  for (const r of results) console.log(`hopscope check, ${r.name}: ${FILES} manifest files, ${r.paths} paths predicted in ${r.seconds.toFixed(2)} s (start-up included)`);
  if (results[0]!.paths !== results[1]!.paths) throw new Error('the two launchers predicted different paths');
  console.log(`ratio package / repository: ${(results[1]!.seconds / results[0]!.seconds).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
