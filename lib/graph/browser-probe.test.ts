import { describe, expect, it } from 'vitest';
import type { OutsidePlan, OutsideProbe } from '@/lib/types';
import {
  BROWSER_CONCURRENCY,
  BROWSER_REFUSED,
  OPAQUE_ANSWER,
  MAX_BODY_BYTES,
  browserRefusal,
  isMixedContent,
  originGroups,
  planOrigins,
  probePageHref,
  probePageProbes,
  sendBrowserProbe,
  sendBrowserProbes,
} from './browser-probe';

// No request leaves this file: every fetch is a fake that answers, fails or hangs as a browser's fetch would.

const probe = (over: Partial<OutsideProbe> = {}): OutsideProbe => ({
  id: 'lb#direct',
  pathId: 'lb',
  kind: 'direct',
  target: { address: '198.51.100.60', port: 80, label: 'VIP 198.51.100.60' },
  url: 'http://198.51.100.60/hopscope-probe?nonce=n1',
  httpPath: '/hopscope-probe?nonce=n1',
  headers: [],
  nonce: 'n1',
  ...over,
});

const ingress = probe({
  id: 'ing#direct',
  pathId: 'ing',
  target: { address: '198.51.100.52', port: 443, host: 'a.lab.example', tls: true, label: 'ingress-nginx' },
  url: 'https://a.lab.example/hopscope-probe?nonce=n2',
  httpPath: '/hopscope-probe?nonce=n2',
  nonce: 'n2',
});

const spoof = probe({
  id: 'lb#spoof',
  kind: 'spoof',
  headers: [
    ['X-Forwarded-For', '198.51.100.66'],
    ['X-Real-IP', '198.51.100.66'],
  ],
  url: 'http://198.51.100.60/hopscope-probe?nonce=n3',
  httpPath: '/hopscope-probe?nonce=n3',
  nonce: 'n3',
});

const plan = (probes: OutsideProbe[]): OutsidePlan => ({
  traceId: 't1',
  vantage: { kind: 'browser', label: 'your browser', name: null, node: null, address: null },
  expiresAt: new Date(0).toISOString(),
  probes,
  notProbed: [],
});

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(answer: (call: Call) => Promise<Response>) {
  const calls: Call[] = [];
  return {
    calls,
    fetch: (url: string, init: RequestInit) => {
      const call = { url, init };
      calls.push(call);
      return answer(call);
    },
  };
}

const echoReport = (nonce: string) => JSON.stringify({ kind: 'hopscope-echo', peer: '203.0.113.10', request: { path: `/hopscope-probe?nonce=${nonce}` } });

describe('which origins a plan needs, and its probe pages', () => {
  it('lists each origin once, default ports left out as a browser writes them', () => {
    expect(planOrigins([probe(), spoof, ingress, probe({ url: 'http://192.0.2.11:30081/hopscope-probe?nonce=x' })])).toEqual([
      'http://192.0.2.11:30081',
      'http://198.51.100.60',
      'https://a.lab.example',
    ]);
    expect(planOrigins([probe({ url: 'javascript:alert(1)' })])).toEqual([]);
  });

  it('splits many origins into pages whose addresses stay small', () => {
    const origins = Array.from({ length: 300 }, (_, i) => `http://192.0.2.${i % 250}:${30000 + i}`);
    const groups = originGroups(origins, 1_000, 64);
    expect(groups.flat()).toEqual(origins);
    for (const group of groups) {
      expect(group.join(' ').length).toBeLessThanOrEqual(1_000);
      expect(group.length).toBeLessThanOrEqual(64);
    }
    expect(originGroups([])).toEqual([]);
  });

  it('names the page with its trace, its cluster source and each origin', () => {
    const href = probePageHref('t/1', ['http://198.51.100.60', 'https://a.lab.example'], '?context=lab');
    const url = new URL(href, 'http://localhost');
    expect(url.pathname).toBe('/probe/t%2F1');
    expect(url.searchParams.get('context')).toBe('lab');
    expect(url.searchParams.getAll('connect')).toEqual(['http://198.51.100.60', 'https://a.lab.example']);
  });

  it('gives a page only the probes to the origins it names, and nothing when it names one outside the plan', () => {
    const p = plan([probe(), spoof, ingress]);
    expect(probePageProbes(p, ['http://198.51.100.60'])!.map((x) => x.id)).toEqual(['lb#direct', 'lb#spoof']);
    expect(probePageProbes(p, ['http://198.51.100.60', 'http://192.0.2.99'])).toBeNull();
    expect(probePageProbes(p, [])).toBeNull();
    expect(probePageProbes({ ...p, vantage: { ...p.vantage, kind: 'agent' } }, ['http://198.51.100.60'])).toBeNull();
  });
});

