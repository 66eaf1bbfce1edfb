import { z } from 'zod';
import { parseAddressWithPort, parsePort } from './net/ip';

// Every setting hopscope reads from the environment, validated once. Nothing else reads process.env.
const Env = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOSTNAME: z.string().optional(),
  /** Force the built-in demo even when a kubeconfig exists. */
  HOPSCOPE_DEMO: z.enum(['0', '1', 'true', 'false']).optional(),
  /** Default demo scenario when no cluster is configured. */
  HOPSCOPE_DEMO_SCENARIO: z.string().default('bare-metal-metallb'),
  /** Upper bound for each Kubernetes API call (list/get). */
  HOPSCOPE_K8S_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Upper bound for one whole discovery (every list and its pages); calls still under way then stop with a timeout error. */
  HOPSCOPE_DISCOVERY_DEADLINE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** Pages read at most per listed resource; a list that still has a `continue` token then stops with a `truncated` error. */
  HOPSCOPE_DISCOVERY_MAX_PAGES: z.coerce.number().int().min(1).max(100_000).default(400),
  /** Items kept at most per listed resource (pods: those that matter); past it the list stops with a `truncated` error. */
  HOPSCOPE_DISCOVERY_MAX_ITEMS: z.coerce.number().int().min(1).max(1_000_000).default(25_000),
  /** Largest body read from one Kubernetes API answer (counted while it streams in); past it: a `too-large` error. */
  HOPSCOPE_K8S_MAX_RESPONSE_BYTES: z.coerce.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Upper bound for one run of a kubeconfig exec credential plugin (users[].user.exec); a plugin still running is killed. */
  HOPSCOPE_EXEC_CREDENTIAL_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /**
   * How long a live inventory is reused for the same source (same cluster, context, credentials and bounds); concurrent
   * requests always share one discovery. 0 reuses nothing after it is done.
   */
  HOPSCOPE_INVENTORY_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Connect/read timeout of one probe; a Local node without endpoints drops packets, so this is the wait for it. */
  HOPSCOPE_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(1_500),
  HOPSCOPE_PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(128),
  /**
   * Probe every discovered Service, not only the hopscope echo and Services labelled hopscope.io/probe-target=true
   * (lib/probe/scope.ts). Either way an answer that is not an echo report keeps its status and size, never its body.
   */
  HOPSCOPE_PROBE_ANY_SERVICE: z.enum(['0', '1', 'true', 'false']).default('false'),
  /**
   * Echo servers outside the cluster (`host:port`, comma-separated) the in-cluster trace probes for the egress path,
   * so that the address a pod's traffic leaves with is observed. Set by whoever deploys hopscope: no request can name
   * a probe target.
   */
  HOPSCOPE_EGRESS_ECHO: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const echoes = value.split(',').map((v) => v.trim()).filter(Boolean).map(parseEgressEcho);
      const bad = echoes.findIndex((e) => typeof e === 'string');
      if (bad >= 0) ctx.addIssue({ code: 'custom', message: echoes[bad] as string });
      return echoes.filter((e): e is EgressEcho => typeof e !== 'string');
    }),
  /** Where the file snapshot store keeps its data. */
  HOPSCOPE_DATA_DIR: z.string().default('.hopscope-data'),
  HOPSCOPE_SNAPSHOT_STORE: z.enum(['file', 'configmap']).default('file'),
  HOPSCOPE_SNAPSHOT_MAX_COUNT: z.coerce.number().int().min(1).default(500),
  HOPSCOPE_SNAPSHOT_MAX_AGE_DAYS: z.coerce.number().min(0).default(30),
  /**
   * When set, listing and deleting snapshots need `Authorization: Bearer <token>`: the list holds every share link,
   * so whoever can read it can open every snapshot. Sharing and opening a link never need it.
   */
  HOPSCOPE_SNAPSHOT_ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** Namespace of the release (downward API); snapshots as ConfigMaps live here. */
  HOPSCOPE_NAMESPACE: z.string().default('hopscope'),
  /** Public base URL used in share links; derived from the request when unset. */
  HOPSCOPE_PUBLIC_URL: z.string().url().optional(),
  /**
   * Host names (comma-separated) this server answers for besides localhost and IP addresses: the Ingress host, the
   * Service's DNS names. Any other Host gets 421, which is what stops DNS rebinding (lib/http/guard.ts).
   */
  HOPSCOPE_ALLOWED_HOSTS: z
    .string()
    .regex(/^[A-Za-z0-9.,-]*$/, 'host names separated by commas')
    .optional(),
  HOPSCOPE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOPSCOPE_VERSION: z.string().optional(),
  KUBECONFIG: z.string().optional(),
  KUBERNETES_SERVICE_HOST: z.string().optional(),
});

