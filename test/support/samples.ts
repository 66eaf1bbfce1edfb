// Samples for unit tests, generated from the demo scenarios (scenarios/*.yaml) by the product's own normaliser, path
// model and probe engine, so they cannot drift from what hopscope produces. Paths are picked by stable id prefix and
// fail loudly when the model stops producing them. The only parts made here are marked "Made here:" below.
//
// Inventories are normalised exactly as demo mode does it (lib/k8s/inventory.ts), but at a fixed time and without
// the server-only loader, so the samples are the same on every run and also load in plain Node (the snapshot
// write-loop child of lib/snapshot/file-store.test.ts runs outside vitest).
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import path from 'node:path';
import { EchoObservationSchema } from '@/lib/contract/schemas';
import { parseScenarioManifest } from '@/lib/demo/manifest';
import { parseEchoResponse } from '@/lib/echo/parse';
import { ECHO_REPORT_KIND, type EchoReport } from '@/lib/echo/report';
import { normalizeInventory } from '@/lib/k8s/normalize';
import { rawObjectsFromManifest } from '@/lib/k8s/raw';
import { buildPaths, type ModelPath } from '@/lib/model';
import { simulateTrace } from '@/lib/probe/engine';
import { observeContext, tracePath } from '@/lib/probe/observe';
import { SPOOF_ADDRESS } from '@/lib/probe/plan';
import { newSnapshotId } from '@/lib/snapshot/ids';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '@/lib/snapshot/schema';
import { nodeInfo } from '@/test/support/inventory';
import type { ClusterInventory, ClusterSource, DiscoveryError, NetPath, PathTrace, ProbeResult, TraceRun } from '@/lib/types';

const SCENARIOS_DIR = path.join(import.meta.dirname, '..', '..', 'scenarios');
const DISCOVERED_AT = '2026-01-01T00:00:00.000Z';

/** What live discovery adds to the objects: where they came from and what could not be read. */
interface Discovery {
  source?: ClusterSource;
  errors?: DiscoveryError[];
  durationMs?: number;
}

/** A scenario's objects through the real normaliser, as demo mode (or, given a source, live discovery) sees them. */
export function scenarioInventory(id: string, discovery: Discovery = {}): ClusterInventory {
  const manifest = parseScenarioManifest(readFileSync(path.join(SCENARIOS_DIR, `${id}.yaml`), 'utf8'), `${id}.yaml`);
  return normalizeInventory(rawObjectsFromManifest(manifest.objects), {
    source: discovery.source ?? { mode: 'demo', context: `demo/${id}`, server: '', scenario: id },
    errors: discovery.errors ?? [],
    discoveredAt: DISCOVERED_AT,
    durationMs: discovery.durationMs ?? 0,
  });
}

export interface ScenarioSample {
  inventory: ClusterInventory;
  paths: ModelPath[];
}

function sampleOf(inventory: ClusterInventory): ScenarioSample {
  return { inventory, paths: buildPaths(inventory) };
}

/** Every path whose id starts with `prefix`; at least one, or the sample no longer means what it says. */
function pathsStartingWith({ paths }: ScenarioSample, prefix: string): ModelPath[] {
  const found = paths.filter((p) => p.id.startsWith(prefix));
  if (found.length === 0) throw new Error(`the model produces no path starting with ${prefix}`);
  return found;
}

/** The one path whose id starts with `prefix`. */
function pathStartingWith(sample: ScenarioSample, prefix: string): ModelPath {
  const found = pathsStartingWith(sample, prefix);
  if (found.length > 1) throw new Error(`more than one path starts with ${prefix}: ${found.map((p) => p.id).join(', ')}`);
  return found[0]!;
}

async function simulatedTrace(paths: NetPath[], inventory: ClusterInventory): Promise<TraceRun> {
  for await (const event of simulateTrace(paths, inventory)) if (event.type === 'done') return event.trace;
  throw new Error('simulateTrace ended without a done event');
}

function traceOf(run: TraceRun, path: NetPath): PathTrace {
  const trace = run.paths.find((p) => p.pathId === path.id);
  if (!trace) throw new Error(`the simulated trace has no result for ${path.id}`);
  return trace;
}

// ───────────────────────────── probing ─────────────────────────────

