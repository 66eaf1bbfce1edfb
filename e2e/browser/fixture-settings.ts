/** The resource the fixture API server forbids in the browser tests, so the discovery-error banner has a name to show. */
export const FIXTURE_FORBIDDEN = 'ipaddresspools.metallb.io';

/** A second kubeconfig context whose API server is a closed loopback port: switching to it must fail clearly. */
export const UNREACHABLE_CONTEXT = 'e2e-unreachable';
export const FIXTURE_CONTEXT = 'e2e-fixture';
