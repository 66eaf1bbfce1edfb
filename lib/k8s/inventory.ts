import 'server-only';
import { createHash } from 'node:crypto';
import { config } from '../config';
import { loadScenario } from '../demo/scenarios';
import { recordDiscovery } from '../metrics';
import type { ClusterInventory, ClusterSource } from '../types';
import { discoveryLimits, resolveKubeTarget, type DiscoveryLimits, type DiscoveryProgress, type KubeSourceOptions, type KubeTarget } from './client';
import { checkApiServer, discoverRawObjects } from './discover';
import { normalizeInventory } from './normalize';
import { rawObjectsFromManifest } from './raw';
import { processState } from '@/lib/process-state';

export { listContexts } from './client';

export interface InventoryOptions extends KubeSourceOptions {
  /** Demo scenario id: forces demo mode. */
  scenario?: string;
  /** Defaults to config().forceDemo. */
  forceDemo?: boolean;
  /** Defaults to config().demoScenario. */
  demoScenario?: string;
  /** Per-call bound; defaults to config().k8sTimeoutMs. */
  timeoutMs?: number;
  /** Directory of scenario manifests; defaults to ./scenarios. */
  scenariosDir?: string;
  /**
   * The incoming request's signal: when the client goes away this caller stops waiting, and a discovery nobody
   * waits for any more stops paging.
   */
  signal?: AbortSignal;
  /** Bounds of the discovery on top of the configured ones (HOPSCOPE_DISCOVERY_*, HOPSCOPE_K8S_MAX_RESPONSE_BYTES). */
  limits?: Partial<DiscoveryLimits>;
  /** How long a finished live inventory is reused for the same source; defaults to config().inventoryTtlMs. */
  inventoryTtlMs?: number;
  /** Told after every page a live discovery reads; only the caller that starts a discovery is told (the CLI). */
  progress?: DiscoveryProgress;
}

type SourcePlan =
  | { kind: 'demo'; scenario: string; fallbackReason?: string }
  | { kind: 'live'; target: NonNullable<ReturnType<typeof resolveKubeTarget>> };

/** Demo when forced, when a scenario is asked for, or when no cluster is configured; live otherwise. */
function planSource(opts: InventoryOptions): SourcePlan {
  const demoScenario = opts.demoScenario ?? config().demoScenario;
  if (opts.scenario) return { kind: 'demo', scenario: opts.scenario };
  if (opts.forceDemo ?? config().forceDemo) {
    return { kind: 'demo', scenario: demoScenario, fallbackReason: 'HOPSCOPE_DEMO is set' };
  }
  const target = resolveKubeTarget(opts);
  if (!target) {
    return {
      kind: 'demo',
      scenario: demoScenario,
      fallbackReason: 'no kubeconfig found (KUBECONFIG, ~/.kube/config) and not running inside a cluster',
    };
  }
  return { kind: 'live', target };
}

function demoInventory(scenario: string, fallbackReason: string | undefined, opts: InventoryOptions): ClusterInventory {
  const started = performance.now();
  const manifest = loadScenario(scenario, opts.scenariosDir);
  const source: ClusterSource = {
    mode: 'demo',
    context: `demo/${manifest.meta.id}`,
    server: '',
    scenario: manifest.meta.id,
    ...(fallbackReason ? { fallbackReason } : {}),
  };
  const raw = rawObjectsFromManifest(manifest.objects);
  return normalizeInventory(raw, {
    source,
    errors: [],
    discoveredAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
  });
}

async function liveInventory(target: KubeTarget, timeoutMs: number, limits: DiscoveryLimits, signal: AbortSignal, progress?: DiscoveryProgress): Promise<ClusterInventory> {
  const started = performance.now();
  const { objects, errors } = await discoverRawObjects(target, timeoutMs, { signal, limits, ...(progress ? { progress } : {}) });
  const inventory = normalizeInventory(objects, {
    source: { mode: target.mode, context: target.context, server: target.server },
    errors,
    discoveredAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
  });
  recordDiscovery(inventory);
  return inventory;
}

// Single flight with a short memory: every caller for the same source (cluster, context, credentials and bounds)
// joins the discovery under way, and a finished inventory is handed out again for inventoryTtlMs, so fifty viewers
// refreshing together cost the apiserver one set of LISTs, and hopscope one inventory in memory. Failures are
// shared by the callers waiting for them but never kept. A discovery whose callers have all gone is stopped.
// Callers get the same object: it is read-only to them.