/** The address probes come from, outside the cluster (the client range of the scenarios). */
export const PROBER_ADDRESS = '203.0.113.7';
/** The echo pods of the scenarios listen on 8080 (containerPort in scenarios/*.yaml). */
const ECHO_PORT = 8080;

/** What the echo at the end of a path sees: its TCP peer, and the client a proxy in front passes on (if any). */
interface EchoSees {
  peer: string;
  /** X-Forwarded-For / X-Real-IP as ingress-nginx sets them; null when no proxy adds headers. */
  forwardedClient: string | null;
}

/**
 * Made here: the hopscope echo's answer (lib/echo/report.ts) to a direct probe of `path`, since a simulated trace
 * carries none. It is the JSON the echo server sends, read back by the real parser. Identity and local address come
 * from the path's last hop (the echo pod); the headers are the ones ingress-nginx adds in front of a backend.
 */
function echoAnswer(path: NetPath, probe: ProbeResult, sees: EchoSees): Pick<ProbeResult, 'observation' | 'raw'> {
  const echo = path.hops.at(-1)!;
  if (echo.kind !== 'pod' || !echo.address) throw new Error(`${path.id} does not end at an echo pod`);
  const host = probe.target.host ?? `${probe.target.address}:${probe.target.port}`;
  const scheme = probe.target.tls ? 'https' : 'http';
  const proxied: [string, string][] = sees.forwardedClient
    ? [
        ['x-request-id', '5c1b0a3e9f7d4c2ab8e6d4f2a0c8e6b4'],
        ['x-real-ip', sees.forwardedClient],
        ['x-forwarded-for', sees.forwardedClient],
        ['x-forwarded-host', host],
        ['x-forwarded-port', String(probe.target.port)],
        ['x-forwarded-proto', scheme],
        ['x-forwarded-scheme', scheme],
        ['x-scheme', scheme],
      ]
    : [];
  const report: EchoReport = {
    kind: ECHO_REPORT_KIND,
    peer: { address: sees.peer, port: 41040 },
    local: { address: echo.address, port: ECHO_PORT },
    proxyProtocol: null,
    tls: false,
    sni: null,
    request: { method: 'GET', path: '/', httpVersion: '1.1' },
    host,
    headers: [['host', host], ...proxied, ['user-agent', 'hopscope-probe/1'], ['accept', '*/*']],
    identity: {
      podName: echo.name,
      podNamespace: echo.objects.find((o) => o.kind === 'Pod')?.namespace ?? null,
      podIp: echo.address,
      nodeName: echo.details.node ?? null,
    },
    receivedAt: '2026-01-01T00:00:01.000Z',
  };
  const raw = `${JSON.stringify(report, null, 2)}\n`;
  const parsed = parseEchoResponse(raw, 'application/json');
  if (!parsed) throw new Error('the echo parser does not read the echo report');
  // The contract's shape, as a stored trace has it (the parser's reading notes are not part of it).
  return { observation: EchoObservationSchema.parse(parsed), raw };
}

/**
 * `path`'s simulated result as a live trace from PROBER_ADDRESS would have it once the echo answered the direct
 * probe: the answer is made here (echoAnswer), the comparison with the prediction is the engine's own (tracePath).
 */
function probedTrace(path: NetPath, simulated: PathTrace, inventory: ClusterInventory, sees: EchoSees): PathTrace {
  const probes = simulated.probes.map((probe): ProbeResult => {
    if (probe.kind !== 'direct') return probe;
    const { expected: _simulatedOutcome, ...sent } = probe;
    return { ...sent, durationMs: 12, outcome: 'ok', status: 200, error: null, ...echoAnswer(path, probe, sees) };
  });
  const ctx = observeContext({ inventory, vantage: { kind: 'agent', node: null, address: PROBER_ADDRESS }, spoofAddress: SPOOF_ADDRESS });
  const { findings: _probeFindings, ...trace } = tracePath(path, probes, ctx);
  return trace;
}

/** The address of the path's hop of `kind` (the first one). */
function addressOf(path: NetPath, kind: NetPath['hops'][number]['kind']): string {
  const address = path.hops.find((h) => h.kind === kind)?.address;
  if (!address) throw new Error(`${path.id} has no ${kind} hop with an address`);
  return address;
}

// ───────────────────────────── paths for the graph and the entry picker ─────────────────────────────

