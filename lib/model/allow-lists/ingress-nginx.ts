// ingress-nginx allow / deny lists (docs/domain.md#s10.2, #src-S21, #src-S22, #src-S72, #src-S73): the template writes
// `deny <cidr>;` then `allow <cidr>; deny all;` into each location, and nginx's access module checks them against the
// client address after realip — $remote_addr, which the controller model already predicts (controllers/ingress-nginx.ts).
import type { IngressControllerInfo, IngressInfo } from '@/lib/types';
import { versionOf } from '../controllers/ingress-nginx';
import type { PathPlan, Run } from '../plan';
import { type AllowListCheck, type AddressList, judgeList, rangesOf, restricts } from './verdict';

const PREFIX = 'nginx.ingress.kubernetes.io/';
export const ALLOWLIST = `${PREFIX}allowlist-source-range`;
export const WHITELIST = `${PREFIX}whitelist-source-range`;
export const DENYLIST = `${PREFIX}denylist-source-range`;

const split = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

/** The controller reads `allowlist-source-range` from controller-v1.9.0 (#9673), `denylist-source-range` from v1.7.0 (#8795). */
function reads(c: IngressControllerInfo, since: [number, number]): { read: boolean; assumed: boolean } {
  const v = versionOf(c.version);
  if (!v) return { read: true, assumed: true };
  return { read: v[0] > since[0] || (v[0] === since[0] && v[1] >= since[1]), assumed: false };
}

interface Source {
  list: AddressList;
  object: AllowListCheck['object'];
  field: string;
  assumption: string | null;
  /** Why the controller does not read this list at all. */
  unread?: string;
}

const configMapRef = (c: IngressControllerInfo) => {
  const [namespace, name] = (c.configMap ?? `${c.namespace}/ingress-nginx-controller`).split('/');
  return { kind: 'ConfigMap', namespace: namespace ?? c.namespace, name: name ?? 'ingress-nginx-controller' };
};

/**
 * The allow-list of a location: the annotation (`allowlist-source-range`, with `whitelist-source-range` as its alias,
 * read only when the first is empty) else the ConfigMap's `whitelist-source-range`.
 */
export function allowSource(ingress: IngressInfo, c: IngressControllerInfo): Source | null {
  const annotations = ingress.annotations ?? {};
  const ref = { kind: 'Ingress', namespace: ingress.namespace, name: ingress.name };
  const current = split(annotations[ALLOWLIST]);
  const since = reads(c, [1, 9]);
  if (current.length > 0 && since.read) {
    const assumption = since.assumed ? `The controller's version is unknown; ${ALLOWLIST} is read from controller-v1.9.0 (older controllers read only ${WHITELIST}), so hopscope assumes a newer one.` : null;
    return { list: { mode: 'allow', ranges: rangesOf(current) }, object: ref, field: `metadata.annotations["${ALLOWLIST}"]`, assumption };
  }
  const alias = split(annotations[WHITELIST]);
  if (alias.length > 0) return { list: { mode: 'allow', ranges: rangesOf(alias) }, object: ref, field: `metadata.annotations["${WHITELIST}"]`, assumption: null };
  const global = c.settings.allowSourceRange ?? [];
  if (global.length > 0) return { list: { mode: 'allow', ranges: rangesOf(global) }, object: configMapRef(c), field: 'data["whitelist-source-range"]', assumption: null };
  if (current.length > 0) {
    return { list: { mode: 'allow', ranges: rangesOf(current) }, object: ref, field: `metadata.annotations["${ALLOWLIST}"]`, assumption: null, unread: `${c.id} runs ${c.version ?? 'a version'} older than controller-v1.9.0, which reads only ${WHITELIST}` };
  }
  return null;
}

/** The deny-list of a location: the `denylist-source-range` annotation, else the ConfigMap key of that name. */
export function denySource(ingress: IngressInfo, c: IngressControllerInfo): Source | null {
  const ref = { kind: 'Ingress', namespace: ingress.namespace, name: ingress.name };
  const own = split(ingress.annotations?.[DENYLIST]);
  // First in controller-v1.6.4 and v1.7.0; the image tag's minor version cannot tell 1.6.4 from 1.6.0.
  const since = reads(c, [1, 6]);
  const field = `metadata.annotations["${DENYLIST}"]`;
  if (own.length > 0 && since.read) {
    const v = versionOf(c.version);
    const assumption = since.assumed || (v?.[0] === 1 && v[1] === 6) ? `${DENYLIST} is read from controller-v1.6.4 / v1.7.0 on; hopscope assumes this controller (${c.version ?? 'version unknown'}) is one of them.` : null;
    return { list: { mode: 'deny', ranges: rangesOf(own) }, object: ref, field, assumption };
  }
  const global = c.settings.denySourceRange ?? [];
  if (global.length > 0) return { list: { mode: 'deny', ranges: rangesOf(global) }, object: configMapRef(c), field: 'data["denylist-source-range"]', assumption: null };
  if (own.length > 0) return { list: { mode: 'deny', ranges: rangesOf(own) }, object: ref, field, assumption: null, unread: `${c.id} runs ${c.version ?? 'a version'}, older than controller-v1.6.4, which has no ${DENYLIST}` };
  return null;
}

/** Both lists of the Ingress's location, each judged against the $remote_addr the controller ends up with. */
export function ingressNginxChecks(plan: PathPlan, honest: Run): AllowListCheck[] {
  const { ingress, controller: c, controllerModel } = plan.context;
  if (plan.entry.kind !== 'ingress' || !ingress || !c || controllerModel?.kind !== 'ingress-nginx') return [];
  const at = plan.stages.findIndex((s) => s.role === 'controller');
  if (at < 0 || (honest.failure && honest.failure.index <= at)) return [];
  const seen = honest.arrivals[at]?.believed;
  if (!seen) return [];
  return [denySource(ingress, c), allowSource(ingress, c)]
    .filter((s): s is Source => s !== null && restricts(s.list))
    .map((s) => ({
      kind: 'ingress-nginx' as const,
      verdict: judgeList(s.list, seen),
      list: s.list,
      object: s.object,
      field: s.field,
      stageIndex: at,
      seen,
      assumption: s.assumption,
      enforcedBy: `nginx's access module in ${c.id}, on $remote_addr`,
      ...(s.unread ? { verdict: 'admits-everyone' as const, enforcedBy: null, unread: s.unread } : {}),
    }));
}
