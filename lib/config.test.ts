import { describe, expect, it } from 'vitest';
import { readConfig } from './config';

describe('HOPSCOPE_EGRESS_ECHO', () => {
  it.each([
    ['', []],
    ['192.0.2.10:8080', [{ host: '192.0.2.10', port: 8080 }]],
    [' [2001:db8::1]:443 , echo.Example.com:8080', [{ host: '2001:db8::1', port: 443 }, { host: 'echo.example.com', port: 8080 }]],
  ])('reads %j', (value, echoes) => {
    expect(readConfig({ HOPSCOPE_EGRESS_ECHO: value }).egressEchoes).toEqual(echoes);
  });

  it.each(['192.0.2.10', 'echo.example.com:0', 'echo.example.com:65536', '2001:db8::1:80', '999.1.1.1:80', 'http://echo.example.com:80', 'echo_1.example.com:80', '-echo.example.com:80'])(
    'refuses %j at start-up',
    (value) => {
      expect(() => readConfig({ HOPSCOPE_EGRESS_ECHO: value })).toThrow(/HOPSCOPE_EGRESS_ECHO/);
    },
  );

  it('is empty by default', () => {
    expect(readConfig({}).egressEchoes).toEqual([]);
  });
});
