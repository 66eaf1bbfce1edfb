// Cloud L7 load balancers as Ingress controllers (docs/domain.md#s6.4): the LB itself terminates the client's
// connection, so it sees the client as its TCP peer, and sends on from its own address with the client appended to
// X-Forwarded-For. What reaches the backend is therefore `header`, never the client as TCP source.
import type { IngressControllerInfo, IngressInfo, ServiceInfo } from '@/lib/types';
import { type Claim, type Flow, address } from '../flow';
import type { ControllerModel, ControllerResult } from './types';

/** Where the LB delivers: pod IPs (ALB ip targets, GKE NEGs, AGIC), or node IP:NodePort (ALB instance targets, GKE instance groups). */
export interface CloudTargets {
  targets: 'pods' | 'nodes';
  /** The setting that decided it, or the default that was assumed. */
  why: string;
  assumed: boolean;
}

const ALB_TARGET_TYPE = 'alb.ingress.kubernetes.io/target-type';
const ALB_ATTRIBUTES = 'alb.ingress.kubernetes.io/load-balancer-attributes';

/** ALB routing.http.xff_header_processing.mode: append (default), preserve, remove (docs/domain.md#s6.4, #src-S38). */
export function albXffMode(ingress: IngressInfo | undefined): 'append' | 'preserve' | 'remove' {
  const attributes = ingress?.annotations?.[ALB_ATTRIBUTES] ?? '';
  const mode = /routing\.http\.xff_header_processing\.mode=(append|preserve|remove)/.exec(attributes)?.[1];
  return (mode as 'append' | 'preserve' | 'remove' | undefined) ?? 'append';
}

/** GKE container-native load balancing: the Service's cloud.google.com/neg annotation, else GKE's default. */
function gkeNeg(backend: ServiceInfo | null): boolean | null {
  const value = backend?.annotations['cloud.google.com/neg'];
  if (value === undefined) return null;
  return /"ingress"\s*:\s*true/.test(value);
}

export function cloudTargets(controller: IngressControllerInfo, ingress: IngressInfo, backend: ServiceInfo | null): CloudTargets {
  switch (controller.kind) {
    case 'aws-alb': {
      // The Service's annotation overrides the Ingress's; the controller's default is instance.
      const value = backend?.annotations[ALB_TARGET_TYPE] ?? ingress.annotations?.[ALB_TARGET_TYPE];
      if (value === 'ip') return { targets: 'pods', why: `${ALB_TARGET_TYPE}: ip`, assumed: false };
      return { targets: 'nodes', why: value ? `${ALB_TARGET_TYPE}: ${value}` : `${ALB_TARGET_TYPE} unset: the default, instance`, assumed: false };
    }
    case 'gce': {
      const neg = gkeNeg(backend);
      if (neg === true) return { targets: 'pods', why: 'cloud.google.com/neg: {"ingress": true} (container-native)', assumed: false };
      if (neg === false) return { targets: 'nodes', why: 'cloud.google.com/neg without ingress: true (instance groups)', assumed: false };
      return {
        targets: 'pods',
        why: 'no cloud.google.com/neg annotation: GKE makes container-native load balancing the default on VPC-native clusters (1.17.6-gke.7+, no Shared VPC, no GKE Network Policy)',
        assumed: true,
      };
    }
    default:
      // AGIC programs the Application Gateway's backend pools with pod IPs.
      return { targets: 'pods', why: 'Application Gateway backend pools hold pod IPs', assumed: false };
  }
}

export type CloudL7Kind = 'aws-alb' | 'gce' | 'azure-application-gateway';

const LABELS: Record<CloudL7Kind, string> = {
  'aws-alb': 'AWS Application Load Balancer',
  gce: 'Google Cloud Application Load Balancer',
  'azure-application-gateway': 'Azure Application Gateway',
};

/**
 * The LB receives the client's own connection. ALB appends the client (append mode), or passes the header as it came
 * (preserve) or drops it (remove); GCLB appends "client, LB"; Application Gateway appends "client:port".
 * X-Real-IP passes untouched: none of them writes it.
 */
export function cloudL7Receive(kind: CloudL7Kind, flow: Flow, ingress: IngressInfo | undefined): ControllerResult {
  const self = address('loadBalancer', null);
  const client: Claim = { address: flow.peer, vouched: true };
  const details: Record<string, string> = { 'TCP source seen': 'the client (the LB terminates the connection)' };
  let xForwardedFor: Claim[];
  if (kind === 'aws-alb') {
    const mode = albXffMode(ingress);
    details['xff_header_processing.mode'] = mode;
    xForwardedFor = mode === 'append' ? [...flow.xForwardedFor, client] : mode === 'preserve' ? flow.xForwardedFor : [];
  } else if (kind === 'gce') {
    details['X-Forwarded-For'] = '<as sent>, <client>, <load balancer>';
    xForwardedFor = [...flow.xForwardedFor, client, { address: address('loadBalancer', null), vouched: true }];
  } else {
    details['X-Forwarded-For'] = '<as sent>, <client>:<port>';
    xForwardedFor = [...flow.xForwardedFor, client];
  }
  return {
    ok: true,
    believed: flow.peer,
    via: 'source',
    upstream: { peer: self, proxyProtocol: null, xForwardedFor, xRealIp: flow.xRealIp, otherHeader: flow.otherHeader ?? null },
    details,
  };
}

const cloudModel = (kind: CloudL7Kind): ControllerModel => ({
  kind,
  label: LABELS[kind],
  receive: (flow) => cloudL7Receive(kind, flow, undefined),
  trustsEveryone: () => false,
  fixes: null,
});

export const awsAlb = cloudModel('aws-alb');
export const gce = cloudModel('gce');
export const azureApplicationGateway = cloudModel('azure-application-gateway');

export const isCloudL7 = (kind: IngressControllerInfo['kind']): kind is CloudL7Kind => kind in LABELS;
export const cloudL7Label = (kind: CloudL7Kind) => LABELS[kind];