interface Flight {
  promise: Promise<ClusterInventory>;
  stop: AbortController;
  /** Callers waiting that can still leave (they have a signal); a caller without one holds the flight until it ends. */
  waiting: number;
  holders: number;
  done: boolean;
  /** performance.now() when it succeeded. */
  finishedAt: number | null;
}

const flights = processState('inventory-flights', () => new Map<string, Flight>());

/** Same cluster, context, credentials (hashed, never kept in clear) and bounds: the same inventory. */
function sourceKey(target: KubeTarget, timeoutMs: number, limits: DiscoveryLimits): string {
  const identity = {
    mode: target.mode,
    context: target.context,
    server: target.server,
    cluster: target.kubeConfig.getCurrentCluster(),
    user: target.kubeConfig.getCurrentUser(),
    timeoutMs,
    limits,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

function startFlight(key: string, target: KubeTarget, timeoutMs: number, limits: DiscoveryLimits, ttlMs: number, progress?: DiscoveryProgress): Flight {
  const stop = new AbortController();
  const flight: Flight = {
    promise: liveInventory(target, timeoutMs, limits, stop.signal, progress),
    stop,
    waiting: 0,
    holders: 0,
    done: false,
    finishedAt: null,
  };
  const forget = () => {
    if (flights.get(key) === flight) flights.delete(key);
  };
  flight.promise.then(
    () => {
      flight.done = true;
      flight.finishedAt = performance.now();
      if (ttlMs > 0) setTimeout(forget, ttlMs).unref();
      else forget();
    },
    () => {
      flight.done = true;
      forget();
    },
  );
  flights.set(key, flight);
  return flight;
}

/** Waits for the flight as one caller; when `signal` aborts the caller leaves, and the last to leave stops it. */
function follow(key: string, flight: Flight, signal: AbortSignal | undefined): Promise<ClusterInventory> {
  if (flight.done) return flight.promise;
  if (!signal) {
    flight.holders++;
    return flight.promise.finally(() => flight.holders--);
  }
  signal.throwIfAborted();
  flight.waiting++;
  return new Promise<ClusterInventory>((resolve, reject) => {
    let left = false;
    const leave = () => {
      if (left) return false;
      left = true;
      flight.waiting--;
      signal.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = () => {
      if (!leave()) return;
      reject(signal.reason);
      if (!flight.done && flight.waiting === 0 && flight.holders === 0) {
        if (flights.get(key) === flight) flights.delete(key);
        flight.stop.abort(signal.reason);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    flight.promise.then(
      (value) => leave() && resolve(value),
      (error: unknown) => leave() && reject(error),
    );
  });
}

/**
 * The cluster inventory: live through the kubeconfig / service account (shared by concurrent callers and reused
 * for a short while, see above), or a demo scenario (always built afresh).
 */
export async function getInventory(opts: InventoryOptions = {}): Promise<ClusterInventory> {
  const plan = planSource(opts);
  if (plan.kind === 'demo') return demoInventory(plan.scenario, plan.fallbackReason, opts);
  opts.signal?.throwIfAborted();
  const timeoutMs = opts.timeoutMs ?? config().k8sTimeoutMs;
  const limits = discoveryLimits(opts.limits);
  const ttlMs = opts.inventoryTtlMs ?? config().inventoryTtlMs;
  const key = sourceKey(plan.target, timeoutMs, limits);
  const current = flights.get(key);
  // Under way: join it. Done: reuse it while it is younger than this caller's TTL.
  const reusable = current && (!current.done || (current.finishedAt !== null && performance.now() - current.finishedAt < ttlMs));
  const flight = reusable ? current : startFlight(key, plan.target, timeoutMs, limits, ttlMs, opts.progress);
  return follow(key, flight, opts.signal);
}

export interface Readiness {
  mode: ClusterSource['mode'];
  context: string;
  server: string;
  version?: string;
}

/** Ready when in demo mode or when the apiserver answers within the timeout; throws a 503 HopscopeError otherwise. */
export async function checkReadiness(opts: InventoryOptions = {}): Promise<Readiness> {
  const plan = planSource(opts);
  if (plan.kind === 'demo') return { mode: 'demo', context: `demo/${plan.scenario}`, server: '' };
  const { gitVersion } = await checkApiServer(plan.target, opts.timeoutMs ?? config().k8sTimeoutMs);
  return { mode: plan.target.mode, context: plan.target.context, server: plan.target.server, version: gitVersion };
}
