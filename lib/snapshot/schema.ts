import { z } from 'zod';
import { HopscopeError } from '@/lib/errors';
import type {
  ClusterInventory,
  EchoObservation,
  NetPath,
  ProbeResult,
  TraceRun,
} from '@/lib/types';

// A snapshot is read back from disk, from a ConfigMap or from a file someone uploads: every part is checked against
// the shared contract in lib/types.ts (the `satisfies` clauses make the compiler keep both in step).

const str = z.string();
const nullableStr = z.string().nullable();
const stringMap = z.record(z.string(), z.string());

const SourceMode = z.enum(['kubeconfig', 'in-cluster', 'demo']);
const ClientAddressVia = z.enum(['source', 'x-forwarded-for', 'x-real-ip', 'forwarded', 'proxy-protocol', 'none']);
const Verdict = z.enum(['preserved', 'header', 'lost', 'spoofable', 'broken', 'unreachable']);
const AddressRole = z.enum(['client', 'loadBalancer', 'node', 'pod', 'ingressController', 'svclb', 'attacker', 'none']);
const TrafficPolicy = z.enum(['Cluster', 'Local']);
const LoadBalancerProviderKind = z.enum(['metallb', 'servicelb', 'cloud', 'unknown']);

const ClusterSource = z.object({
  mode: SourceMode,
  context: str,
  server: str,
  scenario: str.optional(),
  fallbackReason: str.optional(),
});

const ObjectRef = z.object({ kind: str, namespace: nullableStr.optional(), name: str });

const PodRef = z.object({
  namespace: str,
  name: str,
  ip: nullableStr,
  nodeName: nullableStr,
  ready: z.boolean(),
});

const IngressController = z.object({
  id: str,
  kind: z.enum(['ingress-nginx', 'traefik', 'haproxy', 'contour', 'unknown']),
  namespace: str,
  service: nullableStr,
  settings: z.object({
    useForwardedHeaders: z.boolean(),
    useProxyProtocol: z.boolean(),
    computeFullForwardedFor: z.boolean(),
    trustedCIDRs: z.array(str),
    enableRealIp: z.boolean().optional(),
    forwardedForHeader: str.optional(),
    proxyProtocolTrustedCIDRs: z.array(str).optional(),
    forwardedHeadersInsecure: z.boolean().optional(),
    proxyProtocolInsecure: z.boolean().optional(),
    entryPoint: str.optional(),
    origin: str,
  }),
  ingressClasses: z.array(str),
  pods: z.array(PodRef),
  configMap: nullableStr.optional(),
});

