// What the agent agrees to send of a plan. The plan is the only source of targets; on top of the checks every
// hopscope request passes (wire.ts: no control characters in Host, server name, path or headers), the agent sends
// only http(s) probes whose URL agrees with the target, and adds headers only where the plan runs the spoof test,
// and then only the forged client-address headers (docs/vantages.md, "Bytes the prober wrote are never evidence").
import { REFUSED_BY_HOPSCOPE, requestRefusal } from '../probe/wire';
import type { OutsideProbe } from '../types';

/** The only headers a plan may ask the agent to add: the spoof test's forged client addresses. */
const FORGEABLE_HEADERS = new Set(['x-forwarded-for', 'x-real-ip', 'forwarded']);

/** Null when the agent may send this probe as planned; otherwise why it sends nothing. */
export function probeRefusal(probe: OutsideProbe): string | null {
  const wire = requestRefusal({ target: probe.target, httpPath: probe.httpPath, headers: probe.headers });
  if (wire) return wire;
  let url: URL;
  try {
    url = new URL(probe.url);
  } catch {
    return `${REFUSED_BY_HOPSCOPE}: the plan's URL ${JSON.stringify(probe.url.slice(0, 120))} does not parse`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${REFUSED_BY_HOPSCOPE}: the plan's URL has scheme ${JSON.stringify(url.protocol)}; the agent sends only http and https`;
  }
  // The browser fetches the URL and the agent connects to the target: both vantages must send the same request.
  if ((url.protocol === 'https:') !== (probe.target.tls === true)) {
    return `${REFUSED_BY_HOPSCOPE}: the plan's URL is ${url.protocol.slice(0, -1)} but its target ${probe.target.tls ? 'uses' : 'does not use'} TLS`;
  }
  if (probe.headers.length > 0 && probe.kind !== 'spoof') {
    return `${REFUSED_BY_HOPSCOPE}: a ${probe.kind} probe carries no added headers; only the spoof test forges them`;
  }
  const other = probe.headers.find(([name]) => !FORGEABLE_HEADERS.has(name.toLowerCase()));
  if (other) {
    return `${REFUSED_BY_HOPSCOPE}: the plan asks for header ${JSON.stringify(other[0])}; the spoof test forges only X-Forwarded-For, X-Real-IP and Forwarded`;
  }
  return null;
}
