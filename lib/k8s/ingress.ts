import { cloudIngressAnnotations, cloudIngressByAnnotation } from './cloud-ingress';
import type { V1ConfigMap, V1Ingress, V1IngressClass, V1Pod, V1Service } from '@kubernetes/client-node';
import type {
  IngressControllerInfo,
  IngressControllerKind,
  IngressControllerSettings,
  IngressInfo,
  IngressRuleBackend,
} from '../types';
import { serviceSelects } from './labels';
import { podIsLive, podRef, podWorkload } from './pods';
import { ingressMiddlewareRefs } from './ingressroute';
import { traefikSettings } from './traefik-static';

export { traefikSettings } from './traefik-static';

// Ingress controllers as data: how to spot a controller's pods, which IngressClass controller strings and
// legacy class names it answers to, and how to read its client-IP settings. One entry per controller kind.

interface ControllerSpec {
  kind: Exclude<IngressControllerKind, 'unknown'>;
  matchesPod(pod: V1Pod): boolean;
  /** The controller's own image, whose tag gives its version. */
  image: RegExp;
  /** IngressClass spec.controller values this instance serves. */
  classControllers(args: string[]): string[];
  /** Names used by the legacy `kubernetes.io/ingress.class` annotation. */
  legacyClassNames(args: string[]): string[];
  settings(pod: V1Pod, configMaps: Map<string, V1ConfigMap>): { settings: IngressControllerSettings; configMap: string | null };
}

const containerArgs = (pod: V1Pod) => (pod.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]);
const containerPorts = (pod: V1Pod) =>
  (pod.spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? []).map((p) => ({ name: p.name ?? null, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
  );
const images = (pod: V1Pod) => (pod.spec?.containers ?? []).map((c) => c.image ?? '');

/** Value of `--name=value` (or `--name value`) among args, exact flag name. */
function flagValue(args: string[], flag: string): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
    if (arg === flag && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) return args[i + 1]!;
  }
  return null;
}

const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === 'true';
const cidrList = (value: string | undefined | null) =>
  (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

/**
 * ingress-nginx ConfigMap keys and defaults (docs/domain.md#s6.1): use-forwarded-headers, compute-full-forwarded-for,
 * use-proxy-protocol, enable-real-ip all "false"; forwarded-for-header "X-Forwarded-For";
 * proxy-real-ip-cidr "0.0.0.0/0" (which trusts every peer — the spoofing gotcha).
 */
export function ingressNginxSettings(configMap: V1ConfigMap | undefined, origin: string): IngressControllerSettings {
  const data = configMap?.data ?? {};
  const trusted = cidrList(data['proxy-real-ip-cidr']);
  const allow = cidrList(data['whitelist-source-range']);
  const deny = cidrList(data['denylist-source-range']);
  return {
    useForwardedHeaders: isTrue(data['use-forwarded-headers']),
    useProxyProtocol: isTrue(data['use-proxy-protocol']),
    computeFullForwardedFor: isTrue(data['compute-full-forwarded-for']),
    trustedCIDRs: trusted.length > 0 ? trusted : ['0.0.0.0/0'],
    enableRealIp: isTrue(data['enable-real-ip']),
    forwardedForHeader: data['forwarded-for-header']?.trim() || 'X-Forwarded-For',
    // The default allow / deny lists of every location, overridden by an Ingress's annotation (docs/domain.md#s10.2).
    ...(allow.length > 0 ? { allowSourceRange: allow } : {}),
    ...(deny.length > 0 ? { denySourceRange: deny } : {}),
    origin,
  };
}

/** ingress-nginx access-control annotations (default prefix): the only Ingress annotations kept (docs/domain.md#s10.2). */
export const INGRESS_ACCESS_ANNOTATIONS = [
  'nginx.ingress.kubernetes.io/allowlist-source-range',
  'nginx.ingress.kubernetes.io/whitelist-source-range',
  'nginx.ingress.kubernetes.io/denylist-source-range',
] as const;

/** `{ annotations }` with the access-control ones the Ingress has; nothing when it has none. */
/** The Ingress annotations the model reads: a cloud L7 LB's target type and XFF handling, and allow/deny lists. */
function keptAnnotations(ingress: V1Ingress): { annotations?: Record<string, string> } {
  const annotations = { ...cloudIngressAnnotations(ingress), ...accessAnnotations(ingress.metadata?.annotations).annotations };
  return Object.keys(annotations).length > 0 ? { annotations } : {};
}

function accessAnnotations(annotations: Record<string, string> | undefined): { annotations?: Record<string, string> } {
  const kept = Object.fromEntries(INGRESS_ACCESS_ANNOTATIONS.flatMap((key) => (annotations?.[key] !== undefined ? [[key, annotations[key]]] : [])));
  return Object.keys(kept).length > 0 ? { annotations: kept } : {};
}

/** `--configmap=<ns>/<name>` of an ingress-nginx pod, with `$(POD_NAMESPACE)` expanded as the kubelet does. */
export function ingressNginxConfigMapRef(args: string[], podNamespace: string): { namespace: string; name: string } | null {
  const value = flagValue(args, '--configmap')?.replace('$(POD_NAMESPACE)', podNamespace);
  if (!value) return null;
  const [namespace, name] = value.includes('/') ? value.split('/', 2) : [podNamespace, value];
  return namespace && name ? { namespace, name } : null;
}

const CONTROLLERS: ControllerSpec[] = [
  {
    kind: 'ingress-nginx',
    image: /ingress-nginx\/controller(-chroot)?[:@]/,
    matchesPod: (pod) =>
      containerArgs(pod).includes('/nginx-ingress-controller') || images(pod).some((i) => /ingress-nginx\/controller(-chroot)?[:@]/.test(i)),
    // Defaults of --controller-class and --ingress-class (ingress-nginx cli-arguments, docs/domain.md#src-S21).
    classControllers: (args) => [flagValue(args, '--controller-class') ?? 'k8s.io/ingress-nginx'],
    legacyClassNames: (args) => [flagValue(args, '--ingress-class') ?? 'nginx'],
    settings: (pod, configMaps) => {
      const ref = ingressNginxConfigMapRef(containerArgs(pod), pod.metadata?.namespace ?? '');
      if (!ref) return { settings: ingressNginxSettings(undefined, 'defaults (no --configmap flag)'), configMap: null };
      const id = `${ref.namespace}/${ref.name}`;
      const found = configMaps.get(id);
      return {
        settings: ingressNginxSettings(found, found ? `ConfigMap ${id}` : `defaults (ConfigMap ${id} not found)`),
        configMap: id,
      };
    },
  },
  {
    kind: 'traefik',
    image: /(^|\/)(mirrored-library-)?traefik(:|@|$)/,
    matchesPod: (pod) =>
      pod.metadata?.labels?.['app.kubernetes.io/name'] === 'traefik' ||
      images(pod).some((i) => /(^|\/)(mirrored-library-)?traefik(:|@|$)/.test(i)),
    classControllers: () => ['traefik.io/ingress-controller'],
    legacyClassNames: () => ['traefik'],
    settings: (pod) => {
      // The Traefik container's own static configuration (a sidecar's flags are not Traefik's).
      const containers = pod.spec?.containers ?? [];
      const c = containers.find((x) => /(^|\/)(mirrored-library-)?traefik(:|@|$)/.test(x.image ?? '')) ?? containers[0];
      const env = Object.fromEntries((c?.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value] as const])));
      const config = { args: [...(c?.command ?? []), ...(c?.args ?? [])], env, mounts: (c?.volumeMounts ?? []).map((m) => m.mountPath), workingDir: c?.workingDir ?? null };
      return { settings: traefikSettings(config), configMap: null };
    },
  },
];