export const ClusterInventorySchema = z.object({
  source: ClusterSource,
  kubeProxy: z.object({
    mode: z.enum(['iptables', 'ipvs', 'nftables', 'kernelspace', 'none', 'unknown']),
    source: z.enum(['configmap', 'default', 'unknown']),
    clusterCIDR: nullableStr.optional(),
  }),
  nodes: z.array(
    z.object({
      name: str,
      internalIP: nullableStr,
      externalIP: nullableStr,
      ready: z.boolean(),
      roles: z.array(str),
      excludeFromExternalLB: z.boolean(),
      providerID: nullableStr,
      podCIDRs: z.array(str),
      labels: stringMap,
    }),
  ),
  loadBalancers: z.array(
    z.object({
      provider: LoadBalancerProviderKind,
      name: str.optional(),
      pools: z.array(
        z.object({
          name: str,
          addresses: z.array(str),
          mode: z.enum(['layer2', 'bgp', 'layer2+bgp', 'none', 'cloud', 'servicelb']),
          autoAssign: z.boolean().optional(),
          origin: z.enum(['crd', 'configmap']).optional(),
          nodeSelectorNodes: z.array(str).optional(),
        }),
      ),
    }),
  ),
  services: z.array(
    z.object({
      namespace: str,
      name: str,
      uid: str.optional(),
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']),
      clusterIP: nullableStr,
      clusterIPs: z.array(str),
      externalTrafficPolicy: TrafficPolicy.nullable(),
      internalTrafficPolicy: TrafficPolicy.nullable(),
      healthCheckNodePort: z.number().nullable(),
      loadBalancerClass: nullableStr,
      loadBalancerIPs: z.array(str),
      loadBalancerIngress: z.array(
        z.object({ ip: str.optional(), hostname: str.optional(), ipMode: z.enum(['VIP', 'Proxy']).optional() }),
      ),
      announcingNode: nullableStr,
      announcingNodes: z.array(str),
      loadBalancerProvider: LoadBalancerProviderKind.nullable(),
      loadBalancerPool: nullableStr,
      ports: z.array(
        z.object({
          name: str,
          port: z.number(),
          nodePort: z.number().nullable(),
          targetPort: z.union([z.number(), str]),
          protocol: str,
        }),
      ),
      endpoints: z.array(
        z.object({
          ip: str,
          nodeName: nullableStr,
          ready: z.boolean(),
          serving: z.boolean().optional(),
          terminating: z.boolean().optional(),
          targetRef: ObjectRef.nullable().optional(),
        }),
      ),
      selector: stringMap,
      annotations: stringMap,
      labels: stringMap,
      externalIPs: z.array(str),
      allocateLoadBalancerNodePorts: z.boolean(),
    }),
  ),
  ingresses: z.array(
    z.object({
      namespace: str,
      name: str,
      className: nullableStr,
      hosts: z.array(str),
      tls: z.boolean(),
      tlsHosts: z.array(str),
      addresses: z.array(str),
      backends: z.array(
        z.object({
          host: nullableStr,
          path: str,
          serviceName: str,
          servicePort: z.union([z.number(), str]).nullable(),
        }),
      ),
      controller: IngressController.nullable(),
    }),
  ),
  ingressControllers: z.array(IngressController),
  pods: z.array(
    PodRef.extend({
      roles: z.array(z.enum(['ingress-controller', 'svclb', 'echo', 'host-network', 'host-port', 'app'])),
      hostNetwork: z.boolean(),
      hostIP: nullableStr,
      hostPorts: z.array(
        z.object({ containerName: str, containerPort: z.number(), hostPort: z.number(), protocol: str }),
      ),
      labels: stringMap,
      args: z.array(str),
      images: z.array(str),
      egressProxy: z.object({ container: str, image: str, injectsHeaders: z.array(str) }).nullable(),
      ownerKind: nullableStr.optional(),
      ownerName: nullableStr.optional(),
    }),
  ),
  cni: z.object({ name: str, natOutgoing: z.boolean().nullable() }),
  errors: z.array(
    z.object({ resource: str, status: z.number(), message: str, hint: str, reason: str }),
  ),
  discoveredAt: str,
  durationMs: z.number(),
}) satisfies z.ZodType<ClusterInventory>;

export const NetPathSchema = z.object({
  id: str,
  entry: z.object({
    kind: z.enum(['loadBalancer', 'nodePort', 'ingress', 'clusterIP', 'hostPort', 'hostNetwork', 'egress']),
    namespace: nullableStr,
    name: str,
    host: nullableStr,
    address: nullableStr,
    port: z.number().nullable(),
    scheme: z.enum(['http', 'https', 'tcp']).optional(),
  }),
  hops: z.array(
    z.object({
      id: str,
      kind: z.enum(['client', 'loadBalancer', 'node', 'ingressController', 'service', 'pod', 'egressProxy', 'external']),
      name: str,
      address: nullableStr,
      port: z.number().nullable().optional(),
      expectedPeer: nullableStr,
      expectedPeerRole: AddressRole,
      clientAddressVia: ClientAddressVia,
      believedClient: nullableStr,
      believedClientRole: AddressRole,
      objects: z.array(ObjectRef),
      details: stringMap,
    }),
  ),
  verdict: Verdict,
  findings: z.array(
    z.object({
      severity: z.enum(['info', 'warning', 'error']),
      code: str,
      message: str,
      fix: nullableStr,
      tradeOff: nullableStr.optional(),
      whatIf: nullableStr.optional(),
      hopId: nullableStr.optional(),
    }),
  ),
  appClient: z.object({ via: ClientAddressVia, role: AddressRole, value: nullableStr }),
  inClusterNote: nullableStr.optional(),
}) satisfies z.ZodType<NetPath>;

const EchoObservationSchema = z.object({
  format: z.enum(['hopscope', 'echoserver', 'whoami', 'whoami-json', 'ealen', 'mendhak']),
  peer: nullableStr,
  peerPort: z.number().nullable().optional(),
  local: nullableStr.optional(),
  xForwardedFor: z.array(str),
  xRealIp: nullableStr,
  forwarded: z.array(str),
  proxyProtocol: z
    .object({
      version: z.union([z.literal(1), z.literal(2)]),
      command: z.enum(['PROXY', 'LOCAL', 'UNKNOWN']),
      family: str,
      src: nullableStr,
      dst: nullableStr,
      srcPort: z.number().nullable(),
      dstPort: z.number().nullable(),
      tlvs: z.array(z.object({ type: z.number(), name: str, value: str })).optional(),
    })
    .nullable(),
  echoPod: nullableStr,
  echoNode: nullableStr,
  host: nullableStr,
  headers: z.array(z.tuple([str, str])),
}) satisfies z.ZodType<EchoObservation>;

