// What the agent posts back: one OutsideReport per planned probe. Cutting bodies to fit and batching the calls is
// shared with the browser's probe page (lib/probe/outside-reports.ts).
import { OutsideReportSchema } from '../contract/schemas';
import { fitBody, MAX_REPORT_BODY_JSON_BYTES } from '../probe/outside-reports';
import type { OutsideProbe, OutsideReport, ReportsAnswer } from '../types';
import { MAX_BODY_BYTES, type SentProbe } from './sender';

const MAX_ERROR_CHARS = 1024;

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

/** Every report the dashboard did not count, over all calls. */
export const refusedReports = (answers: readonly ReportsAnswer[]) => answers.flatMap((a) => a.refused);
