import { describe, expect, it } from 'vitest';
import { splitXForwardedFor } from './forwarded';

describe('splitXForwardedFor', () => {
  it('concatenates several lines in order and validates each entry', () => {
    expect(splitXForwardedFor(['1.2.3.4, 203.0.113.10', ' 2001:DB8::1 ,[2001:db8::2]:4711', 'unknown, 192.0.2.1:80,,'])).toEqual([
      { raw: '1.2.3.4', address: '1.2.3.4', port: null },
      { raw: '203.0.113.10', address: '203.0.113.10', port: null },
      { raw: '2001:DB8::1', address: '2001:db8::1', port: null },
      { raw: '[2001:db8::2]:4711', address: '2001:db8::2', port: 4711 },
      { raw: 'unknown', address: null, port: null },
      { raw: '192.0.2.1:80', address: '192.0.2.1', port: 80 },
    ]);
  });

  it('returns nothing for no lines', () => {
    expect(splitXForwardedFor([])).toEqual([]);
  });
});
