import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isIPv6 } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseScenarioManifest, type ManifestObject } from '../../lib/demo/manifest';
import { generateServingCertificates } from './certs';
import { BUILT_IN_GROUPS, qualifiedName, ResourceRegistry, splitApiVersion, type ResourceType } from './resources';
import { fieldLookup, matches, parseSelector } from './selectors';

// A small Kubernetes API server for tests and the lab: it serves the objects of a scenario manifest on the
// real REST paths over HTTPS with bearer-token auth, so `@kubernetes/client-node` runs against it unchanged
// through a generated kubeconfig. It answers lists (cluster-wide and namespaced, label/field selectors,
// limit/continue paging), gets, watches (ADDED for what exists, then live changes),
// create/update/patch/delete, and the Status objects the real apiserver sends for 401/403/404/409.

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
  /** Where to write the kubeconfig; a temporary file (removed on close) when unset. */
  kubeconfigPath?: string;
  contextName?: string;
}

export interface KubeconfigOptions {
  token?: string;
  contextName?: string;
  server?: string;
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
  /** Number of API requests answered (after auth), for tests that assert on traffic. */
  requestCount(): number;
  close(): Promise<void>;
}

type StoredObject = ManifestObject & { metadata: ManifestObject['metadata'] & { resourceVersion: string; uid: string } };

interface Watcher {
  resource: ResourceType;
  namespace: string | null;
  accepts: (object: StoredObject) => boolean;
  response: ServerResponse;
}

interface RequestTarget {
  resource: ResourceType;
  namespace: string | null;
  name: string | null;
}

class HttpStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const SERVICE_ACCOUNT_USER = 'system:serviceaccount:hopscope:hopscope';

function statusBody(code: number, reason: string, message: string, details: Record<string, unknown> = {}) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