describe('what this page agrees to send', () => {
  it('sends a well-formed probe, and the spoof test with its forged headers', () => {
    expect(browserRefusal(probe(), 'http:')).toBeNull();
    expect(browserRefusal(spoof, 'http:')).toBeNull();
    expect(browserRefusal(ingress, 'https:')).toBeNull();
  });

  it('applies the agent\'s checks of a plan (lib/cli/plan.ts)', () => {
    expect(browserRefusal(probe({ headers: [['X-Forwarded-For', '1.2.3.4']] }), 'http:')).toContain('a direct probe carries no added headers');
    expect(browserRefusal(probe({ url: 'file:///etc/passwd' }), 'http:')).toContain('scheme');
  });

  it('fetches only the probe\'s own target and request path', () => {
    expect(browserRefusal(probe({ url: 'http://192.0.2.99/hopscope-probe?nonce=n1' }), 'http:')).toContain('does not go to its target');
    expect(browserRefusal(probe({ url: 'http://198.51.100.60:8080/hopscope-probe?nonce=n1' }), 'http:')).toContain('does not go to its target');
    expect(browserRefusal(probe({ url: 'http://198.51.100.60/hopscope-probe?nonce=other' }), 'http:')).toContain('request path');
    // The URL carries the Ingress host, never the address it resolves to: the browser's DNS decides that.
    expect(browserRefusal({ ...ingress, url: 'https://198.51.100.52/hopscope-probe?nonce=n2' }, 'https:')).toContain('does not go to its target');
  });

  it('cannot write the PROXY header a target expects from its load balancer', () => {
    expect(browserRefusal(probe({ target: { ...probe().target, proxyProtocol: 'v2' } }), 'http:')).toMatch(/^not sent: .*PROXY protocol v2/);
  });

  it('knows mixed content before sending: an https page cannot fetch http, except loopback', () => {
    expect(browserRefusal(probe(), 'https:')).toMatch(/^not sent: mixed content/);
    expect(isMixedContent('https:', new URL('http://127.0.0.1:8080/'))).toBe(false);
    expect(isMixedContent('https:', new URL('http://[::1]:8080/'))).toBe(false);
    expect(isMixedContent('https:', new URL('http://localhost/'))).toBe(false);
    expect(isMixedContent('http:', new URL('http://198.51.100.60/'))).toBe(false);
    expect(isMixedContent('https:', new URL('https://198.51.100.60/'))).toBe(false);
  });
});

