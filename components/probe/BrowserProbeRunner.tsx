'use client';

import { useEffect, useState } from 'react';
import type { OutsideProbe, OutsideReport } from '@/lib/types';
import { sendBrowserProbes } from '@/lib/graph/browser-probe';
import { dashboardMessage, type FrameToDashboard } from '@/lib/graph/browser-run';

type Phase = 'waiting' | 'probing' | 'finished' | 'standalone';

/**
 * Sends this page's probes when, and only when, the dashboard that framed it says so: opened on its own (a link, a
 * new tab) it sends nothing, so no page load ever probes. Every report goes back to the dashboard, which posts them.
 */
export function BrowserProbeRunner({ traceId, probes, refusal }: { traceId: string; probes: OutsideProbe[]; refusal: string | null }) {
  const [phase, setPhase] = useState<Phase>('waiting');
  const [done, setDone] = useState(0);

  useEffect(() => {
    if (window.parent === window) {
      setPhase('standalone');
      return;
    }
    const origin = window.location.origin;
    const tell = (message: FrameToDashboard) => window.parent.postMessage(message, origin);
    const controller = new AbortController();
    let started = false;
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== origin || event.source !== window.parent) return;
      const command = dashboardMessage(event.data, traceId);
      if (command?.type === 'hopscope-probe-cancel') {
        controller.abort();
        // Cancelled before it began: nothing was sent, and the dashboard reports every probe as not sent.
        if (!started) tell({ type: 'hopscope-probe-finished', traceId, reports: [] });
        started = true;
      }
      if (command?.type !== 'hopscope-probe-start' || started) return;
      started = true;
      setPhase('probing');
      const sender = { fetch: (url: string, init: RequestInit) => window.fetch(url, init), pageProtocol: window.location.protocol, signal: controller.signal };
      void sendBrowserProbes(probes, sender, (report: OutsideReport) => {
        setDone((n) => n + 1);
        tell({ type: 'hopscope-probe-report', traceId, report });
      }).then((reports) => {
        setPhase('finished');
        tell({ type: 'hopscope-probe-finished', traceId, reports });
      });
    };
    window.addEventListener('message', onMessage);
    tell(refusal ? { type: 'hopscope-probe-refused', traceId, reason: refusal } : { type: 'hopscope-probe-ready', traceId });
    return () => {
      window.removeEventListener('message', onMessage);
      controller.abort();
    };
  }, [traceId, probes, refusal]);

  if (refusal) return null;
  return (
    <p data-testid="probe-page" data-phase={phase}>
      {phase === 'standalone' && 'This page sends the browser probes of the hopscope dashboard when the dashboard asks for it; opened on its own it sends nothing.'}
      {phase === 'waiting' && `${probes.length} probe(s) ready; waiting for the dashboard.`}
      {phase !== 'standalone' && phase !== 'waiting' && `${done} / ${probes.length} probe(s) sent from this browser.`}
    </p>
  );
}