/** An echo outside the cluster, as HOPSCOPE_EGRESS_ECHO lists it: an IP literal or a DNS name, and a port. */
export interface EgressEcho {
  host: string;
  port: number;
}

/** A DNS name (RFC 1123 labels, at most 253 characters) whose last label is not a number, so it cannot be a bad IPv4. */
const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** `192.0.2.10:8080`, `[2001:db8::1]:8080` or `echo.example.com:8080`; otherwise what is wrong with it. */
export function parseEgressEcho(entry: string): EgressEcho | string {
  const wrong = `HOPSCOPE_EGRESS_ECHO: "${entry.slice(0, 100)}" is not host:port (an IP address or DNS name, and a port 1-65535; IPv6 in brackets)`;
  const ip = parseAddressWithPort(entry);
  if (ip) return ip.port ? { host: ip.address, port: ip.port } : wrong;
  const colon = entry.lastIndexOf(':');
  if (colon < 0 || entry.indexOf(':') !== colon) return wrong;
  const host = entry.slice(0, colon);
  const port = parsePort(entry.slice(colon + 1));
  const numericLast = /^[0-9]+$/.test(host.slice(host.lastIndexOf('.') + 1));
  return DNS_NAME.test(host) && !numericLast && port ? { host: host.toLowerCase(), port } : wrong;
}

export type Config = ReturnType<typeof readConfig>;

export function readConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid hopscope configuration: ${issues}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    forceDemo: e.HOPSCOPE_DEMO === '1' || e.HOPSCOPE_DEMO === 'true',
    demoScenario: e.HOPSCOPE_DEMO_SCENARIO,
    k8sTimeoutMs: e.HOPSCOPE_K8S_TIMEOUT_MS,
    discoveryDeadlineMs: e.HOPSCOPE_DISCOVERY_DEADLINE_MS,
    discoveryMaxPages: e.HOPSCOPE_DISCOVERY_MAX_PAGES,
    discoveryMaxItems: e.HOPSCOPE_DISCOVERY_MAX_ITEMS,
    k8sMaxResponseBytes: e.HOPSCOPE_K8S_MAX_RESPONSE_BYTES,
    execCredentialTimeoutMs: e.HOPSCOPE_EXEC_CREDENTIAL_TIMEOUT_MS,
    inventoryTtlMs: e.HOPSCOPE_INVENTORY_TTL_MS,
    probeTimeoutMs: e.HOPSCOPE_PROBE_TIMEOUT_MS,
    probeConcurrency: e.HOPSCOPE_PROBE_CONCURRENCY,
    probeAnyService: e.HOPSCOPE_PROBE_ANY_SERVICE === '1' || e.HOPSCOPE_PROBE_ANY_SERVICE === 'true',
    egressEchoes: e.HOPSCOPE_EGRESS_ECHO,
    dataDir: e.HOPSCOPE_DATA_DIR,
    snapshotStore: e.HOPSCOPE_SNAPSHOT_STORE,
    snapshotMaxCount: e.HOPSCOPE_SNAPSHOT_MAX_COUNT,
    snapshotMaxAgeDays: e.HOPSCOPE_SNAPSHOT_MAX_AGE_DAYS,
    snapshotAdminToken: e.HOPSCOPE_SNAPSHOT_ADMIN_TOKEN ?? null,
    namespace: e.HOPSCOPE_NAMESPACE,
    publicUrl: e.HOPSCOPE_PUBLIC_URL ?? null,
    allowedHosts: [
      ...(e.HOPSCOPE_ALLOWED_HOSTS ?? '').split(',').filter(Boolean),
      ...(e.HOPSCOPE_PUBLIC_URL ? [new URL(e.HOPSCOPE_PUBLIC_URL).hostname] : []),
    ],
    logLevel: e.HOPSCOPE_LOG_LEVEL,
    version: e.HOPSCOPE_VERSION ?? process.env.npm_package_version ?? '0.1.0',
    kubeconfigPath: e.KUBECONFIG ?? null,
    inCluster: Boolean(e.KUBERNETES_SERVICE_HOST),
  };
}

let cached: Config | null = null;

/** The process-wide configuration, read on first use. */
export function config(): Config {
  cached ??= readConfig();
  return cached;
}
