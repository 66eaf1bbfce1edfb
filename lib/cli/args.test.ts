import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, defaultAgentName, parseCommand, serverBase, usageOf } from './args';
import { UsageError } from './errors';

const parse = (...argv: string[]) => parseCommand(argv, 'laptop-eu');
const failure = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parsed without error: ${argv.join(' ')}`);
};

describe('hopscope command line', () => {
  it('parses a full probe command', () => {
    expect(
      parse('probe', '--server', 'http://localhost:3000/', '--name', 'lab-client', '--path', 'a', '--path', 'b', '--context', 'kind-lab', '--json', '--timeout', '250', '--listen', '8080', '--listen-address', '127.0.0.1'),
    ).toEqual({
      kind: 'probe',
      server: 'http://localhost:3000',
      agentName: 'lab-client',
      pathIds: ['a', 'b'],
      context: 'kind-lab',
      json: true,
      timeoutMs: 250,
      listen: { port: 8080, address: '127.0.0.1' },
    });
  });

  it('defaults: the host name as agent name, the timeout, no listening', () => {
    expect(parse('probe', '--server', 'https://hopscope.example.com')).toEqual({
      kind: 'probe',
      server: 'https://hopscope.example.com',
      agentName: 'laptop-eu',
      pathIds: [],
      context: null,
      json: false,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      listen: null,
    });
    expect(parse('probe', '--server', 'http://h', '--listen', '9000')).toMatchObject({ listen: { port: 9000, address: '0.0.0.0' } });
  });

  it('help, per command too', () => {
    // Bare `hopscope` starts the dashboard, as `hopscope serve` does.
    expect(parse()).toEqual({ kind: 'serve', port: null, context: null, open: false });
    expect(parse('help')).toEqual({ kind: 'help', topic: null });
    expect(parse('serve', '--port', '8080', '--context', 'lab', '--open')).toEqual({ kind: 'serve', port: 8080, context: 'lab', open: true });
    expect(parse('help', 'check')).toEqual({ kind: 'help', topic: 'check' });
    expect(parse('check', '-f', '-', '-o', 'sarif', '--fail-on', 'lost,spoofable')).toEqual({ kind: 'check', files: ['-'], output: 'sarif', failOn: ['lost', 'spoofable'], nodes: 3, namespace: 'default' });
    expect(parse('check', '-f', 'x.yaml', '-n', 'shop')).toMatchObject({ namespace: 'shop' });
    expect(() => parse('check', '-f', 'x.yaml', '-n', 'Shop_1')).toThrow('-n must be a namespace name (lower-case letters, digits and -), got "Shop_1"');
    expect(parse('help', 'probe')).toEqual({ kind: 'help', topic: 'probe' });
    expect(parse('probe', '--help')).toEqual({ kind: 'help', topic: 'probe' });
    expect(parse('echo', '-h')).toEqual({ kind: 'help', topic: 'echo' });
    expect(usageOf('probe')).toContain('--server <url>');
    expect(usageOf(null)).toContain('probe');
  });

  it('parses the echo command', () => {
    expect(parse('echo', '--listen', '8080')).toEqual({ kind: 'echo', listen: { port: 8080, address: '0.0.0.0' } });
    expect(parse('echo', '--listen', '0', '--listen-address', '::1')).toEqual({ kind: 'echo', listen: { port: 0, address: '::1' } });
  });

  it.each([
    [['frob'], 'unknown command "frob"; commands are paths, explain, check, diff, serve, probe, echo and help'],
    [['help', 'frob'], 'help: unknown command "frob"'],
    [['probe'], 'probe needs --server <dashboard URL>'],
    [['probe', '--server', 'http://h', '--adress', '192.0.2.1'], "probe: Unknown option '--adress'"],
    [['probe', '--server', 'http://h', '192.0.2.1'], 'probe: Unexpected argument'],
    [['probe', '--server'], "probe: Option '--server <value>' argument missing"],
    [['probe', '--server', 'ftp://h'], '--server must be an http:// or https:// URL'],
    [['probe', '--server', 'localhost:3000'], '--server must be an http:// or https:// URL'],
    [['probe', '--server', 'not a url'], "--server must be the dashboard's URL"],
    [['probe', '--server', 'http://u:p@h'], '--server must not carry a user name or password'],
    [['probe', '--server', 'http://h/?context=x'], '--server must not carry a query or fragment'],
    [['probe', '--server', 'http://h', '--name', 'my laptop'], '--name must be 1-63 letters'],
    [['probe', '--server', 'http://h', '--timeout', '0'], '--timeout must be a whole number from 1 to 60000'],
    [['probe', '--server', 'http://h', '--timeout', '1.5'], '--timeout must be a whole number'],
    [['probe', '--server', 'http://h', '--listen', '70000'], '--listen must be a whole number from 0 to 65535'],
    [['probe', '--server', 'http://h', '--listen-address', '127.0.0.1'], '--listen-address needs --listen <port>'],
    [['probe', '--server', 'http://h', '--listen', '8080', '--listen-address', 'localhost'], '--listen-address must be an IP address'],
    [['probe', '--server', 'http://h', '--path', 'x'.repeat(513)], '--path takes a path id of 1-512 characters'],
    [['echo'], 'echo needs --listen <port>'],
    [['echo', '--listen', '8080', '--server', 'http://h'], "echo: Unknown option '--server'"],
  ])('refuses %j', (argv, message) => {
    expect(failure(...argv)).toContain(message);
  });

  it('keeps a path prefix of the server URL and drops trailing slashes', () => {
    expect(serverBase('http://192.0.2.10:8080/hopscope//')).toBe('http://192.0.2.10:8080/hopscope');
  });

  it('makes a valid agent name of a host name, or none', () => {
    expect(defaultAgentName('build box.local')).toBe('build-box.local');
    expect(defaultAgentName('x'.repeat(80))).toBe('x'.repeat(63));
    expect(defaultAgentName('')).toBeNull();
  });
});