/** bare-metal-metallb: MetalLB L2 VIP 198.51.100.50 announced by wk-a, ingress-nginx behind it (Local). */
export const bareMetal = sampleOf(scenarioInventory('bare-metal-metallb'));

/** Verdict header: client → MetalLB VIP → wk-a → ingress-nginx → Service → the hopscope echo, client in X-Real-IP. */
export const echoIngressPath = pathStartingWith(
  bareMetal,
  'ingress:hopscope/hopscope-echo:echo.example.com:hopscope-echo@loadBalancer:ingress-nginx/ingress-nginx-controller:198.51.100.50:80@wk-a',
);

/** Verdict lost: the grafana NodePort (externalTrafficPolicy Cluster), one path per receiving node, each SNATed. */
export const grafanaNodePortPaths = pathsStartingWith(bareMetal, 'nodePort:monitoring/grafana:30000@');

/** The grafana NodePort as received on wk-a: client → wk-a → the grafana pod on wk-b, which sees wk-a's address. */
export const grafanaNodePortPath = pathStartingWith(bareMetal, 'nodePort:monitoring/grafana:30000@wk-a');

/**
 * Made here: the grafana NodePort through any of its nodes, as one path with the receiving nodes side by side. The
 * model draws one path per receiving node; this joins their node hops (real hops, in path order) in front of the
 * grafana pod, for the graph's handling of a group of alternatives.
 */
export const grafanaNodePortFanOut: NetPath = {
  ...grafanaNodePortPath,
  hops: [
    grafanaNodePortPath.hops[0]!,
    ...grafanaNodePortPaths.map((p) => p.hops.find((h) => h.kind === 'node')!),
    grafanaNodePortPath.hops.at(-1)!,
  ],
};

/** openstack-proxy-broken, verdict broken: Octavia sends a PROXY header that ingress-nginx does not expect. */
export const proxyProtocolBrokenPath = pathStartingWith(
  sampleOf(scenarioInventory('openstack-proxy-broken')),
  'loadBalancer:ingress-nginx/my-ingress-ingress-nginx-controller:203.0.113.42:443@os-worker-1',
);

/** egress-tproxy, verdict header: a pod's egress through the nginx transparent-proxy sidecar, SNATed by node-2. */
export const egressProxyPath = pathStartingWith(sampleOf(scenarioInventory('egress-tproxy')), 'egress:default/tail-with-nginx-tranproxy-');

/** One path of each of four entry kinds, from three scenarios, for the entry picker. */
export const pickedPaths: NetPath[] = [echoIngressPath, proxyProtocolBrokenPath, grafanaNodePortPath, egressProxyPath];

// ───────────────────────────── traces for the graph ─────────────────────────────

const bareMetalTrace = await simulatedTrace(bareMetal.paths, bareMetal.inventory);

/**
 * The echo ingress path probed: the echo's peer is ingress-nginx and X-Real-IP carries the prober, as predicted.
 * One observed hop (the echo pod), matching.
 */
export const echoIngressTrace = probedTrace(echoIngressPath, traceOf(bareMetalTrace, echoIngressPath), bareMetal.inventory, {
  peer: addressOf(echoIngressPath, 'ingressController'),
  forwardedClient: PROBER_ADDRESS,
});

/** lab: the project's test lab; its echo behind a NodePort with externalTrafficPolicy Local, received on node1. */
export const lab = sampleOf(scenarioInventory('lab'));

/** Verdict preserved: client → node1 → the echo pod on node1, which sees the client. */
export const nodePortLocalPath = pathStartingWith(lab, 'nodePort:lab/echo-nodeport-local:30081@node1');

/**
 * Made here: the NodePort probed, but the echo reported node1's address as its peer where the model predicted the
 * client (as when kube-proxy masquerades all traffic). The engine's comparison marks the echo hop as a mismatch and
 * the path as lost.
 */
export const nodePortTraceWithMismatch = probedTrace(
  nodePortLocalPath,
  traceOf(await simulatedTrace(lab.paths, lab.inventory), nodePortLocalPath),
  lab.inventory,
  { peer: addressOf(nodePortLocalPath, 'node'), forwardedClient: null },
);

// ───────────────────────────── a snapshot ─────────────────────────────

