// kube-proxy's healthCheckNodePort server for one lab node (docs/domain.md#s2.1, kubernetes pkg/proxy/healthcheck/service_health.go):
// one listener per Service, any path, 200 when the node has a ready local endpoint, else 503, with the JSON body
// {"service":{namespace,name},"localEndpoints":N,"serviceProxyHealthy":true} and the v1.28+ weight header.
// Usage: node healthcheck-responder.mjs <spec file>   (lines: "<port> <namespace> <name> <localEndpoints>")
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const spec = readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const [port, namespace, name, localEndpoints] = line.trim().split(/\s+/);
    return { port: Number(port), namespace, name, localEndpoints: Number(localEndpoints) };
  });

for (const svc of spec) {
  const body = JSON.stringify(
    { service: { namespace: svc.namespace, name: svc.name }, localEndpoints: svc.localEndpoints, serviceProxyHealthy: true },
    null,
    '\t',
  );
  createServer((_req, res) => {
    res.writeHead(svc.localEndpoints > 0 ? 200 : 503, {
      'Content-Type': 'application/json',
      'X-Content-Type-Options': 'nosniff',
      'X-Load-Balancing-Endpoint-Weight': String(svc.localEndpoints),
    });
    res.end(body);
  }).listen(svc.port, '0.0.0.0');
}
