// `hopscope check` at scale: 10,000 manifest files (one ingress-nginx, then applications of a Deployment, a
// Service and an Ingress each, as `helm template --output-dir` writes them) in a temporary directory, checked by
// the real bin as CI runs it. Prints the wall time and the paths predicted; the target is seconds.
// Usage: npm run bench:check [-- --files 10000]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';

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

const started = performance.now();
const child = spawn(process.execPath, [path.join(root, 'bin', 'hopscope.mjs'), 'check', '-f', dir, '-o', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
const seconds = (performance.now() - started) / 1000;
rmSync(dir, { recursive: true, force: true });
if (code !== 0) {
  console.error(`hopscope check exited ${code}`);
  process.exit(1);
}
const answer = JSON.parse(out) as { paths: unknown[] };
console.log(`hopscope check: ${FILES} manifest files, ${answer.paths.length} paths predicted in ${seconds.toFixed(2)} s (including the CLI's start-up)`);