describe('sending one probe', () => {
  it('sends a CORS GET of the plan URL without cookies, referrer or redirects, and reports the echo answer', async () => {
    const { fetch, calls } = fakeFetch(async () => new Response(echoReport('n3'), { status: 200, headers: { 'content-type': 'application/json' } }));
    const report = await sendBrowserProbe(spoof, { fetch, pageProtocol: 'http:' });
    expect(calls).toHaveLength(1);
    const [{ url, init }] = calls as [Call];
    expect(url).toBe(spoof.url);
    expect(init).toMatchObject({ method: 'GET', mode: 'cors', credentials: 'omit', redirect: 'manual', referrerPolicy: 'no-referrer', cache: 'no-store' });
    const headers = init.headers as Headers;
    expect(headers.get('x-forwarded-for')).toBe('198.51.100.66');
    expect(headers.get('x-real-ip')).toBe('198.51.100.66');
    expect(report).toMatchObject({ probeId: 'lb#spoof', nonce: 'n3', outcome: 'ok', status: 200, body: echoReport('n3'), contentType: 'application/json', error: null, localAddress: null });
    expect(report.bytes).toBe(new TextEncoder().encode(echoReport('n3')).byteLength);
    expect(report.truncated).toBeUndefined();
  });

  it('adds no header to a direct probe', async () => {
    const { fetch, calls } = fakeFetch(async () => new Response('{}', { status: 200 }));
    await sendBrowserProbe(probe(), { fetch, pageProtocol: 'http:' });
    expect([...(calls[0]!.init.headers as Headers).keys()]).toEqual(['accept']);
  });

  it('reports an HTTP error status as http-error with its status', async () => {
    const { fetch } = fakeFetch(async () => new Response('not found', { status: 404 }));
    expect(await sendBrowserProbe(probe(), { fetch, pageProtocol: 'http:' })).toMatchObject({ outcome: 'http-error', status: 404, body: 'not found' });
  });

  it('reports a rejected fetch as not sent, saying the browser does not tell why, never as the cluster refusing', async () => {
    const { fetch } = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const report = await sendBrowserProbe(probe(), { fetch, pageProtocol: 'http:' });
    expect(report).toMatchObject({ outcome: 'not-sent', status: null, body: null, error: BROWSER_REFUSED });
  });

  it('tells an answer without CORS (a controller\'s own 400) from no answer: an HTTP error whose status it cannot see', async () => {
    // Chromium rejects a CORS fetch whose answer lacks CORS headers, and gives a no-cors fetch of it an opaque response.
    const { fetch, calls } = fakeFetch(async ({ init }) => {
      if (init.mode === 'cors') throw new TypeError('Failed to fetch');
      return { type: 'opaque', status: 0, headers: new Headers(), body: null } as unknown as Response;
    });
    const report = await sendBrowserProbe(spoof, { fetch, pageProtocol: 'http:' });
    expect(report).toMatchObject({ outcome: 'http-error', status: null, body: null, error: OPAQUE_ANSWER });
    expect(calls.map((c) => [c.init.mode, c.init.redirect])).toEqual([
      ['cors', 'manual'],
      ['no-cors', 'follow'],
    ]);
    // The second request carries no forged header: a no-cors request may not.
    expect(calls[1]!.init.headers).toBeUndefined();
    expect(calls[1]!.url).toBe(spoof.url);
  });

  it('asks whether the Ingress host resolves to its address from this browser when an Ingress fetch fails', async () => {
    const { fetch } = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const report = await sendBrowserProbe(ingress, { fetch, pageProtocol: 'https:' });
    expect(report.outcome).toBe('not-sent');
    expect(report.error).toBe(`${BROWSER_REFUSED}: does a.lab.example resolve to 198.51.100.52 from this browser? And does the browser accept its certificate?`);
  });

  it('reports its own timeout as timeout: a dropped packet is the cluster\'s answer (docs/lab.md#row-9)', async () => {
    const { fetch } = fakeFetch(
      ({ init }) =>
        new Promise((_, reject) => {
          init.signal!.addEventListener('abort', () => reject(init.signal!.reason));
        }),
    );
    const report = await sendBrowserProbe(probe(), { fetch, pageProtocol: 'http:', timeoutMs: 20 });
    expect(report).toMatchObject({ outcome: 'timeout', status: null, error: 'no complete answer within 20 ms' });
  });

  it('reports a cancel by the user as not sent', async () => {
    const cancel = new AbortController();
    const { fetch } = fakeFetch(
      ({ init }) =>
        new Promise((_, reject) => {
          init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const sending = sendBrowserProbe(probe(), { fetch, pageProtocol: 'http:', timeoutMs: 5_000, signal: cancel.signal });
    cancel.abort();
    expect(await sending).toMatchObject({ outcome: 'not-sent', error: expect.stringContaining('cancelled') });
  });

  it('keeps the status of an answer whose body was cut off by the timeout', async () => {
    const { fetch } = fakeFetch(async ({ init }) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"kind":'));
          init.signal!.addEventListener('abort', () => controller.error(init.signal!.reason));
        },
      });
      return new Response(body, { status: 200 });
    });
    const report = await sendBrowserProbe(probe(), { fetch, pageProtocol: 'http:', timeoutMs: 20 });
    expect(report).toMatchObject({ outcome: 'ok', status: 200, body: '{"kind":', error: expect.stringContaining('cut off') });
  });

  it('does not follow a redirect, and says a browser hides where it pointed', async () => {
    const redirect = { type: 'opaqueredirect', status: 0, headers: new Headers(), body: null } as unknown as Response;
    const { fetch } = fakeFetch(async () => redirect);
    expect(await sendBrowserProbe(probe(), { fetch, pageProtocol: 'http:' })).toMatchObject({ outcome: 'http-error', status: null, error: expect.stringContaining('redirect') });
  });

  it('counts a big answer but keeps only what fits a report', async () => {
    const big = 'x'.repeat(MAX_BODY_BYTES + 10);
    const { fetch } = fakeFetch(async () => new Response(big, { status: 200 }));
    const report = await sendBrowserProbe(probe(), { fetch, pageProtocol: 'http:' });
    expect(report.bytes).toBe(big.length);
    expect(report.body!.length).toBeLessThan(64 * 1024);
    expect(report.truncated).toContain(`the browser read ${MAX_BODY_BYTES} of ${big.length} body bytes`);
    expect(report.truncated).toContain('body cut to');
  });

  it('sends nothing it refuses: mixed content never reaches fetch', async () => {
    const { fetch, calls } = fakeFetch(async () => new Response('{}'));
    const report = await sendBrowserProbe(probe(), { fetch, pageProtocol: 'https:' });
    expect(calls).toEqual([]);
    expect(report).toMatchObject({ outcome: 'not-sent', durationMs: 0, error: expect.stringMatching(/^not sent: mixed content/) });
  });
});

describe('sending a plan', () => {
  it('keeps the plan order, reports each as it lands, and has at most six in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const { fetch } = fakeFetch(async ({ url }) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return new Response(url, { status: 200 });
    });
    const probes = Array.from({ length: 20 }, (_, i) => probe({ id: `p${i}`, url: `http://198.51.100.60/hopscope-probe?nonce=n${i}`, httpPath: `/hopscope-probe?nonce=n${i}`, nonce: `n${i}` }));
    const landed: string[] = [];
    const reports = await sendBrowserProbes(probes, { fetch, pageProtocol: 'http:' }, (r) => landed.push(r.probeId));
    expect(reports.map((r) => r.probeId)).toEqual(probes.map((p) => p.id));
    expect(reports.map((r) => r.body)).toEqual(probes.map((p) => p.url));
    expect(landed.sort()).toEqual(probes.map((p) => p.id).sort());
    expect(most).toBe(BROWSER_CONCURRENCY);
  });
});
