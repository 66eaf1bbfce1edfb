// kube-proxy's healthCheckNodePort answer (docs/domain.md#s2.1): 200 iff the node has ready local endpoints and the proxy
// is healthy, else 503; body {"service":{namespace,name},"localEndpoints":N,"serviceProxyHealthy":true}
// (serviceProxyHealthy is missing before ~v1.27 and in some other service proxies).

export interface HealthCheckAnswer {
  status: number;
  localEndpoints: number | null;
  serviceProxyHealthy: boolean | null;
  service: { namespace: string; name: string } | null;
  /** True when this node would take outside traffic for a Local Service without SNAT. */
  acceptsTraffic: boolean;
}

export function parseHealthCheck(status: number, body: string): HealthCheckAnswer {
  let json: unknown = null;
  try {
    json = JSON.parse(body);
  } catch {
    json = null;
  }
  const record = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const localEndpoints = typeof record.localEndpoints === 'number' ? record.localEndpoints : null;
  const serviceProxyHealthy = typeof record.serviceProxyHealthy === 'boolean' ? record.serviceProxyHealthy : null;
  const svc = record.service && typeof record.service === 'object' ? (record.service as Record<string, unknown>) : null;
  const service =
    svc && typeof svc.namespace === 'string' && typeof svc.name === 'string' ? { namespace: svc.namespace, name: svc.name } : null;
  return { status, localEndpoints, serviceProxyHealthy, service, acceptsTraffic: status === 200 && localEndpoints !== 0 };
}

/** Longest namespace or name Kubernetes allows (DNS-1123 subdomain). */
const NAME_CHARS = 253;

/**
 * kube-proxy's answer as a trace keeps it: the fields parseHealthCheck reads, written back as JSON, so a trace
 * holds what the node said and never the body of something else answering on that port. Null when the body is not a
 * health-check answer at all.
 */
export function healthCheckReport(body: string): string | null {
  const { localEndpoints, serviceProxyHealthy, service } = parseHealthCheck(0, body);
  if (localEndpoints === null && serviceProxyHealthy === null && service === null) return null;
  return JSON.stringify({
    ...(service ? { service: { namespace: service.namespace.slice(0, NAME_CHARS), name: service.name.slice(0, NAME_CHARS) } } : {}),
    ...(localEndpoints !== null ? { localEndpoints } : {}),
    ...(serviceProxyHealthy !== null ? { serviceProxyHealthy } : {}),
  });
}
