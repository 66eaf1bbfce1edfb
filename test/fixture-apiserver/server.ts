import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { isIPv6 } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseScenarioManifest, type ManifestObject } from '@/lib/demo/manifest';
import { Auth } from './auth';
import { generateServingCertificates } from './certs';
import { discoveryDocument } from './discovery-docs';
import type { Misbehaviour } from './misbehave';
import { kubeconfigYaml, writeKubeconfig, type KubeconfigOptions, type KubeconfigSource } from './kubeconfig';
import { ResourceRegistry } from './resources';
import { RestApi, type ResourceRequest } from './rest';
import { sendError, sendJson, statusBody } from './status';
import { ObjectStore } from './store';
import { Watches } from './watch';

// A small Kubernetes API server for tests and the lab: it serves the objects of a scenario manifest on the
// real REST paths over HTTPS with bearer-token auth, so `@kubernetes/client-node` runs against it unchanged
// through a generated kubeconfig. It answers lists (cluster-wide and namespaced, label/field selectors,
// limit/continue paging), gets, watches (ADDED for what exists, then live changes),
// create/update/patch/delete, and the Status objects the real apiserver sends for 401/403/404/409.
// Asked to, its lists misbehave on purpose (endless `continue`, huge bodies, slow pages: misbehave.ts).
// This module wires the parts: store, watches, REST paths, discovery documents, auth and kubeconfig.

export type { KubeconfigOptions } from './kubeconfig';
export type { ResourceRequest } from './rest';
export type { Misbehaviour } from './misbehave';

export interface FixtureApiServerOptions {
  /** A scenario manifest file (see scenarios/README.md). */
  scenarioFile?: string;
  /** Objects to serve, instead of or in addition to the scenario file's. */
  objects?: ManifestObject[];
  /** Listen port; 0 picks a free one. */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Host written into the kubeconfig when `host` is a wildcard address. */
  advertiseHost?: string;
  /** Extra IPs / DNS names for the serving certificate. */
  altNames?: string[];
  /** Bearer token clients must send; random when unset. */
  token?: string;
  /** Resources answered with 403, as `<plural>.<group>` (core: `<plural>`); adds to the scenario's list. */
  forbidden?: string[];
  /** API groups served (as empty lists) even without objects. */
  apiGroups?: string[];
  /** Delay before every API answer, to exercise client timeouts. */
  delayMs?: number;
  /** Lists that misbehave on purpose (endless `continue`, huge bodies, slow pages) for tests of client bounds. */
  misbehave?: Misbehaviour;
  /** Where to write the kubeconfig; a temporary file (removed on close) when unset. */
  kubeconfigPath?: string;
  contextName?: string;
}

export interface FixtureApiServer {
  url: string;
  host: string;
  port: number;
  token: string;
  caPem: string;
  contextName: string;
  kubeconfigPath: string;
  /** A kubeconfig for this server as YAML; override token/context/server to build broken variants. */
  kubeconfig(options?: KubeconfigOptions): string;
  writeKubeconfig(file: string, options?: KubeconfigOptions): string;
  setForbidden(resources: string[]): void;
  setDelay(ms: number): void;
  /** Replaces the misbehaviour of lists (null: behave). */
  setMisbehaviour(misbehaviour: Misbehaviour | null): void;
  /** Number of API requests answered (after auth), for tests that assert on traffic. */
  requestCount(): number;
  /** The distinct resource requests received (after auth, forbidden ones included), for tests that assert on what a client reads. */
  resourceRequests(): ResourceRequest[];
  /** The same requests, each with how many times it came (every page of a list counted). */
  resourceRequestCounts(): (ResourceRequest & { count: number })[];
  /** Filler bytes written so far by padded list answers (at most what the clients read, plus socket buffers). */
  paddingBytesSent(): number;
  close(): Promise<void>;
}

const HEALTH_PATHS = ['/healthz', '/readyz', '/livez'];

export async function startFixtureApiServer(options: FixtureApiServerOptions = {}): Promise<FixtureApiServer> {
  const manifest = options.scenarioFile
    ? parseScenarioManifest(readFileSync(options.scenarioFile, 'utf8'), path.basename(options.scenarioFile))
    : null;
  const registry = new ResourceRegistry([...(manifest?.fixture.apiGroups ?? []), ...(options.apiGroups ?? [])]);
  const watches = new Watches();
  const store = new ObjectStore(watches.notify);
  for (const object of [...(manifest?.objects ?? []), ...(options.objects ?? [])]) {
    store.put(registry.forObject(object.apiVersion, object.kind, object.metadata.namespace !== undefined), object);
  }
  const auth = new Auth(options.token, manifest?.fixture.forbidden ?? [], options.forbidden);
  let misbehaviour = options.misbehave ?? null;
  const rest = new RestApi({
    registry,
    store,
    watches,
    authorize: (target, verb) => auth.authorize(target, verb),
    misbehaviour: () => misbehaviour,
  });
  let delayMs = options.delayMs ?? 0;
  let answered = 0;

  const host = options.host ?? '127.0.0.1';
  const advertiseHost = options.advertiseHost ?? (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);
  const certs = generateServingCertificates(['127.0.0.1', '::1', 'localhost', host, advertiseHost, ...(options.altNames ?? [])]);
  const sockets = new Set<Socket>();

  const server = createServer({ cert: certs.certPem, key: certs.keyPem }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://fixture.invalid');
    if (HEALTH_PATHS.includes(url.pathname)) {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('ok');
      return;
    }
    if (!auth.authenticates(request)) {
      sendJson(response, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const answer = async () => {
      answered++;
      const document = request.method === 'GET' ? discoveryDocument(url.pathname, registry) : null;
      if (document !== null) return sendJson(response, 200, document);
      await rest.handle(request, response, url);
    };
    const run = () => answer().catch((err: unknown) => sendError(response, err));
    if (delayMs > 0) setTimeout(run, delayMs);
    else run();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${isIPv6(advertiseHost) ? `[${advertiseHost}]` : advertiseHost}:${port}`;
  const source: KubeconfigSource = { server: url, caPem: certs.caPem, token: auth.token, contextName: options.contextName ?? 'hopscope-fixture' };
  const ownDir = options.kubeconfigPath ? null : mkdtempSync(path.join(tmpdir(), 'hopscope-fixture-'));
  const kubeconfigPath = writeKubeconfig(options.kubeconfigPath ?? path.join(ownDir!, 'kubeconfig'), source);

  return {
    url,
    host,
    port,
    token: auth.token,
    caPem: certs.caPem,
    contextName: source.contextName,
    kubeconfigPath,
    kubeconfig: (overrides) => kubeconfigYaml(source, overrides),
    writeKubeconfig: (file, overrides) => writeKubeconfig(file, source, overrides),
    setForbidden: (resources) => auth.setForbidden(resources),
    setDelay: (ms) => {
      delayMs = ms;
    },
    setMisbehaviour: (next) => {
      misbehaviour = next;
    },
    requestCount: () => answered,
    resourceRequests: () => rest.requests(),
    resourceRequestCounts: () => rest.requestCounts(),
    paddingBytesSent: () => rest.paddingBytes(),
    close: async () => {
      watches.closeAll();
      const closed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      for (const socket of sockets) socket.destroy();
      await closed;
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
