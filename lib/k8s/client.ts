import 'server-only';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { config } from '../config';
import { HopscopeError } from '../errors';
import { DeadlineExceeded } from './errors';
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
}

export interface KubeTarget {
  kubeConfig: KubeConfig;
  mode: 'kubeconfig' | 'in-cluster';
  context: string;
  server: string;
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
  return { kubeConfig, mode, context: currentName(), server: cluster.server };
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
 * cannot reach (credential plugins, token refresh).
 */
export async function bounded<T>(timeoutMs: number, step: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineExceeded(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([step(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
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

  constructor(
    private readonly target: KubeTarget,
    private readonly timeoutMs: number,
  ) {}

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
      const text = await response.body.text();
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
        throw new ApiException(response.httpStatusCode, `HTTP ${response.httpStatusCode} from GET ${path}`, parseOrText(text), response.headers);
      }
      return JSON.parse(text) as T;
    });
  }

  /** Every item of a list, page by page (`limit`/`continue`, as kubectl does), keeping only what `keep` accepts. */
  async list<T>(path: string, keep: (item: T) => boolean = () => true, pageSize = 500): Promise<T[]> {
    const kept: T[] = [];
    let token: string | undefined;
    do {
      const page = await this.get<ListPage<T>>(path, { limit: String(pageSize), ...(token ? { continue: token } : {}) });
      for (const item of page.items ?? []) if (keep(item)) kept.push(slim(item));
      token = page.metadata?.continue || undefined;
    } while (token);
    return kept;
  }
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
