// What the API accepts: query strings and bodies, declared once. Route handlers parse with these and hand the
// result to one service call; services take the parsed types, never a Request.
import { z } from 'zod';
import { ENTRY_KINDS, VANTAGE_KINDS, VERDICTS } from './enums';
import { OutsideReportSchema } from './schemas';

/** Query parameters every cluster-reading route accepts: which kubeconfig context, or which demo scenario. */
export const SourceQuery = z.object({
  context: z.string().min(1).max(253).optional(),
  scenario: z
    .string()
    .regex(/^[a-z0-9-]{1,63}$/, 'scenario ids are lowercase letters, digits and dashes')
    .optional(),
});
export type SourceQueryInput = z.infer<typeof SourceQuery>;

/** ?whatIf= may repeat and each value may be a comma list (grammar in lib/model/whatif.ts). */
export const WhatIfParams = z.array(z.string().min(1).max(2000)).max(32);

/** The same filters as the dashboard's entry picker, so scripts can ask for, say, every spoofable path of a namespace. */
export const PathsQuery = SourceQuery.extend({
  namespace: z.string().min(1).max(253).optional(),
  kind: z.enum(ENTRY_KINDS).optional(),
  verdict: z.enum(VERDICTS).optional(),
  q: z.string().max(200).optional(),
});
export type PathsQueryInput = z.infer<typeof PathsQuery> & { whatIf: string[] };

// Only path ids: probe targets come from discovered objects, never from the request. `.strict()` turns any
// other field (targets, url, address, …) into a 400.
export const TraceBody = z
  .object({
    pathIds: z.array(z.string().min(1).max(512)).min(1).max(1000).optional(),
    /**
     * Who sends the probes: the dashboard's pod (default, streamed), or an outside vantage that gets a plan back
     * and posts what it saw (docs/vantages.md).
     */
    vantage: z.enum(VANTAGE_KINDS).default('in-cluster'),
    /** An agent's name as its user gave it ("laptop-eu"); shown with its observations. */
    agentName: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,63}$/, 'agent names are letters, digits, dots, dashes and underscores')
      .optional(),
  })
  .strict();
export type TraceBodyInput = z.input<typeof TraceBody>;

/** GET /api/v1/traces: `trace` is the last one of `vantage` (default: the dashboard's own, in-cluster). */
export const TracesQuery = SourceQuery.extend({ vantage: z.enum(VANTAGE_KINDS).optional() });
export type TracesQueryInput = z.infer<typeof TracesQuery>;

/** POST /api/v1/traces/{id}/reports: what an outside vantage saw; `done` closes the trace and computes its verdicts. */
export const ReportsBody = z
  .object({
    reports: z.array(OutsideReportSchema).max(512),
    done: z.boolean().default(false),
  })
  .strict();
export type ReportsBodyInput = z.infer<typeof ReportsBody>;
export const REPORTS_BODY_HINT =
  'send {"reports": [...], "done"?: true}, one report per planned probe with its nonce, at most 512 per call and 64 KiB per body';
export const TRACE_BODY_HINT =
  'send {"pathIds": [...]} with ids from GET /api/v1/paths; probe targets come only from discovered cluster objects';

// Strict: a mistyped option (say "redacted") must fail loudly rather than share unredacted addresses.
export const ShareBody = SourceQuery.extend({
  entry: z.string().min(1).max(1024).nullable().optional(),
  redact: z.boolean().default(false),
  redactNodeNames: z.boolean().default(false),
}).strict();
export type ShareBodyInput = z.infer<typeof ShareBody>;

export const DownloadQuery = z.object({ download: z.enum(['0', '1']).optional() });
