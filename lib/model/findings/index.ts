// Findings: why a path ends with its verdict and the concrete change that fixes it. Every code the model emits
// is listed in FINDING_CODES (stable, part of the public API). Only the rules in this folder create findings
// (only-here.test.ts checks it); `diagnose` is how the rest of the model asks for them.
import type { Finding, Verdict } from '@/lib/types';
import type { PathPlan, Run } from '../plan';
import { cloudL7Findings } from './cloud-l7';
import { allowListFindings } from './allow-lists';
import { contextFindings } from './context';
import { entryFindings } from './entry';
import { failureFindings } from './failure';
import { lostFindings } from './lost';
import { spoofFindings } from './spoof';
import { traefikFindings } from './traefik';
import { traefikAllowListFindings } from './traefik-allow-list';

export { FINDING_CODES, type FindingCode } from '@/lib/contract/finding-codes';

/** All findings of one path, from its plan and the honest / forged runs. */
export function diagnose(plan: PathPlan, honest: Run, forged: Run | null, verdict: Verdict): Finding[] {
  const out = [...failureFindings(plan, honest)];
  if (verdict === 'spoofable' && forged) out.push(...spoofFindings(plan, forged));
  if (verdict === 'lost' && plan.entry.kind !== 'egress') out.push(...lostFindings(plan));
  out.push(...contextFindings(plan, honest), ...traefikFindings(plan), ...traefikAllowListFindings(plan, honest), ...entryFindings(plan), ...cloudL7Findings(plan, verdict), ...allowListFindings(plan, honest));
  return out;
}
