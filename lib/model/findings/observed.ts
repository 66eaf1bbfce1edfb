// Findings that only probes can establish: what the health checks of the announcing nodes answered.
import type { Finding, ServiceInfo } from '@/lib/types';
import { finding, ref } from './finding';

/**
 * healthCheckNodePort cross-check (docs/domain.md#s2.1, #s4): with Local policy an outside client is dropped on a node
 * without a ready local endpoint; when every node announcing the LB address says so, the path is unreachable.
 */
export function announcerWithoutEndpoint(service: ServiceInfo, announcers: string[]): Finding {
  return finding('announcing-node-without-endpoint', {
    message: `announcing node ${announcers.join(', ')} has no local endpoint of ${ref(service)} (healthCheckNodePort answers 503): outside clients are dropped`,
    fix: `move an endpoint to ${announcers.join(', ')} or let the LB announce from a node with one (MetalLB skips nodes without endpoints once it re-elects)`,
  });
}
