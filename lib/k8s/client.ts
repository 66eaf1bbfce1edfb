import 'server-only';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext, type ResponseBody } from '@kubernetes/client-node';
import { config } from '../config';
import { HopscopeError } from '../errors';
import { readBodyText } from '../http/body';
import { DeadlineExceeded, DiscoveryDeadlineExceeded, ListTruncated, ResponseTooLarge } from './errors';
import { handOverExec } from './exec-credential';
import type { ContextsResponse, ContextSummary } from '../types';

// The one way hopscope talks to Kubernetes: load credentials like kubectl does, pick a context, and bound
// every call in time. Credentials never leave this module's KubeConfig.

export interface KubeSourceOptions {
  /** kubeconfig context to use instead of the current one. */
  context?: string;
  /** kubeconfig file(s) (path-list like $KUBECONFIG); defaults to config().kubeconfigPath, then ~/.kube/config. */
  kubeconfigPath?: string | null;
  /** Whether to fall back to the in-cluster service account; defaults to config().inCluster. */
  inCluster?: boolean;
  /** Prefix of the service-account mount (/var/run/secrets/kubernetes.io/serviceaccount); "" in a pod. */
  serviceAccountRoot?: string;
  /** Bound of one exec credential plugin run; defaults to config().execCredentialTimeoutMs. */
  execCredentialTimeoutMs?: number;
}

export interface KubeTarget {
  kubeConfig: KubeConfig;
  mode: 'kubeconfig' | 'in-cluster';
  context: string;
  server: string;
  /** Bound of one exec credential plugin run of this target's user (exec-credential.ts). */
  execCredentialTimeoutMs?: number;
}

/** kubectl's lookup order: $KUBECONFIG, then ~/.kube/config. */
function kubeconfigFiles(opts: KubeSourceOptions): string[] {
  const configured = opts.kubeconfigPath === undefined ? config().kubeconfigPath : opts.kubeconfigPath;
  if (configured) return configured.split(path.delimiter).filter((f) => f !== '' && existsSync(f));
  const home = path.join(homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

/** The name the in-cluster service account goes by as a "context" in the API and the UI. */
export const IN_CLUSTER_CONTEXT = 'in-cluster';

function loadKubeConfig(opts: KubeSourceOptions): { kubeConfig: KubeConfig; mode: KubeTarget['mode'] } | null {
  const files = kubeconfigFiles(opts);
  const kubeConfig = new KubeConfig();
  if (files.length > 0) {
    kubeConfig.loadFromFile(files[0]!);
    for (const extra of files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(extra);
      kubeConfig.mergeConfig(more, true);
    }
    // Exec credential plugins run bounded in time and are killed when they hang (exec-credential.ts).
    handOverExec(kubeConfig, () => opts.execCredentialTimeoutMs ?? config().execCredentialTimeoutMs);
    return { kubeConfig, mode: 'kubeconfig' };
  }
  if (opts.inCluster ?? config().inCluster) {
    kubeConfig.loadFromCluster(opts.serviceAccountRoot ?? '');
    return { kubeConfig, mode: 'in-cluster' };
  }
  return null;
}

/** The cluster to talk to, or null when none is configured (no kubeconfig and not in a pod): demo mode. */
export function resolveKubeTarget(opts: KubeSourceOptions = {}): KubeTarget | null {
  const loaded = loadKubeConfig(opts);
  if (!loaded) {
    if (opts.context) {
      throw new HopscopeError('unknown_context', `context "${opts.context}" does not exist: no kubeconfig is configured`, 'set KUBECONFIG or mount a kubeconfig');
    }
    return null;
  }
  const { kubeConfig, mode } = loaded;
  const currentName = () => (mode === 'in-cluster' ? IN_CLUSTER_CONTEXT : kubeConfig.getCurrentContext());
  if (opts.context && opts.context !== currentName()) {
    const names = mode === 'in-cluster' ? [IN_CLUSTER_CONTEXT] : kubeConfig.getContexts().map((c) => c.name);
    if (!names.includes(opts.context)) {
      throw new HopscopeError(
        'unknown_context',
        `context "${opts.context}" does not exist in the kubeconfig`,
        names.length > 0 ? `known contexts: ${names.join(', ')}` : 'the kubeconfig has no contexts',
      );
    }
    kubeConfig.setCurrentContext(opts.context);
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new HopscopeError('invalid_kubeconfig', `context "${currentName()}" names no cluster`, 'fix the kubeconfig');
  }
  const execCredentialTimeoutMs = opts.execCredentialTimeoutMs ?? config().execCredentialTimeoutMs;
  return { kubeConfig, mode, context: currentName(), server: cluster.server, execCredentialTimeoutMs };
}

/** Contexts of the configured kubeconfig, without any credential. */
export function listContexts(opts: KubeSourceOptions = {}): ContextsResponse {
  const loaded = loadKubeConfig(opts);
  if (!loaded) return { mode: 'demo', current: null, contexts: [] };
  const { kubeConfig, mode } = loaded;
  if (mode === 'in-cluster') {
    const server = kubeConfig.getCurrentCluster()?.server ?? '';
    return { mode, current: IN_CLUSTER_CONTEXT, contexts: [{ name: IN_CLUSTER_CONTEXT, cluster: IN_CLUSTER_CONTEXT, server }] };
  }
  const contexts = kubeConfig.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: kubeConfig.getCluster(c.cluster)?.server ?? '',
  }));
  return { mode, current: kubeConfig.getCurrentContext() || null, contexts };
}

