import { randomBytes } from 'node:crypto';
import { SnapshotIdSchema } from './schema';

/** Random bytes per id: 144 bits, so a share link cannot be guessed or enumerated. */
export const SNAPSHOT_ID_BYTES = 18;

export function newSnapshotId(): string {
  return randomBytes(SNAPSHOT_ID_BYTES).toString('base64url');
}

export function isSnapshotId(value: string): boolean {
  return SnapshotIdSchema.safeParse(value).success;
}