function sendJson(response: ServerResponse, code: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

/** RFC 7386 JSON merge patch, which is also what a strategic merge patch does to ConfigMap-like objects. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpStatusError(400, 'BadRequest', 'request body is empty');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpStatusError(400, 'BadRequest', 'request body is not valid JSON');
  }
}

export async function startFixtureApiServer(options: FixtureApiServerOptions = {}): Promise<FixtureApiServer> {
  const manifest = options.scenarioFile
    ? parseScenarioManifest(readFileSync(options.scenarioFile, 'utf8'), path.basename(options.scenarioFile))
    : null;
  const registry = new ResourceRegistry();
  const store = new Map<ResourceType, Map<string, StoredObject>>();
  const servedGroups = new Set([...BUILT_IN_GROUPS, ...(manifest?.fixture.apiGroups ?? []), ...(options.apiGroups ?? [])]);
  const scenarioForbidden = manifest?.fixture.forbidden ?? [];
  let forbidden = new Set([...scenarioForbidden, ...(options.forbidden ?? [])]);
  let delayMs = options.delayMs ?? 0;
  let resourceVersion = 1;
  let answered = 0;
  const watchers = new Set<Watcher>();
  /** Objects per resource in etcd key order (namespace/name), rebuilt after a change; pages are cut from it. */
  const sorted = new Map<ResourceType, StoredObject[]>();

  const keyOf = (namespace: string | null | undefined, name: string) => `${namespace ?? ''}/${name}`;
  const bucket = (resource: ResourceType) => {
    let objects = store.get(resource);
    if (!objects) store.set(resource, (objects = new Map()));
    return objects;
  };

  function notify(type: 'ADDED' | 'MODIFIED' | 'DELETED', resource: ResourceType, object: StoredObject) {
    for (const watcher of watchers) {
      if (watcher.resource !== resource) continue;
      if (watcher.namespace !== null && watcher.namespace !== object.metadata.namespace) continue;
      if (watcher.accepts(object)) watcher.response.write(JSON.stringify({ type, object }) + '\n');
    }
  }

  function put(resource: ResourceType, object: ManifestObject, uid?: string): StoredObject {
    const stored = structuredClone(object) as StoredObject;
    stored.metadata.resourceVersion = String(++resourceVersion);
    stored.metadata.uid = uid ?? (typeof object.metadata.uid === 'string' ? object.metadata.uid : randomUUID());
    stored.metadata.creationTimestamp ??= new Date().toISOString();
    bucket(resource).set(keyOf(stored.metadata.namespace, stored.metadata.name), stored);
    sorted.delete(resource);
    return stored;
  }

  for (const object of [...(manifest?.objects ?? []), ...(options.objects ?? [])]) {
    const resource = registry.forObject(object.apiVersion, object.kind, object.metadata.namespace !== undefined);
    servedGroups.add(resource.group);
    put(resource, object);
  }

  function resolve(url: URL): RequestTarget {
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 3) {
      group = '';
      version = segments[1]!;
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 4) {
      group = segments[1]!;
      version = segments[2]!;
      rest = segments.slice(3);
    } else {
      throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    let namespace: string | null = null;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1]!;
      rest = rest.slice(2);
    }
    const resource = servedGroups.has(group) ? registry.lookup(group, version, rest[0]!) : undefined;
    if (!resource || rest.length > 2 || (namespace !== null && !resource.namespaced)) {
      throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    return { resource, namespace, name: rest[1] ?? null };
  }

  function checkAllowed(target: RequestTarget, verb: string) {
    const name = qualifiedName(target.resource);
    if (!forbidden.has(name)) return;
    const scope = target.namespace ? `in the namespace "${target.namespace}"` : 'at the cluster scope';
    throw new HttpStatusError(
      403,
      'Forbidden',
      `${name} is forbidden: User "${SERVICE_ACCOUNT_USER}" cannot ${verb} resource "${target.resource.plural}" in API group "${target.resource.group}" ${scope}`,
      { group: target.resource.group, kind: target.resource.plural },
    );
  }

  function notFound(target: RequestTarget): HttpStatusError {
    return new HttpStatusError(
      404,
      'NotFound',
      `${qualifiedName(target.resource)} "${target.name}" not found`,
      { name: target.name, group: target.resource.group, kind: target.resource.plural },
    );
  }

  function inKeyOrder(resource: ResourceType): StoredObject[] {
    let list = sorted.get(resource);
    if (!list) {
      const keyed = [...(store.get(resource)?.values() ?? [])].map((o) => [keyOf(o.metadata.namespace, o.metadata.name), o] as const);
      list = keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
      sorted.set(resource, list);
    }
    return list;
  }

  function selectObjects(target: RequestTarget, url: URL) {
    const labels = parseSelector(url.searchParams.get('labelSelector'));
    const fields = parseSelector(url.searchParams.get('fieldSelector'));
    const accepts = (object: StoredObject) =>
      (target.namespace === null || object.metadata.namespace === target.namespace) &&
      matches(labels, (key) => object.metadata.labels?.[key]) &&
      matches(fields, fieldLookup(object));
    const all = inKeyOrder(target.resource);
    const unfiltered = target.namespace === null && labels.length === 0 && fields.length === 0;
    return { items: unfiltered ? all : all.filter(accepts), accepts };
  }

  /** `limit`/`continue` chunking: the token carries the offset and the resourceVersion the first page saw. */
  function paginate(items: StoredObject[], url: URL) {
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const token = url.searchParams.get('continue');
    let offset = 0;
    if (token) {
      const decoded = /^(\d+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
      if (!decoded) throw new HttpStatusError(400, 'BadRequest', 'continue token is not valid');
      offset = Number(decoded[2]);
    }
    if (!Number.isInteger(limit) || limit <= 0 || offset + limit >= items.length) {
      return { items: items.slice(offset), metadata: { resourceVersion: String(resourceVersion) } };
    }
    const next = Buffer.from(`${resourceVersion}:${offset + limit}`).toString('base64url');
    return {
      items: items.slice(offset, offset + limit),
      metadata: { resourceVersion: String(resourceVersion), continue: next, remainingItemCount: items.length - offset - limit },
    };
  }

  function apiVersionOf(resource: ResourceType) {
    return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
  }

  function discovery(url: URL): unknown | null {
    const p = url.pathname.replace(/\/+$/, '');
    if (p === '/version') {
      return { major: '1', minor: '33', gitVersion: 'v1.33.0-hopscope-fixture', platform: 'linux/amd64' };
    }
    if (p === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (p === '/apis') {
      const groups = new Map<string, Set<string>>();
      for (const r of registry.all()) {
        if (r.group === '' || !servedGroups.has(r.group)) continue;
        if (!groups.has(r.group)) groups.set(r.group, new Set());
        groups.get(r.group)!.add(r.version);
      }
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => {
          const list = [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
          return { name, versions: list, preferredVersion: list[0] };
        }),
      };
    }
    const groupVersion = /^\/api\/(v1)$/.exec(p) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(p);
    if (!groupVersion) return null;
    const gv = splitApiVersion(groupVersion[1]!);
    if (!servedGroups.has(gv.group)) return null;
    const resources = registry.all().filter((r) => r.group === gv.group && r.version === gv.version);
    if (resources.length === 0) return null;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: groupVersion[1],
      resources: resources.map((r) => ({
        name: r.plural,
        singularName: r.kind.toLowerCase(),
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      })),
    };
  }

  function startWatch(target: RequestTarget, url: URL, request: IncomingMessage, response: ServerResponse) {
    const { items, accepts } = selectObjects(target, url);
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    for (const object of items) response.write(JSON.stringify({ type: 'ADDED', object }) + '\n');
    const watcher: Watcher = { resource: target.resource, namespace: target.namespace, accepts, response };
    watchers.add(watcher);
    request.socket.on('close', () => watchers.delete(watcher));
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL) {
    const target = resolve(url);
    const method = request.method ?? 'GET';
    const objects = bucket(target.resource);
    const watch = ['1', 'true'].includes(url.searchParams.get('watch') ?? '');

    if (method === 'GET' && target.name === null) {
      checkAllowed(target, watch ? 'watch' : 'list');
      if (watch) return startWatch(target, url, request, response);
      const page = paginate(selectObjects(target, url).items, url);
      return sendJson(response, 200, { kind: `${target.resource.kind}List`, apiVersion: apiVersionOf(target.resource), ...page });
    }
    if (method === 'GET') {
      checkAllowed(target, 'get');
      const object = objects.get(keyOf(target.namespace, target.name!));
      if (!object) throw notFound(target);
      return sendJson(response, 200, object);
    }
    if (method === 'POST' && target.name === null) {
      checkAllowed(target, 'create');
      const body = (await readBody(request)) as ManifestObject;
      const name = body?.metadata?.name;
      if (!name) throw new HttpStatusError(422, 'Invalid', `${target.resource.kind} is invalid: metadata.name: Required value`);
      if (objects.has(keyOf(target.namespace, name))) {
        throw new HttpStatusError(409, 'AlreadyExists', `${qualifiedName(target.resource)} "${name}" already exists`, {
          name,
          kind: target.resource.plural,
        });
      }
      const object = { ...body, apiVersion: apiVersionOf(target.resource), kind: target.resource.kind };
      object.metadata = { ...body.metadata, ...(target.namespace ? { namespace: target.namespace } : {}) };
      const stored = put(target.resource, object);
      notify('ADDED', target.resource, stored);
      return sendJson(response, 201, stored);
    }
    if (target.name === null) throw new HttpStatusError(405, 'MethodNotAllowed', `${method} is not supported on a collection`);

    const key = keyOf(target.namespace, target.name);
    const existing = objects.get(key);
    if (method === 'DELETE') {
      checkAllowed(target, 'delete');
      if (!existing) throw notFound(target);
      objects.delete(key);
      sorted.delete(target.resource);
      notify('DELETED', target.resource, existing);
      return sendJson(response, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: target.name, kind: target.resource.plural, uid: existing.metadata.uid },
      });
    }
    if (method === 'PUT' || method === 'PATCH') {
      checkAllowed(target, method === 'PUT' ? 'update' : 'patch');
      if (!existing) throw notFound(target);
      const body = await readBody(request);
      let next: ManifestObject;
      if (method === 'PUT') {
        const sent = body as ManifestObject;
        const sentVersion = sent?.metadata?.resourceVersion;
        if (sentVersion && sentVersion !== existing.metadata.resourceVersion) {
          throw new HttpStatusError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${qualifiedName(target.resource)} "${target.name}": the object has been modified; please apply your changes to the latest version and try again`,
          );
        }
        next = { ...sent, apiVersion: existing.apiVersion, kind: existing.kind };
      } else {
        const type = request.headers['content-type'] ?? '';
        if (!/merge-patch\+json/.test(type)) {
          throw new HttpStatusError(415, 'UnsupportedMediaType', `the fixture server applies merge patches only, not ${type}`);
        }
        next = mergePatch(existing, body) as ManifestObject;
      }
      next.metadata = { ...next.metadata, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) };
      const stored = put(target.resource, next, existing.metadata.uid);
      notify('MODIFIED', target.resource, stored);
      return sendJson(response, 200, stored);
    }
    throw new HttpStatusError(405, 'MethodNotAllowed', `${method} is not supported`);
  }

  const token = options.token ?? randomBytes(24).toString('hex');
  const host = options.host ?? '127.0.0.1';
  const advertiseHost = options.advertiseHost ?? (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);
  const certs = generateServingCertificates(['127.0.0.1', '::1', 'localhost', host, advertiseHost, ...(options.altNames ?? [])]);
  const sockets = new Set<Socket>();

  const server: Server = createServer({ cert: certs.certPem, key: certs.keyPem }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://fixture.invalid');
    if (['/healthz', '/readyz', '/livez'].includes(url.pathname)) {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('ok');
      return;
    }
    if (request.headers.authorization !== `Bearer ${token}`) {
      sendJson(response, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const answer = async () => {
      answered++;
      const about = discovery(url);
      if (about !== null && request.method === 'GET') return sendJson(response, 200, about);
      await handleApi(request, response, url);
    };
    const run = () =>
      answer().catch((err: unknown) => {
        if (response.headersSent) return response.destroy();
        if (err instanceof HttpStatusError) {
          return sendJson(response, err.code, statusBody(err.code, err.reason, err.message, err.details));
        }
        sendJson(response, 500, statusBody(500, 'InternalError', err instanceof Error ? err.message : String(err)));
      });
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
  const contextName = options.contextName ?? 'hopscope-fixture';

  const kubeconfig = (overrides: KubeconfigOptions = {}) => {
    const context = overrides.contextName ?? contextName;
    return stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: context,
          cluster: {
            server: overrides.server ?? url,
            'certificate-authority-data': Buffer.from(certs.caPem).toString('base64'),
          },
        },
      ],
      users: [{ name: `${context}-user`, user: { token: overrides.token ?? token } }],
      contexts: [{ name: context, context: { cluster: context, user: `${context}-user` } }],
      'current-context': context,
      preferences: {},
    });
  };
  const writeKubeconfig = (file: string, overrides?: KubeconfigOptions) => {
    writeFileSync(file, kubeconfig(overrides), { mode: 0o600 });
    return file;
  };

  const ownDir = options.kubeconfigPath ? null : mkdtempSync(path.join(tmpdir(), 'hopscope-fixture-'));
  const kubeconfigPath = writeKubeconfig(options.kubeconfigPath ?? path.join(ownDir!, 'kubeconfig'));

  return {
    url,
    host,
    port,
    token,
    caPem: certs.caPem,
    contextName,
    kubeconfigPath,
    kubeconfig,
    writeKubeconfig,
    setForbidden: (resources) => {
      forbidden = new Set([...scenarioForbidden, ...resources]);
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    requestCount: () => answered,
    close: async () => {
      for (const watcher of watchers) watcher.response.end();
      watchers.clear();
      const closed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      for (const socket of sockets) socket.destroy();
      await closed;
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
