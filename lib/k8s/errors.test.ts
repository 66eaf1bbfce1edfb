import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  DeadlineExceeded,
  describeFailure,
  DiscoveryDeadlineExceeded,
  ListTruncated,
  ResponseTooLarge,
  type ResourceCall,
  type TruncatedBy,
} from './errors';

// Lists cut at a bound become named partial errors: which reason, which status, which setting the hint names, and
// whether anything of the list is still shown. The live cases run against the fixture server in bounds.test.ts.

const services: ResourceCall = { resource: 'services', group: '', plural: 'services', verb: 'list', optional: false };
const pools: ResourceCall = { resource: 'ipaddresspools.metallb.io', group: 'metallb.io', plural: 'ipaddresspools', verb: 'list', optional: true };
const ctx = { server: 'https://203.0.113.1:6443', context: 'prod', timeoutMs: 5_000 };

describe('a list cut at a bound', () => {
  it.each<[TruncatedBy, number, number, string, string, string]>([
    ['pages', 400, 200, 'truncated', 'HOPSCOPE_DISCOVERY_MAX_PAGES', 'stopped after 400 pages at the bound of 400 pages; 3 items kept'],
    ['items', 25_000, 200, 'truncated', 'HOPSCOPE_DISCOVERY_MAX_ITEMS', 'stopped after 400 pages at the bound of 25000 items; 3 items kept'],
    ['bytes', 16_777_216, 200, 'too-large', 'HOPSCOPE_K8S_MAX_RESPONSE_BYTES', 'page 401 exceeded 16777216 bytes and was abandoned; 3 items of the 400 pages before kept'],
    ['deadline', 30_000, 0, 'timeout', 'HOPSCOPE_DISCOVERY_DEADLINE_MS', 'discovery did not finish within 30000 ms, during page 401; 3 items of the 400 pages before kept'],
    ['timeout', 5_000, 0, 'timeout', 'HOPSCOPE_K8S_TIMEOUT_MS', 'no answer within 5000 ms to page 401; 3 items of the 400 pages before kept'],
  ])('by %s (bound %s): status %s, reason %s, the hint names %s; what was kept is said', (by, limit, status, reason, setting, message) => {
    const error = describeFailure(new ListTruncated([1, 2, 3], by, limit, 400), services, ctx);
    expect(error).toEqual({ resource: 'services', status, reason, message, hint: expect.stringContaining(setting) });
    expect(error.hint).toContain('only what came before is shown');
    expect(error.hint).toContain('https://203.0.113.1:6443 (context prod)');
  });

  it('says when nothing of it is shown (a filter kept nothing, or the first answer was already too big or too late)', () => {
    expect(describeFailure(new ListTruncated([], 'pages', 2, 2), services, ctx).hint).toContain('nothing of it is shown');
    expect(describeFailure(new ResponseTooLarge(1_000, '4.9 KiB'), services, ctx)).toMatchObject({
      status: 200,
      reason: 'too-large',
      message: 'the answer exceeded 1000 bytes (it is 4.9 KiB) and was abandoned',
      hint: expect.stringMatching(/nothing of it is shown.*HOPSCOPE_K8S_MAX_RESPONSE_BYTES/),
    });
    expect(describeFailure(new DiscoveryDeadlineExceeded(30_000), services, ctx)).toMatchObject({
      status: 0,
      reason: 'timeout',
      message: 'discovery did not finish within 30000 ms',
      hint: expect.stringMatching(/nothing of it is shown.*HOPSCOPE_DISCOVERY_DEADLINE_MS/),
    });
  });

  it('an optional resource cut at a bound is an error, not absent; a per-call timeout stays what it was', () => {
    expect(classifyFailure(new ListTruncated([], 'items', 100, 1), pools, ctx)).toMatchObject({ absent: false, error: { reason: 'truncated' } });
    expect(describeFailure(new DeadlineExceeded(5_000), services, ctx)).toMatchObject({
      status: 0,
      reason: 'timeout',
      message: 'no answer within 5000 ms',
      hint: expect.stringContaining('HOPSCOPE_K8S_TIMEOUT_MS'),
    });
  });
});