/**
 * Runs one step with a hard deadline: the signal aborts the socket, and the race also bounds what the signal
 * cannot reach (credential plugins, token refresh). An aborted `outer` signal (the whole discovery's deadline,
 * the client gone) stops the step at once, with the outer reason.
 */
export async function bounded<T>(timeoutMs: number, step: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
  outer?.throwIfAborted();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onOuter: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const stop = (error: unknown) => {
      controller.abort(error);
      reject(error);
    };
    timer = setTimeout(() => stop(new DeadlineExceeded(timeoutMs)), timeoutMs);
    onOuter = () => stop(outer!.reason);
    outer?.addEventListener('abort', onOuter, { once: true });
  });
  try {
    return await Promise.race([step(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter!);
    // Whatever is still open of the request (a body left unread after an error) is closed with it.
    controller.abort();
  }
}

/** The bounds of one discovery; defaults: discoveryLimits(). */
export interface DiscoveryLimits {
  /** The whole discovery, every call and page of it. */
  deadlineMs: number;
  /** Pages read per listed resource. */
  maxPages: number;
  /** Items kept per listed resource. */
  maxItems: number;
  /** Body bytes of one answer. */
  maxResponseBytes: number;
}

/** The configured bounds (lib/config.ts), with `overrides` on top. */
export function discoveryLimits(overrides: Partial<DiscoveryLimits> = {}): DiscoveryLimits {
  const c = config();
  return {
    deadlineMs: overrides.deadlineMs ?? c.discoveryDeadlineMs,
    maxPages: overrides.maxPages ?? c.discoveryMaxPages,
    maxItems: overrides.maxItems ?? c.discoveryMaxItems,
    maxResponseBytes: overrides.maxResponseBytes ?? c.k8sMaxResponseBytes,
  };
}

export interface KubeApiOptions extends Partial<Omit<DiscoveryLimits, 'deadlineMs'>> {
  /** Stops every request at once when aborted (the discovery's deadline, the client gone). */
  signal?: AbortSignal;
  /** Told after every page of every list: what a terminal shows while a big cluster is read. */
  onPage?: DiscoveryProgress;
}

/** One page of a list has arrived: the list's path and the items it has kept so far. */
export type DiscoveryProgress = (page: { path: string; items: number }) => void;

/**
 * The body as text, counted while it streams in (lib/http/body.ts): past `limit` bytes (or a Content-Length above
 * it) reading stops, the connection is dropped and ResponseTooLarge is thrown, so a huge answer never sits in
 * memory whole.
 */
function boundedText(body: ResponseBody, headers: Record<string, string>, limit: number): Promise<string> {
  // undici's body stream, typed by client-node as over any ArrayBufferLike; its chunks are plain ArrayBuffer views.
  const stream = body.stream() as Request['body'];
  return readBodyText({ headers: new Headers(headers), body: stream }, limit, (size) => new ResponseTooLarge(limit, size));
}

interface ListPage<T> {
  items?: T[];
  metadata?: { continue?: string };
}

/**
 * Read-only JSON access to the apiserver over @kubernetes/client-node's own transport: the KubeConfig applies
 * authentication and TLS (tokens, client certs, exec plugins, in-cluster service account) and its fetch
 * library sends the request. Bodies are parsed as plain JSON instead of through the generated model classes,
 * which cost about twice the CPU and memory on 40,000-pod lists (see scripts/bench-discovery.ts); the raw
 * V1 shapes are the same. Every request is bounded by `timeoutMs`.
 */
export class KubeApi {
  private readonly http = new IsomorphicFetchHttpLibrary();
  private auth: Promise<RequestContext> | null = null;
  private readonly maxPages: number;
  private readonly maxItems: number;
  private readonly maxResponseBytes: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onPage: DiscoveryProgress;

  constructor(
    private readonly target: KubeTarget,
    private readonly timeoutMs: number,
    options: KubeApiOptions = {},
  ) {
    const limits = discoveryLimits(options);
    this.maxPages = limits.maxPages;
    this.maxItems = limits.maxItems;
    this.maxResponseBytes = limits.maxResponseBytes;
    this.signal = options.signal;
    this.onPage = options.onPage ?? (() => {});
  }

  /**
   * Applies the credentials once for every later request. An exec plugin has its own bound (and is killed past it),
   * so this waits a little longer than that, to report the plugin rather than a bare timeout.
   */
  credentials(): Promise<void> {
    const boundMs = Math.max(this.timeoutMs, (this.target.execCredentialTimeoutMs ?? 0) + 1_000);
    return bounded(boundMs, async () => void (await this.authenticated()), this.signal);
  }

  /** Credentials are applied once per KubeApi and their headers and connection pool reused for every request. */
  private authenticated(): Promise<RequestContext> {
    this.auth ??= (async () => {
      const context = new RequestContext(this.target.server, HttpMethod.GET);
      await this.target.kubeConfig.applySecurityAuthentication(context);
      return context;
    })();
    return this.auth;
  }

  /** GET a path; non-2xx answers throw client-node's ApiException with the Status body. */
  get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    return bounded(this.timeoutMs, async (signal) => {
      const auth = await this.authenticated();
      const request = new RequestContext(`${this.target.server.replace(/\/+$/, '')}${path}`, HttpMethod.GET);
      for (const [key, value] of Object.entries(query)) request.setQueryParam(key, value);
      for (const [key, value] of Object.entries(auth.getHeaders())) request.setHeaderParam(key, value);
      request.setHeaderParam('Accept', 'application/json');
      const dispatcher = auth.getDispatcher();
      if (dispatcher) request.setDispatcher(dispatcher);
      request.setSignal(signal);
      const response = await this.http.send(request).toPromise();
      const text = await boundedText(response.body, response.headers, this.maxResponseBytes);
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
        throw new ApiException(response.httpStatusCode, `HTTP ${response.httpStatusCode} from GET ${path}`, parseOrText(text), response.headers);
      }
      return JSON.parse(text) as T;
    }, this.signal);
  }

  /**
   * Every item of a list, page by page (`limit`/`continue`, as kubectl does), keeping only what `keep` accepts.
   * Bounded: at most maxPages pages and maxItems kept items (or the call's own lower bound), each page at most
   * maxResponseBytes; a list stopped at a bound (these, or a deadline after its first page) throws ListTruncated
   * with what it kept so far.
   */
  async list<T>(path: string, keep: (item: T) => boolean = () => true, bound: { maxItems?: number } = {}, pageSize = 500): Promise<T[]> {
    const maxItems = Math.min(this.maxItems, bound.maxItems ?? Infinity);
    const kept: T[] = [];
    // An object comes once in a real list; one that comes again is dropped, so repeats cost no memory or pairing.
    const seen = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      let page: ListPage<T>;
      try {
        page = await this.get<ListPage<T>>(path, { limit: String(pageSize), ...(token ? { continue: token } : {}) });
      } catch (err) {
        throw pages > 0 ? cutShort(err, kept, pages) : err;
      }
      pages++;
      const items = page.items ?? [];
      token = page.metadata?.continue || undefined;
      for (const item of items) {
        if (!keep(item)) continue;
        const id = identity(item);
        if (seen.has(id)) continue;
        if (kept.length >= maxItems) throw new ListTruncated(kept, 'items', maxItems, pages);
        seen.add(id);
        kept.push(slim(item));
      }
      this.onPage({ path, items: kept.length });
      if (token && kept.length >= maxItems) throw new ListTruncated(kept, 'items', maxItems, pages);
      if (token && pages >= this.maxPages) throw new ListTruncated(kept, 'pages', this.maxPages, pages);
    } while (token);
    return kept;
  }
}

