// Benchmark (root, in the real-packet lab): a full trace of every lab path through POST /api/v1/traces versus the
// tutorial's own method in the same lab and run — `kubectl get` per resource, then one
// `curl --connect-timeout 1` after another per node and per path (docs/sources.md#seed-002, "Using Source IP"). Also shows that
// probe wall time stays near one probe timeout as the number of nodes grows. Budget: API time ≤ 0.2 × tutorial.
//   npm run bench:trace   (HOPSCOPE_BENCH_NODES=3,6,12,24: node counts; HOPSCOPE_PROBE_CONCURRENCY: the probe bound)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { NetPath, TraceEvent } from '@/lib/types';
import { parseNdjson } from '@/lib/probe/stream';
import { curlInNamespace, LAB, labDown, labUp, REPO_ROOT, requireRoot, startHopscopeInLab } from '../e2e/lab/lab';

const BUDGET = 0.2;
const LAB_SCENARIO = path.join(REPO_ROOT, 'scenarios', 'lab.yaml');
// What `kubectl get` would list to answer the tutorial's questions by hand, one resource at a time.
const RESOURCES = [
  '/api/v1/nodes',
  '/api/v1/services',
  '/api/v1/pods',
  '/api/v1/configmaps',
  '/apis/discovery.k8s.io/v1/endpointslices',
  '/apis/networking.k8s.io/v1/ingresses',
  '/apis/networking.k8s.io/v1/ingressclasses',
  '/apis/metallb.io/v1beta1/ipaddresspools',
  '/apis/metallb.io/v1beta1/l2advertisements',
  '/apis/metallb.io/v1beta1/servicel2statuses',
];

const ms = (start: number) => Math.round(performance.now() - start);

function timeApiTrace(baseUrl: string): { ms: number; probes: number; paths: number } {
  const started = performance.now();
  const response = curlInNamespace(LAB.hopscopeNamespace, `${baseUrl}/api/v1/traces`, { method: 'POST', body: '{}', maxTimeSeconds: 120 });
  const elapsed = ms(started);
  const events = parseNdjson(response.body);
  const done = events.at(-1);
  if (response.status !== 200 || done?.type !== 'done') throw new Error(`trace failed (${response.status}): ${response.body.slice(-500)}`);
  const start = events[0] as Extract<TraceEvent, { type: 'start' }>;
  return { ms: elapsed, probes: start.probeCount, paths: done.trace.paths.length };
}

/** The tutorial's URLs for one path: every node for a NodePort, else the entry address (with Host for an Ingress). */
function tutorialRequests(paths: NetPath[], nodeIPs: string[]): { url: string; host: string | null }[] {
  return paths.flatMap((p) => {
    const { entry } = p;
    if (entry.kind === 'egress' || !entry.port) return [];
    if (entry.kind === 'nodePort' && !entry.address) return nodeIPs.map((ip) => ({ url: `http://${ip}:${entry.port}/`, host: null }));
    return entry.address ? [{ url: `http://${entry.address}:${entry.port}/`, host: entry.host }] : [];
  });
}

