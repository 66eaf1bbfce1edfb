import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { HostPortInfo, PodInfo, PodRef, PodRole } from '../types';

/** The hopscope echo server's pods carry one of these labels (the Helm chart sets the first). */
export const ECHO_POD_LABELS: [string, string][] = [
  ['app.kubernetes.io/name', 'hopscope-echo'],
  ['app.kubernetes.io/component', 'echo'],
];

/** Well-known echo servers whose output hopscope parses (docs/domain.md#s1): echoserver, whoami, ealen, mendhak. */
const ECHO_IMAGES = [/(^|\/)echoserver:/, /(^|\/)traefik\/whoami(:|@|$)/, /(^|\/)ealen\/echo-server(:|@|$)/, /(^|\/)mendhak\/http-https-echo(:|@|$)/];

/** k3s ServiceLB pods are labelled with the Service they front (docs/domain.md#s5). */
export const SVCLB_SERVICE_NAME_LABEL = 'svccontroller.k3s.cattle.io/svcname';
export const SVCLB_SERVICE_NAMESPACE_LABEL = 'svccontroller.k3s.cattle.io/svcnamespace';

export function podReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Finished pods hold no address and serve nothing. */
export function podIsLive(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

export function podRef(pod: V1Pod): PodRef {
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    ip: pod.status?.podIP ?? null,
    nodeName: pod.spec?.nodeName ?? null,
    ready: podReady(pod),
  };
}

/** The workload behind a pod: a ReplicaSet made by a Deployment is reported as that Deployment. */
export function podWorkload(pod: V1Pod): { kind: string; name: string } | null {
  const owner = (pod.metadata?.ownerReferences ?? []).find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (!owner) return null;
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet') {
    const suffix = hash ? `-${hash}` : owner.name.slice(owner.name.lastIndexOf('-'));
    if (owner.name.endsWith(suffix) && owner.name.length > suffix.length) {
      return { kind: 'Deployment', name: owner.name.slice(0, -suffix.length) };
    }
  }
  return { kind: owner.kind, name: owner.name };
}

/**
 * The node ports a pod answers on. A hostNetwork pod's declared container ports are its host ports: the API server
 * defaults hostPort to containerPort there (docs/domain.md#s6.5), so a manifest that leaves it out means the same.
 */
export function hostPorts(pod: V1Pod): HostPortInfo[] {
  const hostNetwork = pod.spec?.hostNetwork === true;
  return (pod.spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? [])
      .map((p) => ({ ...p, hostPort: p.hostPort && p.hostPort > 0 ? p.hostPort : hostNetwork ? p.containerPort : 0 }))
      .filter((p) => p.hostPort > 0)
      .map((p) => ({ containerName: c.name, containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol ?? 'TCP' })),
  );
}

/** The hopscope echo itself: the only echo that reads a PROXY preamble (the others' servers do not, docs/domain.md#s8.1). */
export function isHopscopeEcho(pod: V1Pod): boolean {
  const labels = pod.metadata?.labels ?? {};
  return ECHO_POD_LABELS.some(([k, v]) => labels[k] === v);
}

export function isEchoPod(pod: V1Pod): boolean {
  if (isHopscopeEcho(pod)) return true;
  return (pod.spec?.containers ?? []).some((c) => ECHO_IMAGES.some((re) => re.test(c.image ?? '')));
}

export function isSvclbPod(pod: V1Pod): boolean {
  return SVCLB_SERVICE_NAME_LABEL in (pod.metadata?.labels ?? {});
}

function containerArgs(c: V1Container): string[] {
  return [...(c.command ?? []), ...(c.args ?? [])];
}

/**
 * A transparent egress proxy sidecar (docs/sources.md#seed-004: nginx-tranproxy): it REDIRECTs the pod's outgoing HTTP to a
 * local nginx that adds headers (`-H name:value`, `--Set-Forwarded-For` → X-Forwarded-For,
 * `--Set-Client-Hostname` → X-Client-Hostname). Recognised by its image, or by NET_ADMIN plus those flags.
 */
export function egressProxy(pod: V1Pod): PodInfo['egressProxy'] {
  for (const c of pod.spec?.containers ?? []) {
    const args = containerArgs(c);
    const headers: string[] = [];
    args.forEach((arg, i) => {
      if ((arg === '-H' || arg === '--header') && args[i + 1]) headers.push(args[i + 1]!.split(':')[0]!.trim());
      if (arg === '--Set-Forwarded-For') headers.push('X-Forwarded-For');
      if (arg === '--Set-Client-Hostname') headers.push('X-Client-Hostname');
    });
    const netAdmin = (c.securityContext?.capabilities?.add ?? []).includes('NET_ADMIN');
    const image = c.image ?? '';
    if (/tranproxy/i.test(image) || (netAdmin && headers.length > 0)) {
      return { container: c.name, image, injectsHeaders: [...new Set(headers)] };
    }
  }
  return null;
}

/**
 * The pods that matter for client IP, with their roles; `null` for pods with none (they are left out of the
 * inventory: Services already carry their endpoints). `args` holds the ingress controller flags when the pod
 * is one.
 */
export function normalizePod(pod: V1Pod, isIngressController: boolean): PodInfo | null {
  if (!podIsLive(pod)) return null;
  const roles: PodRole[] = [];
  const ports = hostPorts(pod);
  const hostNetwork = pod.spec?.hostNetwork === true;
  const proxy = egressProxy(pod);
  if (isIngressController) roles.push('ingress-controller');
  if (isSvclbPod(pod)) roles.push('svclb');
  if (isEchoPod(pod)) roles.push('echo');
  if (hostNetwork) roles.push('host-network');
  if (ports.length > 0) roles.push('host-port');
  if (roles.length === 0 && proxy) roles.push('app');
  if (roles.length === 0) return null;
  const workload = podWorkload(pod);
  return {
    ...podRef(pod),
    roles,
    hostNetwork,
    hostIP: pod.status?.hostIP ?? null,
    hostPorts: ports,
    labels: pod.metadata?.labels ?? {},
    args: isIngressController ? (pod.spec?.containers ?? []).flatMap(containerArgs) : [],
    images: (pod.spec?.containers ?? []).map((c) => c.image ?? ''),
    egressProxy: proxy,
    ownerKind: workload?.kind ?? null,
    ownerName: workload?.name ?? null,
    parsesProxyProtocol: isHopscopeEcho(pod),
  };
}
