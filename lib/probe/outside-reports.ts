// How an outside vantage posts its reports (POST /api/v1/traces/{id}/reports): bodies cut to fit, and batches that
// each stay within the API's JSON body limit, the last one saying done so the dashboard closes and compares the
// trace. Pure and free of Node's Buffer, so the browser's probe page and the agent can both use it.
import type { OutsideReport } from '@/lib/types';

/** The API's limit on a JSON request body (MAX_JSON_BODY_BYTES of the route plumbing, 64 KiB). */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** Reports per call (ReportsBody). */
export const MAX_REPORTS_PER_CALL = 512;
/**
 * A body is cut so that its JSON string takes at most this many bytes: one report then always fits in a call of
 * its own, and an echo report (a few KiB; its header head is bounded at 16 KiB) is never cut.
 */
export const MAX_REPORT_BODY_JSON_BYTES = 48 * 1024;

const encoder = new TextEncoder();
const jsonBytes = (value: unknown) => encoder.encode(JSON.stringify(value)).byteLength;

/** The longest start of `body` whose JSON string takes at most `maxBytes`, never ending in half a surrogate pair. */
export function fitBody(body: string, maxBytes: number): string {
  if (jsonBytes(body) <= maxBytes) return body;
  let lo = 0;
  let hi = body.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (jsonBytes(body.slice(0, mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  const last = body.charCodeAt(lo - 1);
  return body.slice(0, last >= 0xd800 && last <= 0xdbff ? lo - 1 : lo);
}

/**
 * The calls that carry `reports`, in order, each within `maxBytes` as JSON and MAX_REPORTS_PER_CALL reports; the
 * last says done. No reports still makes one call: it closes the trace.
 */
export function reportBatches(reports: readonly OutsideReport[], maxBytes = MAX_REQUEST_BYTES): { reports: OutsideReport[]; done: boolean }[] {
  const envelope = jsonBytes({ reports: [], done: false });
  const batches: OutsideReport[][] = [];
  let current: OutsideReport[] = [];
  let size = envelope;
  for (const report of reports) {
    const bytes = jsonBytes(report);
    if (current.length > 0 && (size + 1 + bytes > maxBytes || current.length >= MAX_REPORTS_PER_CALL)) {
      batches.push(current);
      current = [];
      size = envelope;
    }
    // A comma before every report but the first.
    size += (current.length > 0 ? 1 : 0) + bytes;
    current.push(report);
  }
  batches.push(current);
  return batches.map((batch, i) => ({ reports: batch, done: i === batches.length - 1 }));
}
