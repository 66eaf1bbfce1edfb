// The one constructor of a Finding, and the names every rule uses to pin a finding to a hop and to an object.
import { FINDING_CODES, type FindingCode } from '@/lib/contract/finding-codes';
import type { Finding, ServiceInfo, Severity } from '@/lib/types';
import type { PathPlan, Stage } from '../plan';
import type { WhatIf } from '../types';
import { formatWhatIf } from '../whatif';

interface FindingInput {
  message: string;
  fix: string | null;
  tradeOff?: string | null;
  whatIf?: WhatIf[];
  hopId?: string | null;
  severity?: Severity;
  allowList?: Finding['allowList'];
}

export function finding(code: FindingCode, input: FindingInput): Finding {
  return {
    severity: input.severity ?? FINDING_CODES[code].severity,
    code,
    message: input.message,
    fix: input.fix,
    tradeOff: input.tradeOff ?? null,
    whatIf: input.whatIf && input.whatIf.length > 0 ? input.whatIf.map(formatWhatIf).join(',') : null,
    hopId: input.hopId ?? null,
    ...(input.allowList ? { allowList: input.allowList } : {}),
  };
}

export const ref = (s: ServiceInfo) => `${s.namespace}/${s.name}`;

export const hopIdOf = (plan: PathPlan, role: Stage['role']) => plan.stages.find((s) => s.role === role)?.hop.id ?? null;
