import 'server-only';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { processState } from './process-state';
import type { ClusterInventory, TraceEvent } from './types';

// Prometheus metrics for GET /metrics: how long discovery takes and what fails, and what probes observe.
// One registry per process (lib/process-state.ts), whichever route asks.
interface HopscopeMetrics {
  registry: Registry;
  discoverySeconds: Histogram<'mode'>;
  discoveryErrors: Counter<'resource' | 'reason'>;
  traces: Counter<'simulated'>;
  probes: Counter<'kind' | 'outcome'>;
}

function create(): HopscopeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hopscope_' });
  return {
    registry,
    discoverySeconds: new Histogram({
      name: 'hopscope_discovery_duration_seconds',
      help: 'Time to discover the cluster inventory (server side).',
      labelNames: ['mode'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    discoveryErrors: new Counter({
      name: 'hopscope_discovery_errors_total',
      help: 'Kubernetes resources that discovery could not read, by resource and reason.',
      labelNames: ['resource', 'reason'],
      registers: [registry],
    }),
    traces: new Counter({
      name: 'hopscope_traces_total',
      help: 'Traces run (simulated = demo mode, no packet sent).',
      labelNames: ['simulated'],
      registers: [registry],
    }),
    probes: new Counter({
      name: 'hopscope_probes_total',
      help: 'Probes sent, by kind and outcome.',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
  };
}

export function metrics(): HopscopeMetrics {
  return processState('metrics', create);
}

export function recordDiscovery(inventory: ClusterInventory): void {
  const m = metrics();
  m.discoverySeconds.observe({ mode: inventory.source.mode }, inventory.durationMs / 1000);
  for (const e of inventory.errors) m.discoveryErrors.inc({ resource: e.resource, reason: e.reason });
}

/** Passes trace events through unchanged, counting traces and probe outcomes on the way. */
export async function* countTraceEvents(events: AsyncIterable<TraceEvent>): AsyncGenerator<TraceEvent> {
  const m = metrics();
  let simulated = false;
  for await (const event of events) {
    if (event.type === 'start') {
      simulated = event.simulated;
      m.traces.inc({ simulated: String(simulated) });
    }
    // Simulated probes sent nothing; they do not count as probes.
    if (event.type === 'probe' && !simulated) m.probes.inc({ kind: event.probe.kind, outcome: event.probe.outcome });
    yield event;
  }
}
