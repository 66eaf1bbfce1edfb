import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ManifestObject } from '@/lib/demo/manifest';
import { endlessPage, misbehaviourFor, sendPadded, type Misbehaviour } from './misbehave';
import { apiVersionOf, qualifiedName, type ResourceRegistry, type ResourceType } from './resources';
import { requestFilter } from './selectors';
import { HttpStatusError, sendJson } from './status';
import type { ObjectStore, StoredObject } from './store';
import type { Watches } from './watch';

// The resource paths (/api/v1/… and /apis/<group>/<version>/…, cluster-wide or under /namespaces/<ns>/):
// each request is resolved to a resource, namespace and name, given its Kubernetes verb, logged,
// authorized, and then served from the store: list (paged), get, watch, create, update, merge patch, delete.

export interface RequestTarget {
  resource: ResourceType;
  namespace: string | null;
  name: string | null;
}

/** One resource request as an audit log names it. */
export interface ResourceRequest {
  verb: string;
  group: string;
  version: string;
  resource: string;
  namespace: string | null;
  name: string | null;
}

export interface RestDependencies {
  registry: ResourceRegistry;
  store: ObjectStore;
  watches: Watches;
  /** Throws the 403 when the verb is not allowed on the target. */
  authorize: (target: RequestTarget, verb: string) => void;
  /** Misbehaviour on purpose for tests of client bounds (misbehave.ts); none when unset or null. */
  misbehaviour?: () => Misbehaviour | null;
}

const notServed = () => new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');

function resolve(url: URL, registry: ResourceRegistry): RequestTarget {
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
    throw notServed();
  }
  let namespace: string | null = null;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  const resource = registry.lookup(group, version, rest[0]!);
  if (!resource || rest.length > 2 || (namespace !== null && !resource.namespaced)) throw notServed();
  return { resource, namespace, name: rest[1] ?? null };
}

const OBJECT_VERBS: Record<string, string> = { DELETE: 'delete', PUT: 'update', PATCH: 'patch' };

/** The Kubernetes verb of a request; methods a path does not take are 405 before anything else is checked. */
function verbOf(method: string, target: RequestTarget, url: URL): string {
  if (method === 'GET') {
    if (target.name !== null) return 'get';
    return ['1', 'true'].includes(url.searchParams.get('watch') ?? '') ? 'watch' : 'list';
  }
  if (method === 'POST' && target.name === null) return 'create';
  if (target.name === null) throw new HttpStatusError(405, 'MethodNotAllowed', `${method} is not supported on a collection`);
  const verb = OBJECT_VERBS[method];
  if (!verb) throw new HttpStatusError(405, 'MethodNotAllowed', `${method} is not supported`);
  return verb;
}

function notFound(target: RequestTarget): HttpStatusError {
  return new HttpStatusError(404, 'NotFound', `${qualifiedName(target.resource)} "${target.name}" not found`, {
    name: target.name,
    group: target.resource.group,
    kind: target.resource.plural,
  });
}

/** `limit`/`continue` chunking: the token carries the offset and the resourceVersion the first page saw. */
function paginate(items: StoredObject[], url: URL, resourceVersion: string) {
  const limit = Number(url.searchParams.get('limit') ?? '0');
  const token = url.searchParams.get('continue');
  let offset = 0;
  if (token) {
    const decoded = /^(\d+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
    if (!decoded) throw new HttpStatusError(400, 'BadRequest', 'continue token is not valid');
    offset = Number(decoded[2]);
  }
  if (!Number.isInteger(limit) || limit <= 0 || offset + limit >= items.length) {
    return { items: items.slice(offset), metadata: { resourceVersion } };
  }
  const next = Buffer.from(`${resourceVersion}:${offset + limit}`).toString('base64url');
  return {
    items: items.slice(offset, offset + limit),
    metadata: { resourceVersion, continue: next, remainingItemCount: items.length - offset - limit },
  };
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

export class RestApi {
  /** Distinct requests in the order first seen: pages of one list are one entry, so the log stays small. */
  private readonly log = new Map<string, ResourceRequest>();
  /** How many times each logged request came, every page counted. */
  private readonly counts = new Map<string, number>();
  private padding = 0;

  constructor(private readonly deps: RestDependencies) {}

  requests(): ResourceRequest[] {
    return [...this.log.values()];
  }

  requestCounts(): (ResourceRequest & { count: number })[] {
    return [...this.log].map(([key, entry]) => ({ ...entry, count: this.counts.get(key) ?? 0 }));
  }

  /** Filler bytes written by padded (misbehaving) list answers. */
  paddingBytes(): number {
    return this.padding;
  }

  async handle(request: IncomingMessage, response: ServerResponse, url: URL) {
    const { store } = this.deps;
    const target = resolve(url, this.deps.registry);
    const method = request.method ?? 'GET';
    const verb = verbOf(method, target, url);
    const { resource, namespace, name } = target;
    const entry: ResourceRequest = { verb, group: resource.group, version: resource.version, resource: resource.plural, namespace, name };
    const key = JSON.stringify(entry);
    this.log.set(key, entry);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.deps.authorize(target, verb);

    if (verb === 'list' || verb === 'watch') {
      const filter = requestFilter(namespace, url.searchParams);
      const all = store.inKeyOrder(resource);
      const items = filter ? all.filter(filter) : all;
      if (verb === 'watch') return this.deps.watches.open({ resource, accepts: filter ?? (() => true), response }, items, request);
      const odd = misbehaviourFor(this.deps.misbehaviour?.() ?? null, resource);
      const page = odd?.endlessContinue ? endlessPage(items, url, store.resourceVersion) : paginate(items, url, store.resourceVersion);
      const body = { kind: `${resource.kind}List`, apiVersion: apiVersionOf(resource), ...page };
      if (odd?.pageDelayMs) await new Promise((resolvePromise) => setTimeout(resolvePromise, odd.pageDelayMs));
      if (odd?.padBytes) return sendPadded(response, 200, body, odd.padBytes, (n) => (this.padding += n));
      return sendJson(response, 200, body);
    }
    if (verb === 'create') {
      const body = (await readBody(request)) as ManifestObject;
      const created = body?.metadata?.name;
      if (!created) throw new HttpStatusError(422, 'Invalid', `${resource.kind} is invalid: metadata.name: Required value`);
      if (store.get(resource, namespace, created)) {
        throw new HttpStatusError(409, 'AlreadyExists', `${qualifiedName(resource)} "${created}" already exists`, {
          name: created,
          kind: resource.plural,
        });
      }
      const object = { ...body, apiVersion: apiVersionOf(resource), kind: resource.kind };
      object.metadata = { ...body.metadata, ...(namespace ? { namespace } : {}) };
      return sendJson(response, 201, store.put(resource, object));
    }

    const existing = store.get(resource, namespace, name!);
    if (!existing) throw notFound(target);
    if (verb === 'get') return sendJson(response, 200, existing);
    if (verb === 'delete') {
      store.delete(resource, existing);
      return sendJson(response, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, kind: resource.plural, uid: existing.metadata.uid },
      });
    }
    const body = await readBody(request);
    let next: ManifestObject;
    if (verb === 'update') {
      const sent = body as ManifestObject;
      const sentVersion = sent?.metadata?.resourceVersion;
      if (sentVersion && sentVersion !== existing.metadata.resourceVersion) {
        throw new HttpStatusError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${qualifiedName(resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
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
    next.metadata = { ...next.metadata, name: name!, ...(namespace ? { namespace } : {}) };
    return sendJson(response, 200, store.put(resource, next, existing.metadata.uid));
  }
}
