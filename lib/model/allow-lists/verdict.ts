// One rule for every allow-list (docs/domain.md#s10): a list checks the address its hop sees. When that address is the
// client the list does its job; when it is a node / LB / proxy address, every client shares it, so the list either
// keeps everyone out or lets everyone in. Each kind of list (files beside this one) only says which address its hop
// checks and which ranges it holds.
import { createCidrMatcher, parseCidr } from '@/lib/net/cidr';
import type { AllowListVerdict, ObjectRef } from '@/lib/types';
import type { PredictedAddress } from '../types';

/** A CIDR with the ranges cut out of it (NetworkPolicy ipBlock.except); plain lists have no exceptions. */
export interface Range {
  cidr: string;
  except?: string[];
}

export interface AddressList {
  /** allow: only listed sources pass (nginx allow + deny all, loadBalancerSourceRanges, ipBlock); deny: listed sources are refused. */
  mode: 'allow' | 'deny';
  ranges: Range[];
}

export const rangesOf = (cidrs: readonly string[]): Range[] => cidrs.map((cidr) => ({ cidr }));

export const rangeText = (r: Range) => (r.except && r.except.length > 0 ? `${r.cidr} except ${r.except.join(', ')}` : r.cidr);

/** Whether `address` lies in one of the ranges (and in none of its exceptions). Entries that are no CIDR match nothing. */
export function listContains(ranges: readonly Range[], address: string): boolean {
  return ranges.some((r) => createCidrMatcher([r.cidr]).matches(address) && !createCidrMatcher(r.except ?? []).matches(address));
}

/** A /0 range without exceptions: every address is in the list. */
const coversEverything = (ranges: readonly Range[]) =>
  ranges.some((r) => parseCidr(r.cidr)?.prefixLength === 0 && (r.except ?? []).length === 0);

/** Whether the list keeps anyone out at all: an allow-list that covers everything does not (kube-proxy drops it too). */
export const restricts = (list: AddressList) => list.ranges.length > 0 && (list.mode === 'deny' || !coversEverything(list.ranges));

/**
 * What a list makes of every client when its hop sees `seen`. The client (or a value it forged) is what the list was
 * written for. A concrete infrastructure address is in the list or not, and that answer holds for every client. An
 * address no object names (a cloud LB's member port) is decided only by a list that covers everything.
 */
export function judgeList(list: AddressList, seen: PredictedAddress): AllowListVerdict {
  if (seen.role === 'client' || seen.role === 'attacker') return 'checks-client';
  const inList = seen.address !== null ? listContains(list.ranges, seen.address) : coversEverything(list.ranges) ? true : null;
  if (inList === null) return 'unknown';
  if (list.mode === 'allow') return inList ? 'admits-everyone' : 'blocks-everyone';
  return inList ? 'blocks-everyone' : 'admits-everyone';
}

/** One allow-list on one path, judged at its hop. `kind` says which rule file produced it. */
export interface AllowListCheck {
  kind: 'load-balancer-source-ranges' | 'ingress-nginx' | 'network-policy';
  verdict: AllowListVerdict;
  list: AddressList;
  /** The object that holds the list and the field (or key) it is in. */
  object: ObjectRef;
  field: string;
  /** The stage whose arrival the list checks. */
  stageIndex: number;
  seen: PredictedAddress;
  /** What the verdict rests on that hopscope cannot see, in words; null when nothing is assumed. */
  assumption: string | null;
  /** Who applies the list at that hop, in words; null when nothing does. */
  enforcedBy: string | null;
  /** Why nothing applies the list at all (then everyone is admitted whatever the address); absent when something does. */
  unread?: string;
}
