import { describe, expect, it } from 'vitest';
import { address } from './flow';
import { isCatchAll, isTrusted } from './trust';

const ctx = { podCIDRs: ['10.244.0.0/16'] };

describe('isTrusted', () => {
  it.each<[string, ReturnType<typeof address>, string[], boolean]>([
    ['a node inside the listed range', address('node', '192.0.2.12'), ['192.0.2.0/24'], true],
    ['a node outside a /32 for the LB (docs/lab.md#row-22)', address('node', '192.0.2.12'), ['192.0.2.1/32'], false],
    ['anything under the ingress-nginx default 0.0.0.0/0 (docs/lab.md#row-25, #row-27)', address('client', null), ['0.0.0.0/0'], true],
    ['a forged value under ::/0', address('attacker', null), ['::/0'], true],
    ['the client under a specific range', address('client', null), ['192.0.2.0/24'], false],
    ['an LB with an undiscoverable address when a non-pod range is listed', address('loadBalancer', null), ['192.0.2.1/32'], true],
    ['an LB when only pod ranges are listed', address('loadBalancer', null), ['10.244.1.0/24'], false],
    ['an LB when nothing is listed', address('loadBalancer', null), [], false],
    ['a controller pod inside the pod range', address('ingressController', '10.244.1.20'), ['10.244.0.0/16'], true],
  ])('%s', (_name, a, cidrs, trusted) => {
    expect(isTrusted(a, cidrs, ctx)).toBe(trusted);
  });

  it('recognises catch-all lists', () => {
    expect(isCatchAll(['192.0.2.0/24', '0.0.0.0/0'])).toBe(true);
    expect(isCatchAll(['192.0.2.0/24'])).toBe(false);
  });
});