/**
 * A version from an image reference's tag: "v1.13.2" of `registry.k8s.io/ingress-nginx/controller:v1.13.2@sha256:…`.
 * A digest alone or a tag that is not a version (latest) tells none.
 */
export function imageVersion(image: string): string | null {
  const name = image.split('@')[0] ?? '';
  const tag = name.slice(name.lastIndexOf('/') + 1).split(':')[1];
  return tag && /^v?\d+\.\d+(\.\d+)?([-+].*)?$/.test(tag) ? tag : null;
}

function controllerVersion(spec: ControllerSpec, pod: V1Pod): string | null {
  const image = images(pod).find((i) => spec.image.test(i));
  return image ? imageVersion(image) : null;
}

/** Which controller kind a pod runs, if any. */
export function ingressControllerKind(pod: V1Pod): ControllerSpec['kind'] | null {
  return CONTROLLERS.find((c) => c.matchesPod(pod))?.kind ?? null;
}

/** ConfigMaps (namespace/name) the ingress-nginx pods point at: discovery reads exactly these. */
export function controllerConfigMapRefs(pods: V1Pod[]): { namespace: string; name: string }[] {
  const refs = new Map<string, { namespace: string; name: string }>();
  for (const pod of pods) {
    if (!podIsLive(pod) || ingressControllerKind(pod) !== 'ingress-nginx') continue;
    const ref = ingressNginxConfigMapRef(containerArgs(pod), pod.metadata?.namespace ?? '');
    if (ref) refs.set(`${ref.namespace}/${ref.name}`, ref);
  }
  return [...refs.values()];
}

const SERVICE_TYPE_PREFERENCE = ['LoadBalancer', 'NodePort', 'ClusterIP'];

