import { describe, expect, it } from 'vitest';
import { SNAPSHOT_ID_BYTES, isSnapshotId, newSnapshotId } from './ids';

describe('snapshot ids', () => {
  const ids = Array.from({ length: 2000 }, newSnapshotId);

  it('carry at least 128 bits of randomness as base64url', () => {
    expect(SNAPSHOT_ID_BYTES * 8).toBeGreaterThanOrEqual(128);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(SNAPSHOT_ID_BYTES);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('use every bit position about half the time', () => {
    const ones = new Array<number>(SNAPSHOT_ID_BYTES * 8).fill(0);
    for (const id of ids) {
      const bytes = Buffer.from(id, 'base64url');
      for (let bit = 0; bit < ones.length; bit++) ones[bit]! += (bytes[bit >> 3]! >> (bit & 7)) & 1;
    }
    // 2000 fair coin flips: mean 1000, sd ≈ 22; 6 sd either way.
    for (const count of ones) expect(Math.abs(count - ids.length / 2)).toBeLessThan(135);
  });

  it.each([
    ['a fresh id', newSnapshotId(), true],
    ['too short', 'AAAAAAAAAAAAAAAAAAAAAAA', false],
    ['too long', 'AAAAAAAAAAAAAAAAAAAAAAAAA', false],
    ['standard base64 characters', 'AAAAAAAAAAAAAAAAAAAAAA+/', false],
    ['a path', '../AAAAAAAAAAAAAAAAAAAAAA', false],
    ['a reserved route name', 'import', false],
  ])('recognise %s', (_label, id, valid) => {
    expect(isSnapshotId(id)).toBe(valid);
  });
});