const ProbeResultSchema = z.object({
  id: str,
  pathId: str,
  kind: z.enum(['direct', 'spoof', 'health-check']),
  target: z.object({
    address: str,
    port: z.number(),
    host: nullableStr.optional(),
    tls: z.boolean().optional(),
    proxyProtocol: z.enum(['v1', 'v2']).nullable().optional(),
    label: str,
  }),
  startedAt: str,
  durationMs: z.number(),
  outcome: z.enum(['ok', 'http-error', 'timeout', 'refused', 'reset', 'empty-reply', 'error']),
  status: z.number().nullable(),
  observation: EchoObservationSchema.nullable(),
  raw: nullableStr,
  error: nullableStr,
  expected: z.boolean().optional(),
}) satisfies z.ZodType<ProbeResult>;

export const TraceRunSchema = z.object({
  id: str,
  startedAt: str,
  finishedAt: nullableStr,
  simulated: z.boolean(),
  prober: z.object({ inCluster: z.boolean(), address: nullableStr, note: str }),
  paths: z.array(
    z.object({
      pathId: str,
      probes: z.array(ProbeResultSchema),
      observed: z.array(
        z.object({
          hopId: str,
          observedPeer: nullableStr,
          observedPeerRole: AddressRole,
          via: ClientAddressVia,
          matches: z.boolean(),
        }),
      ),
      observedVerdict: Verdict.nullable(),
      matchesPrediction: z.boolean(),
      differences: z.array(str),
      inClusterNote: nullableStr.optional(),
    }),
  ),
}) satisfies z.ZodType<TraceRun>;

export const SNAPSHOT_SCHEMA_VERSION = 1;

/** Snapshot ids: 18 random bytes as base64url (144 bits), see ids.ts. */
export const SnapshotIdSchema = z.string().regex(/^[A-Za-z0-9_-]{24}$/, 'not a snapshot id');

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  id: SnapshotIdSchema,
  /** When the cluster state was frozen. */
  createdAt: z.iso.datetime(),
  /** When this copy entered the store (differs from createdAt for imported snapshots); retention counts from here. */
  storedAt: z.iso.datetime(),
  appVersion: str,
  context: str,
  sourceMode: SourceMode,
  redacted: z.boolean(),
  /** The path selected when the link was shared. */
  entry: nullableStr,
  inventory: ClusterInventorySchema,
  paths: z.array(NetPathSchema),
  whatIf: z.array(str),
  trace: TraceRunSchema.nullable(),
});

export type Snapshot = z.infer<typeof SnapshotSchema>;

/** One row of the snapshot list (GET /api/v1/snapshots). */
export interface SnapshotSummary {
  id: string;
  createdAt: string;
  storedAt: string;
  context: string;
  redacted: boolean;
  entry: string | null;
}

/** Turns zod issues into one readable line per problem, with the JSON path, for API errors and the import page. */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues.slice(0, limit).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length - lines.length;
  return more > 0 ? `${lines.join('; ')}; and ${more} more` : lines.join('; ');
}

export type SnapshotParseResult =
  | { ok: true; snapshot: Snapshot }
  | { ok: false; problem: 'json' | 'version' | 'schema'; message: string };

/** Parses snapshot JSON text and validates it against schema version 1, with a message a person can act on. */
export function parseSnapshotText(text: string): SnapshotParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, problem: 'json', message: `not valid JSON (truncated or not a snapshot file?): ${detail}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, problem: 'schema', message: 'not a snapshot: expected a JSON object' };
  }
  const version = (json as { schemaVersion?: unknown }).schemaVersion;
  if (version !== SNAPSHOT_SCHEMA_VERSION) {
    return {
      ok: false,
      problem: 'version',
      message: `unsupported snapshot schemaVersion ${JSON.stringify(version ?? null)}; this hopscope reads version ${SNAPSHOT_SCHEMA_VERSION}`,
    };
  }
  const parsed = SnapshotSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: 'schema', message: `snapshot does not match schema version 1: ${describeIssues(parsed.error)}` };
  return { ok: true, snapshot: parsed.data };
}

/** Reads a snapshot back from a store; garbage there is a server fault and reported as one. */
export function parseStoredSnapshot(text: string, where: string): Snapshot {
  const result = parseSnapshotText(text);
  if (!result.ok) throw new HopscopeError('snapshot_corrupt', `stored snapshot (${where}) is unreadable: ${result.message}`, 500);
  return result.snapshot;
}
