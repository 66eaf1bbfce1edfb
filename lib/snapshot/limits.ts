import { HopscopeError } from '@/lib/errors';
import { formatBytes } from '@/lib/http/body';

export { formatBytes };

/** Largest snapshot JSON accepted from a request body or written to the file store. */
export const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;

/**
 * Kubernetes rejects a ConfigMap whose data + binaryData exceed 1 MiB (core validation, MaxSecretSize); the compressed
 * snapshot must fit below that with room for the object's metadata.
 */
export const MAX_CONFIGMAP_PAYLOAD_BYTES = 1024 * 1024 - 16 * 1024;

export function snapshotTooLarge(message: string, hint: string): HopscopeError {
  return new HopscopeError('snapshot_too_large', message, hint);
}

/** Refuses a snapshot whose JSON is larger than any store accepts. */
export function assertSnapshotSize(json: string): void {
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_SNAPSHOT_BYTES) {
    throw snapshotTooLarge(
      `snapshot is ${formatBytes(bytes)}, the limit is ${formatBytes(MAX_SNAPSHOT_BYTES)}`,
      'share a narrower view (one context, fewer paths) or export the JSON and attach it instead',
    );
  }
}
