import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureApiServer, type FixtureApiServer } from './server';

const root = path.join(import.meta.dirname, '..', '..');
const scenario = path.join(root, 'scenarios', 'bare-metal-metallb.yaml');

interface RawAnswer {
  status: number;
  body: any;
}

/** One HTTPS request to the fixture server, trusting its generated CA. */
function get(server: FixtureApiServer, pathAndQuery: string, token: string | null = server.token): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${pathAndQuery}`,
      { ca: server.caPem, headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function clientFor(server: FixtureApiServer): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return kc.makeApiClient(CoreV1Api);
}

describe('fixture API server', () => {
  let server: FixtureApiServer;
  beforeAll(async () => {
    server = await startFixtureApiServer({ scenarioFile: scenario });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 401 with a Status object without the bearer token', async () => {
    for (const token of [null, 'wrong']) {
      const answer = await get(server, '/api/v1/nodes', token);
      expect(answer).toEqual({
        status: 401,
        body: expect.objectContaining({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 }),
      });
    }
  });

  it.each([
    ['/api/v1/nodes', 'NodeList', ['cp-1', 'wk-a', 'wk-b']],
    ['/api/v1/nodes?labelSelector=node-role.kubernetes.io/worker', 'NodeList', ['wk-a', 'wk-b']],
    ['/api/v1/nodes?labelSelector=!node-role.kubernetes.io/worker', 'NodeList', ['cp-1']],
    ['/api/v1/nodes?labelSelector=kubernetes.io/hostname%20in%20(cp-1,wk-b)', 'NodeList', ['cp-1', 'wk-b']],
    ['/api/v1/pods?fieldSelector=spec.nodeName%3Dwk-b,metadata.namespace!%3Dmonitoring', 'PodList', ['api-gateway-6c5b4d9f8-d3e4f', 'hopscope-echo-7f9d8c6b5-k2p7d', 'shop-5d7c9b8f4-8qv4n']],
    ['/api/v1/namespaces/monitoring/pods?labelSelector=app%3Dinfluxdb', 'PodList', ['influxdb']],
    ['/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices', 'EndpointSliceList', ['shop-h7t2c']],
    ['/apis/networking.k8s.io/v1/ingressclasses', 'IngressClassList', ['nginx']],
    ['/apis/metallb.io/v1beta1/servicel2statuses?labelSelector=metallb.io/service-name%3Djellyfin', 'ServiceL2StatusList', ['l2-q4m8d']],
    ['/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools', 'IPAddressPoolList', ['bgp-pool', 'public']],
    ['/apis/apps/v1/namespaces/kube-system/daemonsets', 'DaemonSetList', ['calico-node']],
  ])('lists %s', async (url, kind, names) => {
    const answer = await get(server, url);
    expect(answer.status).toBe(200);
    expect(answer.body.kind).toBe(kind);
    expect(answer.body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(answer.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort()).toEqual([...names].sort());
  });

  it.each([
    ['/api/v1/namespaces/shop/services/shop', 200, 'Service'],
    ['/api/v1/nodes/wk-a', 200, 'Node'],
    ['/api/v1/namespaces/shop/services/nope', 404, 'Status'],
    ['/api/v1/namespaces/default/unknownthings', 404, 'Status'],
    ['/apis/crd.projectcalico.org/v1/ippools', 404, 'Status'],
    ['/apis/example.com/v1/widgets', 404, 'Status'],
    ['/api/v1/namespaces/default/nodes', 404, 'Status'],
  ])('GET %s → %i %s', async (url, status, kind) => {
    const answer = await get(server, url);
    expect(answer.status).toBe(status);
    expect(answer.body.kind).toBe(kind);
    if (status === 404) expect(answer.body).toMatchObject({ reason: 'NotFound', code: 404 });
  });

  it('pages lists with limit and continue, in key order', async () => {
    const first = await get(server, '/api/v1/pods?limit=4');
    expect(first.body.items).toHaveLength(4);
    expect(first.body.metadata).toMatchObject({ continue: expect.any(String), remainingItemCount: expect.any(Number) });
    const names: string[] = first.body.items.map((i: { metadata: { namespace: string; name: string } }) => `${i.metadata.namespace}/${i.metadata.name}`);
    let token: string | undefined = first.body.metadata.continue;
    while (token) {
      const page = await get(server, `/api/v1/pods?limit=4&continue=${encodeURIComponent(token)}`);
      names.push(...page.body.items.map((i: { metadata: { namespace: string; name: string } }) => `${i.metadata.namespace}/${i.metadata.name}`));
      token = page.body.metadata.continue;
    }
    const all = (await get(server, '/api/v1/pods')).body.items.map((i: { metadata: { namespace: string; name: string } }) => `${i.metadata.namespace}/${i.metadata.name}`);
    expect(names).toEqual(all);
    expect(all).toEqual([...all].sort());
    expect((await get(server, '/api/v1/pods?limit=2&continue=garbage')).status).toBe(400);
  });

  it('serves discovery documents and /version', async () => {
    expect((await get(server, '/version')).body.gitVersion).toMatch(/^v1\./);
    const groups = (await get(server, '/apis')).body.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'discovery.k8s.io', 'networking.k8s.io', 'metallb.io']));
    const core = (await get(server, '/api/v1')).body;
    expect(core.resources).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'nodes', namespaced: false })]));
  });

  it('answers 403 for forbidden resources, set at runtime', async () => {
    server.setForbidden(['ipaddresspools.metallb.io']);
    try {
      const answer = await get(server, '/apis/metallb.io/v1beta1/ipaddresspools');
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403, details: { group: 'metallb.io', kind: 'ipaddresspools' } });
      expect((await get(server, '/apis/metallb.io/v1beta1/l2advertisements')).status).toBe(200);
    } finally {
      server.setForbidden([]);
    }
  });

  it('creates, reads, lists, updates, patches and deletes ConfigMaps through @kubernetes/client-node', async () => {
    const core = clientFor(server);
    const namespace = 'hopscope';
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'snapshot-abc', labels: { 'app.kubernetes.io/part-of': 'hopscope' } }, data: { 'snapshot.json': '{"v":1}' } },
    });
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    await expect(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'snapshot-abc' } } })).rejects.toMatchObject({ code: 409 });

    const read = await core.readNamespacedConfigMap({ namespace, name: 'snapshot-abc' });
    expect(read.data).toEqual({ 'snapshot.json': '{"v":1}' });
    const listed = await core.listNamespacedConfigMap({ namespace, labelSelector: 'app.kubernetes.io/part-of=hopscope' });
    expect(listed.items.map((c) => c.metadata?.name)).toEqual(['snapshot-abc']);

    const replaced = await core.replaceNamespacedConfigMap({ namespace, name: 'snapshot-abc', body: { ...read, data: { 'snapshot.json': '{"v":2}' } } });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(read.metadata?.resourceVersion));
    await expect(
      core.replaceNamespacedConfigMap({ namespace, name: 'snapshot-abc', body: { ...read, data: { stale: 'write' } } }),
    ).rejects.toMatchObject({ code: 409 });

    const patched = await core.patchNamespacedConfigMap(
      { namespace, name: 'snapshot-abc', body: { data: { note: 'merged' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ 'snapshot.json': '{"v":2}', note: 'merged' });

    await core.deleteNamespacedConfigMap({ namespace, name: 'snapshot-abc' });
    await expect(core.readNamespacedConfigMap({ namespace, name: 'snapshot-abc' })).rejects.toMatchObject({ code: 404 });
  });

  it('watch sends ADDED for what exists, stays open and streams later changes', async () => {
    const core = clientFor(server);
    await core.createNamespacedConfigMap({ namespace: 'watch-ns', body: { metadata: { name: 'first' }, data: { a: '1' } } });
    const events: { type: string; name: string }[] = [];
    const req = request(`${server.url}/api/v1/namespaces/watch-ns/configmaps?watch=1`, {
      ca: server.caPem,
      headers: { Authorization: `Bearer ${server.token}` },
    });
    let finished = false;
    const done = new Promise<void>((resolve, reject) => {
      req.on('error', (err) => finished || reject(err));
      req.on('response', (res) => {
        // Closing the watch ourselves aborts the response: expected once we have what we waited for.
        res.on('error', (err) => finished || reject(err));
        const lines = createInterface({ input: res });
        lines.on('line', (line) => {
          const event = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
          events.push({ type: event.type, name: event.object.metadata.name });
          if (event.type === 'ADDED' && event.object.metadata.name === 'first') {
            core.createNamespacedConfigMap({ namespace: 'watch-ns', body: { metadata: { name: 'second' } } }).catch(reject);
          }
          if (event.object.metadata.name === 'second') {
            finished = true;
            res.destroy();
            resolve();
          }
        });
      });
    });
    req.end();
    await done;
    expect(events).toEqual([
      { type: 'ADDED', name: 'first' },
      { type: 'ADDED', name: 'second' },
    ]);
  });
});

describe('fixture API server scenario options and CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hopscope-fixture-test-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each distinct resource request once, with its Kubernetes verb, forbidden ones included', async () => {
    const server = await startFixtureApiServer({ scenarioFile: scenario, forbidden: ['services'] });
    try {
      await get(server, '/api/v1/pods?limit=2');
      await get(server, '/api/v1/pods?labelSelector=app%3Dshop');
      await get(server, '/api/v1/namespaces/shop/services/shop');
      await get(server, '/version');
      await get(server, '/api/v1/nodes', 'wrong');
      expect(server.resourceRequests()).toEqual([
        { verb: 'list', group: '', version: 'v1', resource: 'pods', namespace: null, name: null },
        { verb: 'get', group: '', version: 'v1', resource: 'services', namespace: 'shop', name: 'shop' },
      ]);
    } finally {
      await server.close();
    }
  });

  it('takes forbidden resources and extra API groups from the scenario header', async () => {
    const file = path.join(dir, 'header.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: hopscope.dev/v1alpha1',
        'kind: Scenario',
        'metadata: { name: header-test }',
        'spec:',
        '  title: header test',
        '  description: forbidden and apiGroups from the header',
        '  fixture: { forbidden: [services], apiGroups: [metallb.io] }',
        '---',
        'apiVersion: v1',
        'kind: Node',
        'metadata: { name: n1 }',
      ].join('\n'),
    );
    const server = await startFixtureApiServer({ scenarioFile: file });
    try {
      expect((await get(server, '/api/v1/services')).status).toBe(403);
      expect((await get(server, '/apis/metallb.io/v1beta1/ipaddresspools')).body.items).toEqual([]);
      expect((await get(server, '/api/v1/nodes')).body.items).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('CLI: serves a scenario, writes a kubeconfig client-node loads unchanged, stops on SIGTERM', async () => {
    const kubeconfig = path.join(dir, 'cli-kubeconfig');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts'), '--scenario', scenario, '--port', '0', '--kubeconfig', kubeconfig, '--context', 'cli'],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const ready = JSON.parse(first) as { url: string; kubeconfig: string; context: string };
      expect(ready).toMatchObject({ kubeconfig, context: 'cli' });
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      expect(kc.getCurrentContext()).toBe('cli');
      const nodes = await kc.makeApiClient(CoreV1Api).listNode();
      expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['cp-1', 'wk-a', 'wk-b']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