/**
 * Made here, so that redaction meets every kind of address a live snapshot holds: bare-metal-metallb as read through
 * a kubeconfig (the API server on cp-1), with one discovery error that names an address, and a worker joined from
 * EC2 whose name spells its address the AWS way and that has a public IPv6 address. Paths and trace are generated.
 */
export const EC2_NODE = nodeInfo({
  name: 'ip-192-0-2-13.ec2.internal',
  internalIP: '192.0.2.13',
  externalIP: '2001:db8:13::1',
  roles: ['worker'],
  providerID: 'aws:///eu-central-1a/i-0a1b2c3d4e5f60718',
  podCIDRs: ['10.244.3.0/24'],
  labels: { 'kubernetes.io/hostname': 'ip-192-0-2-13.ec2.internal', 'topology.kubernetes.io/zone': 'eu-central-1a' },
});

const liveBareMetal = scenarioInventory('bare-metal-metallb', {
  source: { mode: 'kubeconfig', context: 'bare-metal', server: 'https://192.0.2.10:6443' },
  errors: [
    {
      resource: 'servicel2statuses.metallb.io',
      status: 0,
      message: 'dial tcp 192.0.2.10:6443: connect: connection refused',
      hint: 'check that the API server is reachable from hopscope',
      reason: 'unreachable',
    },
  ],
  durationMs: 42,
});

export const snapshotInventory: ClusterInventory = { ...liveBareMetal, nodes: [...liveBareMetal.nodes, EC2_NODE] };

/** Every path of the snapshot's cluster, as the dashboard had them when the snapshot was taken. */
export const snapshotPaths: ModelPath[] = buildPaths(snapshotInventory);

/** The path selected when the snapshot was shared: the echo ingress (same id as in bareMetal). */
export const snapshotEntry: ModelPath = pathStartingWith({ inventory: snapshotInventory, paths: snapshotPaths }, echoIngressPath.id);

const snapshotSimulated = await simulatedTrace(snapshotPaths, snapshotInventory);

/**
 * The simulated trace of every path, turned live: sent from PROBER_ADDRESS, and the echo answered the entry path's
 * direct probe (probedTrace). The other paths keep their simulated results.
 */
export const snapshotTrace: TraceRun = {
  ...snapshotSimulated,
  simulated: false,
  prober: {
    inCluster: false,
    address: PROBER_ADDRESS,
    note: `probes were sent from ${PROBER_ADDRESS}, outside the cluster's pod and node addresses`,
  },
  paths: snapshotSimulated.paths.map((trace) =>
    trace.pathId === snapshotEntry.id
      ? probedTrace(snapshotEntry, trace, snapshotInventory, { peer: addressOf(snapshotEntry, 'ingressController'), forwardedClient: PROBER_ADDRESS })
      : trace,
  ),
};

/** A complete, valid snapshot of the snapshot cluster; each call gets a fresh id. */
export function sampleSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    id: newSnapshotId(),
    createdAt: '2026-01-01T00:00:03.000Z',
    storedAt: new Date().toISOString(),
    appVersion: '0.1.0',
    context: snapshotInventory.source.context,
    sourceMode: snapshotInventory.source.mode,
    redacted: false,
    entry: snapshotEntry.id,
    inventory: snapshotInventory,
    paths: snapshotPaths,
    whatIf: [],
    trace: snapshotTrace,
    ...overrides,
  };
}

const IPV4 = /(?<![0-9.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9])/g;
const IPV6 = /(?<![0-9A-Za-z:])[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?![0-9A-Za-z:])/gi;

/** Every address written anywhere in the sample snapshot (0.0.0.0 of "0.0.0.0/0" excepted: it names no one). */
export const SAMPLE_ADDRESSES: readonly string[] = (() => {
  const text = JSON.stringify(sampleSnapshot());
  const v4 = (text.match(IPV4) ?? []).filter((a) => isIPv4(a) && a !== '0.0.0.0');
  const v6 = (text.match(IPV6) ?? []).filter((a) => isIPv6(a));
  const found = [...v4, ...v6];
  return [...new Set(found)].sort();
})();

/** The node names of the sample snapshot; the EC2 node's spells its address. */
export const SAMPLE_NODE_NAMES: readonly string[] = snapshotInventory.nodes.map((n) => n.name);
