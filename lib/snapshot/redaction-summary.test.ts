import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '@/test/support/samples';
import { redactSnapshot } from './redact';
import { countMasks, isMask, redactionSummary, summarizeRedaction } from './redaction-summary';

const KEY = Buffer.alloc(32, 3);
const EKS_CONTEXT = 'arn:aws:eks:eu-central-1:123456789012:cluster/shop';

describe('redactionSummary', () => {
  it('before sharing, names what stays and what goes', () => {
    const summary = redactionSummary({ nodeNames: false });
    expect(summary.visible).toEqual(expect.arrayContaining(['Service, Ingress and namespace names', 'ports', 'verdicts and findings']));
    expect(summary.visible).toContain('node names (unless they spell an address)');
    expect(summary.hidden).toEqual(expect.arrayContaining(['every IPv4 and IPv6 address, also inside names', 'account, project and instance ids']));
    expect(summary.hidden).not.toContain('node names');
    expect(summary.text).toBe(`visible: ${summary.visible.join(', ')}; hidden: ${summary.hidden.join(', ')}`);
  });

  it('moves node names to the hidden side when they are masked', () => {
    const summary = redactionSummary({ nodeNames: true });
    expect(summary.hidden).toContain('node names');
    expect(summary.visible.some((v) => v.startsWith('node names'))).toBe(false);
  });

  it('counts what a redacted snapshot masked', () => {
    const base = sampleSnapshot();
    const original = sampleSnapshot({ context: EKS_CONTEXT, inventory: { ...base.inventory, source: { ...base.inventory.source, context: EKS_CONTEXT } } });
    const redacted = redactSnapshot(original, { key: KEY, nodeNames: true }).snapshot;
    const counts = countMasks(redacted);
    const distinctAddresses = new Set(
      [...original.inventory.nodes.flatMap((n) => [n.internalIP, n.externalIP]), original.trace!.prober.address].filter(Boolean),
    ).size;
    expect(counts.ip + counts.ip6).toBeGreaterThanOrEqual(distinctAddresses);
    expect(counts.node).toBe(original.inventory.nodes.length);
    expect(counts.ctx).toBe(1);
    expect(counts.acct).toBe(0); // the account number is inside the context name, masked as a whole
    expect(counts.cloud).toBe(1); // the EC2 node's providerID

    const summary = summarizeRedaction(redacted)!;
    expect(summary.hidden).toEqual([
      `${counts.ip + counts.ip6} addresses`,
      `${counts.node} node names`,
      'the context name',
      '1 account or cloud id',
    ]);
    expect(summary.text).toMatch(/^visible: Service, Ingress and namespace names, Ingress hosts, ports, verdicts and findings, pod names; hidden: \d+ addresses, 4 node names, the context name, 1 account or cloud id$/);
  });

  it('says nothing for a snapshot that is not redacted, and finds no masks in it', () => {
    const snapshot = sampleSnapshot();
    expect(summarizeRedaction(snapshot)).toBeNull();
    expect(Object.values(countMasks(snapshot)).every((n) => n === 0)).toBe(true);
  });

  it('recognises masks only as a whole value', () => {
    expect(isMask('ip-3f9a1c')).toBe(true);
    expect(isMask('acct-3f9a1c0b')).toBe(true);
    expect(isMask('ip-3f9a1c.ec2.internal')).toBe(false);
    expect(isMask('ip-10-0-1-23')).toBe(false);
  });
});
