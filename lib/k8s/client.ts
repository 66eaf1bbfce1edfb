import 'server-only';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig, Observable, type ConfigurationOptions, type ObservableMiddleware, type RequestContext, type ResponseContext } from '@kubernetes/client-node';
import { config } from '../config';
import { HopscopeError } from '../errors';
import { DeadlineExceeded } from './errors';

// The one way hopscope talks to Kubernetes: load credentials like kubectl does, pick a context, and bound
// every call in time. Credentials never leave this module's KubeConfig.

export interface KubeSourceOptions {
  /** kubeconfig context to use instead of the current one. */
  context?: string;
  /** kubeconfig file(s) (path-list like $KUBECONFIG); defaults to config().kubeconfigPath, then ~/.kube/config. */
  kubeconfigPath?: string | null;
  /** Whether to fall back to the in-cluster service account; defaults to config().inCluster. */
  inCluster?: boolean;
}

export interface KubeTarget {
  kubeConfig: KubeConfig;
  mode: 'kubeconfig' | 'in-cluster';
  context: string;
  server: string;
}

export interface ContextSummary {
  name: string;
  cluster: string;
  server: string;
}

export interface ContextsResponse {
  mode: 'kubeconfig' | 'in-cluster' | 'demo';
  current: string | null;
  contexts: ContextSummary[];
}

/** kubectl's lookup order: $KUBECONFIG, then ~/.kube/config. */
function kubeconfigFiles(opts: KubeSourceOptions): string[] {
  const configured = opts.kubeconfigPath === undefined ? config().kubeconfigPath : opts.kubeconfigPath;
  if (configured) return configured.split(path.delimiter).filter((f) => f !== '' && existsSync(f));
  const home = path.join(homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

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
    kubeConfig.loadFromCluster();
    return { kubeConfig, mode: 'in-cluster' };
  }
  return null;
}

/** The cluster to talk to, or null when none is configured (no kubeconfig and not in a pod): demo mode. */
export function resolveKubeTarget(opts: KubeSourceOptions = {}): KubeTarget | null {
  const loaded = loadKubeConfig(opts);
  if (!loaded) {
    if (opts.context) {
      throw new HopscopeError('unknown_context', `context "${opts.context}" does not exist: no kubeconfig is configured`, 404, 'set KUBECONFIG or mount a kubeconfig');
    }
    return null;
  }
  const { kubeConfig, mode } = loaded;
  if (opts.context && opts.context !== kubeConfig.getCurrentContext()) {
    const names = kubeConfig.getContexts().map((c) => c.name);
    if (!names.includes(opts.context)) {
      throw new HopscopeError(
        'unknown_context',
        `context "${opts.context}" does not exist in the kubeconfig`,
        404,
        names.length > 0 ? `known contexts: ${names.join(', ')}` : 'the kubeconfig has no contexts',
      );
    }
    kubeConfig.setCurrentContext(opts.context);
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new HopscopeError('invalid_kubeconfig', `context "${kubeConfig.getCurrentContext()}" names no cluster`, 500, 'fix the kubeconfig');
  }
  return { kubeConfig, mode, context: kubeConfig.getCurrentContext(), server: cluster.server };
}

/** Contexts of the configured kubeconfig, without any credential. */
export function listContexts(opts: KubeSourceOptions = {}): ContextsResponse {
  const loaded = loadKubeConfig(opts);
  if (!loaded) return { mode: 'demo', current: null, contexts: [] };
  const { kubeConfig, mode } = loaded;
  const contexts = kubeConfig.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: kubeConfig.getCluster(c.cluster)?.server ?? '',
  }));
  return { mode, current: kubeConfig.getCurrentContext() || null, contexts };
}

/**
 * Per-call options that attach an abort signal to the HTTP request. The object-parameter APIs run the
 * observable API underneath, so call-time middleware is the observable kind; 'append' keeps the client's own.
 */
function timeoutOptions(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context: RequestContext) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/**
 * Runs one API call with a hard deadline: the signal aborts the socket, and the race also bounds the steps
 * before it (credential plugins, token refresh) that the signal cannot reach.
 */
export async function bounded<T>(timeoutMs: number, call: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
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
    return await Promise.race([call(timeoutOptions(controller.signal)), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
