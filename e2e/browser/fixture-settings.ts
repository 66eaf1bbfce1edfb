/** The resource the fixture API server forbids in the browser tests, so the discovery-error banner has a name to show. */
export const FIXTURE_FORBIDDEN = 'ipaddresspools.metallb.io';
