import 'server-only';
import { config } from '../config';
import { loadScenario } from '../demo/scenarios';
import { recordDiscovery } from '../metrics';
import type { ClusterInventory, ClusterSource } from '../types';
import { resolveKubeTarget, type KubeSourceOptions } from './client';
import { checkApiServer, discoverRawObjects } from './discover';
import { normalizeInventory } from './normalize';
import { rawObjectsFromManifest } from './raw';

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

/** The cluster inventory: live through the kubeconfig / service account, or a demo scenario. */
export async function getInventory(opts: InventoryOptions = {}): Promise<ClusterInventory> {
  const plan = planSource(opts);
  if (plan.kind === 'demo') return demoInventory(plan.scenario, plan.fallbackReason, opts);
  const started = performance.now();
  const { objects, errors } = await discoverRawObjects(plan.target, opts.timeoutMs ?? config().k8sTimeoutMs);
  const inventory = normalizeInventory(objects, {
    source: { mode: plan.target.mode, context: plan.target.context, server: plan.target.server },
    errors,
    discoveredAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
  });
  recordDiscovery(inventory);
  return inventory;
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