function timeTutorialMethod(baseUrl: string, kubeconfigPath: string): { ms: number; requests: number } {
  const kubeconfig = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    clusters: { cluster: { server: string } }[];
    users: { user: { token: string } }[];
  };
  const server = kubeconfig.clusters[0]!.cluster.server;
  const token = kubeconfig.users[0]!.user.token;
  const paths = (JSON.parse(curlInNamespace(LAB.hopscopeNamespace, `${baseUrl}/api/v1/paths`).body) as { paths: NetPath[] }).paths;
  const started = performance.now();
  let nodeIPs: string[] = [];
  for (const resource of RESOURCES) {
    const run = spawnSync('ip', ['netns', 'exec', LAB.hopscopeNamespace, 'curl', '-sk', '-H', `Authorization: Bearer ${token}`, `${server}${resource}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (resource === '/api/v1/nodes') {
      const nodes = JSON.parse(run.stdout) as { items: { status: { addresses: { type: string; address: string }[] } }[] };
      nodeIPs = nodes.items.map((n) => n.status.addresses.find((a) => a.type === 'InternalIP')!.address);
    }
  }
  const requests = tutorialRequests(paths, nodeIPs);
  for (const { url, host } of requests) {
    const args = ['netns', 'exec', LAB.hopscopeNamespace, 'curl', '--connect-timeout', '1', '-s', '-o', '/dev/null'];
    spawnSync('ip', [...args, ...(host ? ['-H', `Host: ${host}`] : []), url]);
  }
  return { ms: ms(started), requests: requests.length + RESOURCES.length };
}

/** scenarios/lab.yaml with nodes 4..n added (same shape as node3), for a lab built with n nodes. */
function scenarioWithNodes(n: number): string {
  const docs = readFileSync(LAB_SCENARIO, 'utf8').split(/^---$/m);
  const node3 = docs.find((d) => /kind: Node\n/.test(d) && /name: node3\n/.test(d))!;
  const extra = Array.from({ length: n - 3 }, (_, i) => {
    const k = i + 4;
    const node = parse(node3) as Record<string, any>;
    node.metadata.name = `node${k}`;
    node.metadata.labels['kubernetes.io/hostname'] = `node${k}`;
    node.spec.podCIDR = `10.244.${k}.0/24`;
    node.spec.podCIDRs = [`10.244.${k}.0/24`];
    node.spec.providerID = `openstack:///00000000-0000-4000-8000-${String(100 + k).padStart(12, '0')}`;
    node.status.addresses = [{ type: 'InternalIP', address: LAB.nodeIP(k) }, { type: 'Hostname', address: `node${k}` }];
    return `\n${stringify(node)}`;
  });
  const file = path.join(LAB.stateDir, `lab-${n}-nodes.yaml`);
  writeFileSync(file, [...docs, ...extra].join('---'));
  return file;
}

async function main() {
  requireRoot();
  labDown();
  console.log('hopscope trace benchmark (real-packet lab)\n');

  const up = labUp();
  const hopscope = await startHopscopeInLab();
  try {
    timeApiTrace(hopscope.baseUrl); // warm-up: first request compiles routes, opens the API client
    const api = timeApiTrace(hopscope.baseUrl);
    const tutorial = timeTutorialMethod(hopscope.baseUrl, hopscope.kubeconfig);
    const ratio = api.ms / tutorial.ms;
    console.log(`lab up: ${Math.round(up.ms)} ms (3 nodes)`);
    console.log(`API trace of every path: ${api.ms} ms (${api.paths} paths, ${api.probes} probes, parallel)`);
    console.log(`tutorial method:         ${tutorial.ms} ms (${tutorial.requests} sequential kubectl-get / curl requests)`);
    console.log(`ratio: ${ratio.toFixed(3)} (budget ≤ ${BUDGET}) ${ratio <= BUDGET ? 'OK' : 'OVER BUDGET'}\n`);
    if (ratio > BUDGET) process.exitCode = 1;
  } finally {
    await hopscope.stop();
  }

  const counts = (process.env.HOPSCOPE_BENCH_NODES ?? '3,6,12,24').split(',').map(Number);
  const bound = process.env.HOPSCOPE_PROBE_CONCURRENCY ?? 'default';
  console.log(`probe wall time vs nodes (probe timeout 1500 ms, concurrency ${bound}; the model groups alike nodes into one path):`);
  console.log('nodes  probes  wall ms');
  for (const n of counts) {
    labUp({ nodes: n });
    const lab = await startHopscopeInLab({ scenarioFile: scenarioWithNodes(n) });
    try {
      timeApiTrace(lab.baseUrl);
      const run = timeApiTrace(lab.baseUrl);
      console.log(`${String(n).padStart(5)}  ${String(run.probes).padStart(6)}  ${String(run.ms).padStart(7)}`);
    } finally {
      await lab.stop();
    }
  }
  const down = labDown();
  console.log(`\nlab down: ${Math.round(down.ms)} ms`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  try {
    labDown();
  } finally {
    process.exit(1);
  }
});