/**
 * A later page that failed at a bound (too big, its own timeout, the discovery's deadline) keeps what the pages
 * before had; any other failure stays what it is.
 */
function cutShort(err: unknown, kept: unknown[], pages: number): unknown {
  if (err instanceof ResponseTooLarge) return new ListTruncated(kept, 'bytes', err.limitBytes, pages);
  if (err instanceof DiscoveryDeadlineExceeded) return new ListTruncated(kept, 'deadline', err.deadlineMs, pages);
  if (err instanceof DeadlineExceeded) return new ListTruncated(kept, 'timeout', err.timeoutMs, pages);
  return err;
}

/** uid, else namespace/name: what makes two list items the same object. */
function identity(item: unknown): string {
  const metadata = (item as { metadata?: { uid?: string; namespace?: string; name?: string } }).metadata;
  return metadata?.uid ? `uid:${metadata.uid}` : `name:${metadata?.namespace ?? ''}/${metadata?.name ?? ''}`;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Drops the bulkiest fields nothing here reads (managedFields, kubectl's last-applied copy) before keeping an item. */
function slim<T>(item: T): T {
  const metadata = (item as { metadata?: { managedFields?: unknown; annotations?: Record<string, string> } }).metadata;
  if (metadata) {
    delete metadata.managedFields;
    if (metadata.annotations) delete metadata.annotations[LAST_APPLIED];
  }
  return item;
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
