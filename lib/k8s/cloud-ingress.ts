// Cloud L7 load balancers that implement Ingress themselves (docs/domain.md#s6.4): the AWS Load Balancer Controller's
// ALB, GKE Ingress (GCLB) and Azure's Application Gateway Ingress Controller. No pod of theirs carries traffic: the
// load balancer terminates HTTP and sends to nodes or pods. They are recognised from the IngressClass controller
// name or the legacy class annotation, never from pods.
import type { V1Ingress } from '@kubernetes/client-node';
import type { IngressControllerInfo, IngressControllerKind, IngressControllerSettings } from '@/lib/types';

export interface CloudIngress {
  kind: Extract<IngressControllerKind, 'aws-alb' | 'gce' | 'azure-application-gateway'>;
  /** IngressClass spec.controller values. */
  classControllers: string[];
  /** Values of the legacy `kubernetes.io/ingress.class` annotation. */
  legacyClassNames: string[];
  /** The node providerID cloud on which an Ingress with no class at all is this controller's (GKE only). */
  defaultOnCloud: string | null;
  /** The annotation (on the Ingress) that wins over spec.ingressClassName (GKE reads only the annotation). */
  annotationWins: boolean;
}

export const CLOUD_INGRESSES: CloudIngress[] = [
  // aws-load-balancer-controller docs/guide/ingress/ingress_class.md: controller ingress.k8s.aws/alb; legacy class "alb".
  { kind: 'aws-alb', classControllers: ['ingress.k8s.aws/alb', 'eks.amazonaws.com/alb'], legacyClassNames: ['alb'], defaultOnCloud: null, annotationWins: false },
  // GKE Ingress: "gce" / "gce-internal" annotation; with neither the annotation nor ingressClassName, GKE processes it.
  { kind: 'gce', classControllers: [], legacyClassNames: ['gce', 'gce-internal'], defaultOnCloud: 'gce', annotationWins: true },
  // AGIC: kubernetes.io/ingress.class: azure/application-gateway, IngressClass controller azure/application-gateway.
  { kind: 'azure-application-gateway', classControllers: ['azure/application-gateway'], legacyClassNames: ['azure/application-gateway'], defaultOnCloud: null, annotationWins: false },
];

/** Ingress annotations that bear on the client address at a cloud L7 LB (target type, XFF processing). */
export const CLOUD_INGRESS_ANNOTATION_PREFIXES = ['alb.ingress.kubernetes.io/', 'appgw.ingress.kubernetes.io/', 'kubernetes.io/ingress.class'];

export function cloudIngressAnnotations(ingress: V1Ingress): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(ingress.metadata?.annotations ?? {})) {
    if (CLOUD_INGRESS_ANNOTATION_PREFIXES.some((p) => key.startsWith(p))) kept[key] = value;
  }
  return kept;
}

const NO_SETTINGS: IngressControllerSettings = {
  useForwardedHeaders: false,
  useProxyProtocol: false,
  computeFullForwardedFor: false,
  trustedCIDRs: [],
  origin: 'cloud load balancer (no settings in the cluster)',
};

/** The controller record of a cloud L7 LB: no namespace, Service or pods of its own. */
export function cloudIngressController(cloud: CloudIngress, ingressClasses: string[]): IngressControllerInfo {
  return {
    id: `${cloud.kind}/cloud/${cloud.kind}`,
    kind: cloud.kind,
    namespace: '',
    service: null,
    settings: NO_SETTINGS,
    ingressClasses: [...new Set(ingressClasses)].sort(),
    pods: [],
    configMap: null,
    version: null,
  };
}

/** GKE's rule first (the annotation wins; no class at all on a GCE cluster): the cloud controller an Ingress has regardless of IngressClasses. */
export function cloudIngressByAnnotation(ingress: V1Ingress, nodeCloud: string | null): CloudIngress | null {
  const annotation = ingress.metadata?.annotations?.['kubernetes.io/ingress.class'];
  const winner = CLOUD_INGRESSES.find((c) => c.annotationWins && annotation !== undefined && c.legacyClassNames.includes(annotation));
  if (winner) return winner;
  if (annotation === undefined && !ingress.spec?.ingressClassName && nodeCloud) {
    return CLOUD_INGRESSES.find((c) => c.defaultOnCloud === nodeCloud) ?? null;
  }
  return null;
}
