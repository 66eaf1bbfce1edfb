import { describe, expect, it } from 'vitest';
import { ADDRESS_ROLES, VERDICTS } from '@/lib/contract/enums';
import { VERDICTS_BY_BADNESS, verdictOfBelief, worseVerdict } from './verdict';

describe('verdictOfBelief', () => {
  it.each([
    ['client', 'source', 'preserved'],
    ['client', 'x-forwarded-for', 'header'],
    ['client', 'proxy-protocol', 'header'],
    ['attacker', 'x-real-ip', 'spoofable'],
    ['node', 'source', 'lost'],
    ['none', 'none', 'lost'],
  ] as const)('%s via %s is %s', (role, via, verdict) => {
    expect(verdictOfBelief(role, via)).toBe(verdict);
  });

  it('every address other than the client or a forged one is lost', () => {
    for (const role of ADDRESS_ROLES.filter((r) => r !== 'client' && r !== 'attacker')) expect(verdictOfBelief(role, 'source')).toBe('lost');
  });
});

describe('verdict badness', () => {
  it('orders every verdict once, from best to worst', () => {
    expect(VERDICTS_BY_BADNESS.join(' < ')).toBe('preserved < header < spoofable < lost < unreachable < broken');
    expect([...VERDICTS_BY_BADNESS].sort()).toEqual([...VERDICTS].sort());
  });

  it('worseVerdict picks the later one in that order, either way round', () => {
    VERDICTS_BY_BADNESS.forEach((better, i) => {
      for (const worse of VERDICTS_BY_BADNESS.slice(i)) {
        expect(worseVerdict(better, worse)).toBe(worse);
        expect(worseVerdict(worse, better)).toBe(worse);
      }
    });
  });
});
