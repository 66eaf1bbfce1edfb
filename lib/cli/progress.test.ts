// Progress goes to stderr on a terminal only, throttled, and is wiped when the work is done: `hopscope paths`
// reading the fixture API server through a kubeconfig, once as on a terminal and once piped.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathsResponseSchema } from '@/lib/contract/schemas';
import { startFixtureApiServer, type FixtureApiServer } from '@/test/fixture-apiserver/server';
import { main } from './main';
import { sendPlanned, type CliIo } from './probe';
import type { OutsideProbe } from '../types';
import { discoveryProgress, progressLine } from './progress';

function fakeIo(tty: boolean): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    untilStopped: () => Promise.resolve(),
    interfaces: () => ({}),
    stdoutIsTty: false,
    stderrIsTty: tty,
    env: {} as NodeJS.ProcessEnv,
  };
  return io;
}

describe('progressLine', () => {
  it('is absent off a terminal, rewrites one line at most every 100 ms, and clears it at the end', () => {
    expect(progressLine(fakeIo(false))).toBeNull();
    const io = fakeIo(true);
    let now = 1_000;
    const line = progressLine(io, () => now)!;
    const progress = discoveryProgress(line);
    progress({ path: '/api/v1/pods', items: 500 });
    now += 50;
    progress({ path: '/api/v1/pods', items: 1_000 });
    now += 60;
    progress({ path: '/api/v1/services', items: 20 });
    line.done();
    expect(io.stderr).toBe('\r\x1b[Kreading the cluster: 500 objects (pods 500)\r\x1b[Kreading the cluster: 1,020 objects (services 20)\r\x1b[K');
    const quiet = fakeIo(true);
    progressLine(quiet)!.done();
    expect(quiet.stderr).toBe('');
  });
});

describe('hopscope paths, progress of discovery', () => {
  let server: FixtureApiServer;
  beforeAll(async () => {
    server = await startFixtureApiServer({ scenarioFile: path.join(import.meta.dirname, '..', '..', 'scenarios', 'spoofable-nginx.yaml') });
  });
  afterAll(() => server.close());

  it('shows the objects read on a terminal and nothing when piped; stdout is the same answer either way', async () => {
    const tty = fakeIo(true);
    const piped = fakeIo(false);
    const args = ['paths', '--kubeconfig', server.kubeconfigPath, '-o', 'json'];
    expect(await main(args, tty)).toBe(0);
    expect(await main(args, piped)).toBe(0);
    expect(tty.stderr).toMatch(/^\r\x1b\[Kreading the cluster: \d+ objects \([a-z]+ \d+\)/);
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(piped.stderr).toBe('');
    const [a, b] = [tty, piped].map((io) => PathsResponseSchema.parse(JSON.parse(io.stdout)));
    expect(a!.paths.map((p) => p.id)).toEqual(b!.paths.map((p) => p.id));
  }, 60_000);
});

describe('hopscope probe, progress of the probes', () => {
  it('counts each planned probe once when it is done', async () => {
    // Probes for paths the agent was not asked for are settled without sending anything.
    const probes = ['a', 'b', 'c'].map((id) => ({ id, pathId: `path-${id}` }) as unknown as OutsideProbe);
    const seen: [number, number][] = [];
    const sent = await sendPlanned(probes, ['another-path'], 1_000, (done, total) => seen.push([done, total]));
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect([...sent.values()].every((s) => s.outcome === 'not-sent')).toBe(true);
  });
});
