// What the agent posts back: one OutsideReport per planned probe, in ReportsBody batches that each fit the API's
// JSON body limit, the last one with done:true so the dashboard closes the trace and compares it. Pure.
import { OutsideReportSchema } from '../contract/schemas';
import type { OutsideProbe, OutsideReport, ReportsAnswer } from '../types';
import type { ReportsBodyInput } from '../contract/requests';
import { MAX_BODY_BYTES, type SentProbe } from './sender';

/** The API's limit on a JSON request body (MAX_JSON_BODY_BYTES of the route plumbing, 64 KiB). */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** Reports per call (ReportsBody). */
export const MAX_REPORTS_PER_CALL = 512;
/**
 * A body is cut so that its JSON string takes at most this many bytes: one report then always fits in a call of
 * its own, and an echo report (a few KiB; its header head is bounded at 16 KiB) is never cut.
 */
export const MAX_REPORT_BODY_JSON_BYTES = 48 * 1024;
const MAX_ERROR_CHARS = 1024;

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

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

/** The report of one probe as the contract has it (parsed, so a report the API would refuse fails here first). */
export function toReport(probe: OutsideProbe, sent: SentProbe): OutsideReport {
  const body = sent.body === null ? null : fitBody(sent.body, MAX_REPORT_BODY_JSON_BYTES);
  const keptBytes = body === null ? 0 : Buffer.byteLength(body, 'utf8');
  const cuts = [
    sent.bytes > MAX_BODY_BYTES ? `the agent read ${MAX_BODY_BYTES} of ${sent.bytes} body bytes` : null,
    body !== null && body.length < (sent.body ?? '').length ? `body cut to ${keptBytes} bytes to fit the report` : null,
  ].filter((c): c is string => c !== null);
  return OutsideReportSchema.parse({
    probeId: probe.id,
    nonce: probe.nonce,
    outcome: sent.outcome,
    status: sent.status,
    durationMs: sent.durationMs,
    body,
    contentType: sent.contentType,
    error: sent.error === null ? null : sent.error.slice(0, MAX_ERROR_CHARS),
    localAddress: sent.localAddress,
    bytes: sent.bytes,
    ...(cuts.length > 0 ? { truncated: cuts.join('; ') } : {}),
  });
}

/**
 * The calls that carry `reports`, in order, each within `maxBytes` as JSON and MAX_REPORTS_PER_CALL reports; the
 * last says done. No reports still makes one call: it closes the trace.
 */
export function reportBatches(reports: readonly OutsideReport[], maxBytes = MAX_REQUEST_BYTES): ReportsBodyInput[] {
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

/** Every report the dashboard did not count, over all calls. */
export const refusedReports = (answers: readonly ReportsAnswer[]) => answers.flatMap((a) => a.refused);
