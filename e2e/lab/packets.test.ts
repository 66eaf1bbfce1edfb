// Ground truth for the vantage tests: every row of e2e/lab/truth.ts, sent with curl from the hopscope pod's
// namespace (in-cluster) and from the outside client namespace, must come back exactly as the table says — outcome,
// the echo's TCP peer, the X-Real-IP nginx wrote, and what a forged X-Forwarded-For / X-Real-IP turns into. No
// hopscope server runs here: the echo's own answer is the only witness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlInNamespaceAsync, LAB, labDown, labUp, requireRoot, type CurlResult } from './lab';
import { LAB_PATHS, SPOOF, truthOf, type LabPath, type PacketTruth } from './truth';
import type { PredictionVantage } from '@/lib/types';

beforeAll(() => {
  requireRoot();
  labUp();
}, 60_000);
afterAll(() => labDown());

const NAMESPACE: Record<PredictionVantage, string> = { 'in-cluster': LAB.hopscopeNamespace, outside: LAB.clientNamespace };

interface Measured {
  outcome: PacketTruth['outcome'] | `curl exit ${number}`;
  status: number | null;
  peer: string | null;
  xRealIp: string | null;
}

/** What curl and the echo say, in the table's terms. */
function measured(result: CurlResult): Measured {
  const none = { peer: null, xRealIp: null };
  if (result.exitCode === 28) return { outcome: 'timeout', status: null, ...none };
  if (result.exitCode === 52) return { outcome: 'empty-reply', status: null, ...none };
  if (result.exitCode !== 0) return { outcome: `curl exit ${result.exitCode}`, status: null, ...none };
  if (result.status !== 200) return { outcome: 'http-error', status: result.status, ...none };
  const report = JSON.parse(result.body) as { kind: string; peer: { address: string }; headers: [string, string][] };
  if (report.kind !== 'hopscope-echo') throw new Error(`not an echo report: ${result.body.slice(0, 200)}`);
  const xRealIp = report.headers.filter(([name]) => name.toLowerCase() === 'x-real-ip').map(([, value]) => value);
  return { outcome: 'ok', status: 200, peer: report.peer.address, xRealIp: xRealIp.at(-1) ?? null };
}

function send(vantage: PredictionVantage, row: LabPath, forged: boolean): Promise<Measured> {
  const { address, port, host } = row.request;
  const headers = [...(host ? [`Host: ${host}`] : []), ...(forged ? [`X-Forwarded-For: ${SPOOF}`, `X-Real-IP: ${SPOOF}`] : [])];
  return curlInNamespaceAsync(NAMESPACE[vantage], `http://${address}:${port}/hopscope-probe?format=json`, { headers }).then(measured);
}

describe.each<PredictionVantage>(['in-cluster', 'outside'])('what the packets do from the %s vantage', (vantage) => {
  it('every row of the truth table is what curl and the echo report', async () => {
    const rows = LAB_PATHS.filter((row) => truthOf(row, vantage) !== null);
    const seen = await Promise.all(
      rows.map(async (row) => {
        const truth = truthOf(row, vantage)!;
        const honest = await send(vantage, row, false);
        const spoofed = truth.spoofedXRealIp === undefined ? undefined : (await send(vantage, row, true)).xRealIp;
        const expected = { outcome: truth.outcome, status: truth.status, peer: truth.peer, xRealIp: truth.xRealIp, spoofed: truth.spoofedXRealIp };
        return { row: row.id, expected, got: { ...honest, spoofed } };
      }),
    );
    expect(seen.filter((s) => JSON.stringify(s.expected) !== JSON.stringify(s.got))).toEqual([]);
    // The table covers both kinds of answer from this vantage, so a lab that dropped or answered everything fails.
    expect(new Set(seen.map((s) => s.got.outcome))).toEqual(new Set(['ok', 'timeout', 'empty-reply', 'http-error']));
  }, 60_000);
});

describe('nginx answers only its Ingress host', () => {
  it.each<PredictionVantage>(['in-cluster', 'outside'])('from the %s vantage, a request by address gets the default server 404', async (vantage) => {
    const byAddress = LAB_PATHS.filter((row) => row.id.startsWith('ingress:') && truthOf(row, vantage)?.outcome === 'ok');
    expect(byAddress.length).toBeGreaterThan(0);
    for (const row of byAddress) {
      const answer = measured(await curlInNamespaceAsync(NAMESPACE[vantage], `http://${row.request.address}/hopscope-probe?format=json`));
      expect(answer, row.id).toMatchObject({ outcome: 'http-error', status: 404 });
    }
  });
});

describe('internalTrafficPolicy Local (docs/lab.md#row-47)', () => {
  it('a pod on node1, where the only endpoint is, reaches the ClusterIP with its own address; the hopscope pod on node2 is dropped', async () => {
    const url = 'http://10.96.0.17:80/hopscope-probe?format=json';
    const [onNode1, onNode2] = await Promise.all([curlInNamespaceAsync('hs-pod-ing-a', url), curlInNamespaceAsync(LAB.hopscopeNamespace, url)]);
    expect(measured(onNode1)).toMatchObject({ outcome: 'ok', peer: '10.244.1.20' });
    expect(measured(onNode2).outcome).toBe('timeout');
  });
});

describe('pods on the bridge node (docs/lab.md#row-52, #row-53)', () => {
  it('a pod on node3 reaching node3\'s Cluster NodePort, and the bridge echo reaching itself through its Service, both arrive as cni0\'s 10.244.3.1', async () => {
    const probe = (ns: string, url: string) => curlInNamespaceAsync(ns, `${url}/hopscope-probe?format=json`).then(measured);
    const [ownNode, hairpin] = await Promise.all([probe('hs-pod-svclb', 'http://192.0.2.13:30085'), probe('hs-pod-bridge', 'http://10.96.0.16:80')]);
    expect(ownNode).toMatchObject({ outcome: 'ok', peer: '10.244.3.1' });
    expect(hairpin).toMatchObject({ outcome: 'ok', peer: '10.244.3.1' });
  });
});
