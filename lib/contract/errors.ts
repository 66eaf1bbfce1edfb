// Every error code the API answers with, and its HTTP status: the one table HopscopeError reads, so a code can
// never leave with two different statuses.
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  cross_origin_refused: 403,
  not_found: 404,
  unknown_trace: 404,
  trace_running: 409,
  /** An outside trace past its deadline, or one whose reports are all in. */
  trace_closed: 410,
  body_too_large: 413,
  unsupported_media_type: 415,
  host_not_allowed: 421,
  probe_budget_exhausted: 429,
  unknown_context: 404,
  unknown_scenario: 404,
  snapshot_too_large: 413,
  snapshot_invalid: 422,
  /** A report from an outside vantage hopscope did not ask for: unknown or used nonce, a target it did not plan. */
  report_refused: 422,
  internal: 500,
  invalid_kubeconfig: 500,
  snapshot_corrupt: 500,
  trace_failed: 500,
  /** The browser could not read a line of the trace stream (never sent by the server). */
  bad_stream: 502,
  cluster_unreachable: 503,
  cluster_unavailable: 503,
  snapshot_store_unreachable: 503,
  snapshot_store_forbidden: 503,
  snapshot_store_unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODE_LIST = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
