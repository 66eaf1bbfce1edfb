/** Path where scripts/helm.mjs caches the helm binary. */
export const helmPath: string;
/** Path of a working helm binary, fetched into .tmp/helm on first use. */
export function ensureHelm(): string;
/** One entry of a (non-zip64) zip archive. */
export function readZipEntry(zip: Buffer, entryName: string): Buffer;
