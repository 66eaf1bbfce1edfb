// The verdict vocabulary (README "verdict") in one place: what one belief about the client is worth, and which
// verdict is worse. The model, the graph and the probe evaluation all classify and summarise through these.
import { VERDICTS } from '@/lib/contract/enums';
import type { AddressRole, ClientAddressVia, Verdict } from '@/lib/types';

/** What taking `role` (learnt `via`) as the client amounts to: forged, an intermediate, the TCP source or a header. */
export function verdictOfBelief(role: AddressRole, via: ClientAddressVia): Verdict {
  if (role === 'attacker') return 'spoofable';
  if (role !== 'client') return 'lost';
  return via === 'source' ? 'preserved' : 'header';
}

// A Record so that a verdict added to VERDICTS cannot be left without a place in the order.
const BADNESS: Record<Verdict, number> = { preserved: 0, header: 1, spoofable: 2, lost: 3, unreachable: 4, broken: 5 };

/** Every verdict from best to worst: the legend's order and the order summaries fold by. */
export const VERDICTS_BY_BADNESS: readonly Verdict[] = [...VERDICTS].sort((a, b) => BADNESS[a] - BADNESS[b]);

/** The worse of two verdicts; `a` on a tie. */
export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return BADNESS[b] > BADNESS[a] ? b : a;
}
