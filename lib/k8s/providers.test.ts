import { describe, expect, it } from 'vitest';
import { clientIPAnnotations } from './providers';

describe('annotations discovery keeps', () => {
  it("keeps cloud client-IP settings and hopscope's own, drops the rest", () => {
    expect(
      clientIPAnnotations({
        'hopscope.io/probe-target': 'true',
        'loadbalancer.openstack.org/proxy-protocol': 'v2',
        'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}',
        'team.example.com/owner': 'shop',
      }),
    ).toEqual({ 'hopscope.io/probe-target': 'true', 'loadbalancer.openstack.org/proxy-protocol': 'v2' });
  });
});
