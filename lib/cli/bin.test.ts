// The launcher itself, as `npx hopscope` runs it: node bin/hopscope.mjs in a child process, from a directory
// outside the repository (so nothing depends on the caller's working directory). Targets are on 127.0.0.1 only.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceRunSchema } from '@/lib/contract/schemas';
import { startEchoServer, type EchoServer } from '@/lib/echo/server';
import { startFakeDashboard, type FakeDashboard } from '@/test/support/agent-dashboard';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'hopscope.mjs');

async function hopscope(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: tmpdir(), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('bin/hopscope.mjs', () => {
  let echo: EchoServer;
  let dashboard: FakeDashboard;

  beforeAll(async () => {
    echo = await startEchoServer({ port: 0, host: '127.0.0.1' });
    const nonce = randomUUID();
    dashboard = await startFakeDashboard({
      plan: (body) => ({
        traceId: 't-bin',
        vantage: { kind: 'agent', label: `agent ${body.agentName}`, name: body.agentName ?? null, node: null, address: null },
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
        probes: [
          {
            id: 'a#direct',
            pathId: 'a',
            kind: 'direct',
            target: { address: '127.0.0.1', port: echo.port, label: 'echo' },
            url: `http://127.0.0.1:${echo.port}/hopscope-probe?nonce=${nonce}`,
            httpPath: `/hopscope-probe?nonce=${nonce}`,
            headers: [],
            nonce,
          },
        ],
        notProbed: [],
      }),
    });
  });
  afterAll(async () => {
    await echo.close();
    await dashboard.close();
  });

  it('prints the usage and exits 0', async () => {
    const { code, stdout } = await hopscope('help');
    expect(code).toBe(0);
    expect(stdout).toContain('usage: hopscope [<command>] [options]');
  });

  it('exits 2 on an unknown command or flag, with the reason on stderr', async () => {
    expect(await hopscope('frobnicate')).toMatchObject({ code: 2, stdout: '', stderr: 'hopscope: unknown command "frobnicate"; commands are paths, explain, check, diff, serve, probe, echo and help\n' });
    const flag = await hopscope('probe', '--server', dashboard.url, '--address', '192.0.2.1');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--address'");
    expect(dashboard.calls).toEqual([]);
  });

  it('runs a whole probe as the lab will: --name lab-client --json', async () => {
    const { code, stdout, stderr } = await hopscope('probe', '--server', dashboard.url, '--name', 'lab-client', '--json');
    expect(stderr).toBe('trace t-bin: 1 probe planned for agent lab-client\n');
    expect(code).toBe(0);
    expect(TraceRunSchema.parse(JSON.parse(stdout)).id).toBe('t-bin');
    expect(dashboard.counted.map((r) => [r.probeId, r.outcome])).toEqual([['a#direct', 'ok']]);
  });
});
