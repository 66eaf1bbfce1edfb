'use client';

import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { OutsidePlan, OutsideReport, ReportsAnswer } from '@/lib/types';
import { BROWSER_CONCURRENCY, BROWSER_PROBE_TIMEOUT_MS, browserRefusal, failureReport, originGroups, originOf, planOrigins, probePageHref } from '@/lib/graph/browser-probe';
import { IDLE_BROWSER_RUN, browserRunReducer, frameDeadlineMs, frameMessage, type DashboardToFrame } from '@/lib/graph/browser-run';
import { reportBatches } from '@/lib/probe/outside-reports';
import { errorMessage } from './fetch-json';

const withQuery = (path: string, apiQuery: string) => `${path}${apiQuery}`;

async function postJson(url: string, body: unknown, signal: AbortSignal): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) throw new Error(await errorMessage(response));
  return response;
}

/** POST /api/v1/traces {vantage: "browser"}: the plan, or a clear error (a server that streams an in-cluster trace instead knows no outside vantages). */
async function requestPlan(apiQuery: string, pathIds: string[], signal: AbortSignal): Promise<OutsidePlan> {
  const response = await postJson(withQuery('/api/v1/traces', apiQuery), { vantage: 'browser', pathIds }, signal);
  const type = response.headers.get('content-type') ?? '';
  if (!/json/i.test(type) || /ndjson/i.test(type)) {
    // Closing the stream stops whatever trace that server started.
    await response.body?.cancel();
    throw new Error('this dashboard answered with an in-cluster trace instead of a browser plan: it does not know outside vantages');
  }
  const plan = (await response.json()) as OutsidePlan;
  if (plan?.vantage?.kind !== 'browser' || !Array.isArray(plan.probes)) throw new Error('the dashboard answered something other than a browser plan');
  return plan;
}

interface Pending {
  traceId: string;
  finished: (reports: OutsideReport[]) => void;
  refused: (reason: string) => void;
}

/**
 * "Probe from this browser": asks the dashboard for a browser plan, lets a hidden probe page (app/probe/[id]) send
 * it — the dashboard's own CSP allows no other origin, the probe page's allows exactly its plan's — and posts the
 * reports back with their nonces. Only ever called from a button; in demo mode the caller never calls it.
 */
export function useBrowserProbe(apiQuery: string) {
  const [state, dispatch] = useReducer(browserRunReducer, IDLE_BROWSER_RUN);
  const frameRef = useRef<HTMLIFrameElement | null>(null);
  const pending = useRef<Pending | null>(null);
  const running = useRef<AbortController | null>(null);
  const cancelled = useRef(false);

  const tell = useCallback((message: DashboardToFrame) => {
    frameRef.current?.contentWindow?.postMessage(message, window.location.origin);
  }, []);

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      const current = pending.current;
      // Only our own probe page, in our own frame.
      if (!current || event.origin !== window.location.origin || event.source !== frameRef.current?.contentWindow) return;
      const message = frameMessage(event.data, current.traceId);
      if (!message) return;
      if (message.type === 'hopscope-probe-ready') tell({ type: cancelled.current ? 'hopscope-probe-cancel' : 'hopscope-probe-start', traceId: current.traceId });
      else if (message.type === 'hopscope-probe-report') dispatch({ type: 'report', report: message.report });
      else if (message.type === 'hopscope-probe-finished') current.finished(message.reports);
      else current.refused(message.reason);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [tell]);

  /** Loads one probe page and resolves with its reports; bounded, so a page that never answers fails the run. */
  const runPage = useCallback((traceId: string, src: string, probeCount: number, signal: AbortSignal) => {
    return new Promise<OutsideReport[]>((resolve, reject) => {
      const done = () => {
        clearTimeout(deadline);
        signal.removeEventListener('abort', onAbort);
        pending.current = null;
        dispatch({ type: 'frame', src: null });
      };
      const onAbort = () => {
        done();
        reject(new Error('stopped'));
      };
      const deadline = setTimeout(() => {
        done();
        reject(new Error('the probe page did not finish in time'));
      }, frameDeadlineMs(probeCount, BROWSER_PROBE_TIMEOUT_MS, BROWSER_CONCURRENCY));
      signal.addEventListener('abort', onAbort);
      pending.current = {
        traceId,
        finished: (reports) => {
          done();
          resolve(reports);
        },
        refused: (reason) => {
          done();
          reject(new Error(`the probe page sent nothing: ${reason}`));
        },
      };
      dispatch({ type: 'frame', src });
    });
  }, []);

  const run = useCallback(
    async (pathIds: string[]) => {
      running.current?.abort();
      const controller = new AbortController();
      running.current = controller;
      cancelled.current = false;
      dispatch({ type: 'begin' });
      try {
        const plan = await requestPlan(apiQuery, pathIds, controller.signal);
        dispatch({ type: 'planned', plan });
        const reports = new Map<string, OutsideReport>();
        for (const origins of originGroups(planOrigins(plan.probes))) {
          if (cancelled.current) break;
          const probes = plan.probes.filter((p) => origins.includes(originOf(p.url) ?? ''));
          for (const report of await runPage(plan.traceId, probePageHref(plan.traceId, origins, apiQuery), probes.length, controller.signal)) {
            reports.set(report.probeId, report);
          }
        }
        // What no page sent — a URL that is not http(s), or the rest after a cancel — is reported as not sent.
        const all = plan.probes.map((probe) => {
          const report = reports.get(probe.id);
          if (report) return report;
          const missing = failureReport(
            probe,
            'not-sent',
            browserRefusal(probe, window.location.protocol) ?? 'not sent: probing was cancelled in this browser',
            0,
          );
          dispatch({ type: 'report', report: missing });
          return missing;
        });
        dispatch({ type: 'reporting' });
        const answers: ReportsAnswer[] = [];
        for (const batch of reportBatches(all)) {
          const response = await postJson(withQuery(`/api/v1/traces/${encodeURIComponent(plan.traceId)}/reports`, apiQuery), batch, controller.signal);
          answers.push((await response.json()) as ReportsAnswer);
        }
        dispatch({ type: 'answered', answers });
      } catch (err) {
        if (!controller.signal.aborted) dispatch({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      } finally {
        if (running.current === controller) running.current = null;
      }
    },
    [apiQuery, runPage],
  );

  /** Stops sending: probes in flight are aborted and reported as not sent, and the trace is closed with what came. */
  const cancel = useCallback(() => {
    cancelled.current = true;
    dispatch({ type: 'cancel' });
    if (pending.current) tell({ type: 'hopscope-probe-cancel', traceId: pending.current.traceId });
  }, [tell]);

  // Another cluster source makes this run meaningless; leaving the page ends it.
  useEffect(
    () => () => {
      running.current?.abort();
      dispatch({ type: 'reset' });
    },
    [apiQuery],
  );

  return { browser: state, frameRef, run, cancel };
}