/** The Service in front of the controller: one whose selector picks its pods, the most external type first. */
function controllerService(pods: V1Pod[], services: V1Service[], namespace: string): string | null {
  const candidates = services
    .filter((s) => s.metadata?.namespace === namespace)
    .filter((s) => pods.some((p) => serviceSelects(s.spec?.selector, p.metadata?.labels)))
    // ingress-nginx's admission webhook Service selects the same pods but carries no traffic.
    .filter((s) => !(s.metadata?.name ?? '').endsWith('-admission'))
    .sort(
      (a, b) =>
        SERVICE_TYPE_PREFERENCE.indexOf(a.spec?.type ?? 'ClusterIP') - SERVICE_TYPE_PREFERENCE.indexOf(b.spec?.type ?? 'ClusterIP') ||
        (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    );
  return candidates[0]?.metadata?.name ?? null;
}

export interface ControllerDraft {
  info: IngressControllerInfo;
  classControllers: string[];
  legacyClassNames: string[];
}

export function findIngressControllers(
  pods: V1Pod[],
  services: V1Service[],
  ingressClasses: V1IngressClass[],
  configMaps: Map<string, V1ConfigMap>,
): ControllerDraft[] {
  const groups = new Map<string, { spec: ControllerSpec; pods: V1Pod[]; namespace: string; workload: string }>();
  for (const pod of pods) {
    if (!podIsLive(pod)) continue;
    const spec = CONTROLLERS.find((c) => c.matchesPod(pod));
    if (!spec) continue;
    const namespace = pod.metadata?.namespace ?? '';
    const workload = podWorkload(pod)?.name ?? pod.metadata?.name ?? '';
    const id = `${spec.kind}/${namespace}/${workload}`;
    const group = groups.get(id) ?? { spec, pods: [], namespace, workload };
    group.pods.push(pod);
    groups.set(id, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, group]) => {
      const args = containerArgs(group.pods[0]!);
      const classControllers = group.spec.classControllers(args);
      const legacyClassNames = group.spec.legacyClassNames(args);
      const { settings, configMap } = group.spec.settings(group.pods[0]!, configMaps);
      const classes = ingressClasses
        .filter((c) => classControllers.includes(c.spec?.controller ?? ''))
        .map((c) => c.metadata?.name ?? '');
      return {
        classControllers,
        legacyClassNames,
        info: {
          id,
          kind: group.spec.kind,
          namespace: group.namespace,
          service: controllerService(group.pods, services, group.namespace),
          settings,
          ingressClasses: [...new Set([...classes, ...legacyClassNames])].sort(),
          pods: group.pods.map(podRef).sort((a, b) => a.name.localeCompare(b.name)),
          configMap,
          version: controllerVersion(group.spec, group.pods[0]!),
          containerPorts: containerPorts(group.pods[0]!),
        },
      };
    });
}

const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/**
 * Ingress → class → controller: spec.ingressClassName, else the legacy `kubernetes.io/ingress.class`
 * annotation, else the IngressClass marked default. A class maps to a controller by its spec.controller;
 * a legacy name with no IngressClass object maps by the controller's legacy class name.
 */
export function normalizeIngress(ingress: V1Ingress, classes: V1IngressClass[], controllers: ControllerDraft[], nodeCloud: string | null = null): IngressInfo {
  const cloud = cloudIngressByAnnotation(ingress, nodeCloud);
  const defaultClass = classes.find((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  const className =
    ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION] ?? defaultClass?.metadata?.name ?? null;
  const ingressClass = classes.find((c) => c.metadata?.name === className);
  const controller = cloud
    ? controllers.find((c) => c.info.kind === cloud.kind)
    : className === null
      ? null
      : ingressClass
        ? controllers.find((c) => c.classControllers.includes(ingressClass.spec?.controller ?? ''))
        : controllers.find((c) => c.legacyClassNames.includes(className));

  const backends: IngressRuleBackend[] = [];
  const defaultBackend = ingress.spec?.defaultBackend?.service;
  if (defaultBackend) {
    backends.push({
      host: null,
      path: '/',
      serviceName: defaultBackend.name,
      servicePort: defaultBackend.port?.number ?? defaultBackend.port?.name ?? null,
    });
  }
  for (const rule of ingress.spec?.rules ?? []) {
    for (const p of rule.http?.paths ?? []) {
      const svc = p.backend.service;
      if (!svc) continue;
      backends.push({
        host: rule.host ?? null,
        path: p.path ?? '/',
        serviceName: svc.name,
        servicePort: svc.port?.number ?? svc.port?.name ?? null,
      });
    }
  }
  const tls = ingress.spec?.tls ?? [];
  const middlewares = ingressMiddlewareRefs(ingress.metadata?.annotations);
  return {
    namespace: ingress.metadata?.namespace ?? '',
    name: ingress.metadata?.name ?? '',
    className,
    hosts: [...new Set((ingress.spec?.rules ?? []).map((r) => r.host).filter((h): h is string => Boolean(h)))],
    tls: tls.length > 0,
    tlsHosts: [...new Set(tls.flatMap((t) => t.hosts ?? []))],
    addresses: (ingress.status?.loadBalancer?.ingress ?? [])
      .map((i) => i.ip ?? i.hostname)
      .filter((a): a is string => Boolean(a)),
    backends,
    ...keptAnnotations(ingress),
    controller: controller?.info ?? null,
    ...(middlewares.length > 0 ? { traefikMiddlewares: middlewares } : {}),
  };
}
