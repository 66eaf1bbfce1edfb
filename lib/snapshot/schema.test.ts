import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '@/test/support/samples';
import { parseSnapshotText, parseStoredSnapshot } from './schema';

const valid = sampleSnapshot();
const withPath = (change: Record<string, unknown>) =>
  JSON.stringify({ ...valid, paths: [{ ...valid.paths[0], ...change }] });

describe('parseSnapshotText', () => {
  it('accepts a complete snapshot and returns it unchanged', () => {
    expect(parseSnapshotText(JSON.stringify(valid))).toEqual({ ok: true, snapshot: valid });
  });

  it('keeps optional fields out when they were absent', () => {
    const result = parseSnapshotText(JSON.stringify({ ...valid, trace: null, entry: null }));
    expect(result).toMatchObject({ ok: true, snapshot: { trace: null, entry: null } });
  });

  it.each([
    ['truncated JSON', JSON.stringify(valid).slice(0, 100), 'json', /not valid JSON/],
    ['a string', '"snapshot"', 'schema', /expected a JSON object/],
    ['null', 'null', 'schema', /expected a JSON object/],
    ['version 2', JSON.stringify({ ...valid, schemaVersion: 2 }), 'version', /schemaVersion 2; this hopscope reads version 1/],
    ['a version given as text', JSON.stringify({ ...valid, schemaVersion: '1' }), 'version', /schemaVersion "1"/],
    ['an unknown verdict', withPath({ verdict: 'fine' }), 'schema', /paths\.0\.verdict/],
    ['a hop without kind', withPath({ hops: [{ ...valid.paths[0]!.hops[0], kind: undefined }] }), 'schema', /paths\.0\.hops\.0\.kind/],
    ['a bad id', JSON.stringify({ ...valid, id: 'short' }), 'schema', /id: not a snapshot id/],
    ['a bad timestamp', JSON.stringify({ ...valid, createdAt: 'yesterday' }), 'schema', /createdAt/],
    ['a missing inventory', JSON.stringify({ ...valid, inventory: undefined }), 'schema', /inventory/],
    ['a wrong node field', JSON.stringify({ ...valid, inventory: { ...valid.inventory, nodes: [{ name: 1 }] } }), 'schema', /inventory\.nodes\.0\.name/],
  ])('refuses %s', (_label, text, problem, message) => {
    const result = parseSnapshotText(text);
    expect(result).toMatchObject({ ok: false, problem });
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('names at most five problems and counts the rest', () => {
    const broken = { ...valid, paths: Array.from({ length: 8 }, () => ({ ...valid.paths[0], verdict: 'fine' })) };
    const result = parseSnapshotText(JSON.stringify(broken));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/paths\.4\.verdict.*; and 3 more$/);
  });
});

describe('parseStoredSnapshot', () => {
  it('reports an unreadable stored snapshot as a 500 with where it came from', () => {
    expect(() => parseStoredSnapshot('{', 'file x.json')).toThrow(
      expect.objectContaining({ status: 500, code: 'snapshot_corrupt', message: expect.stringMatching(/file x\.json/) }),
    );
  });
});
