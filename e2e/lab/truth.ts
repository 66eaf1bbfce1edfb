// What the lab's packets do on every path, from two vantages: the hopscope pod (10.244.2.30 on node2, "in-cluster")
// and the outside client namespace (203.0.113.10, where the CLI agent and Chromium run). Written from the lab's
// rules (e2e/lab/lab.sh, docs/lab.md#lab-realism), one comment per row, never from hopscope's prediction;
// e2e/lab/packets.test.ts sends each row's request with curl from both namespaces and checks the table against the
// echo's own answer, so the table is measured, not assumed.
import type { PredictionVantage, Verdict } from '@/lib/types';
import { LAB } from './lab';

const POD = LAB.hopscopePodIP;
const CLIENT = LAB.clientIP;
const N1 = LAB.nodeIP(1);
const N2 = LAB.nodeIP(2);
const N3 = LAB.nodeIP(3);
/** HAProxy's inside address: the TCP source of everything it proxies. */
const LB_INSIDE = '192.0.2.1';
const ECHO = LAB.echoPodIP;
const ING_A = '10.244.1.20';
const ING_B = '10.244.1.21';
const ING_ALL = '10.244.1.22';
const ING_NOPP = '10.244.1.23';
const ING_PPX = '10.244.1.24';
/** node3's cni0 bridge (flannel-like, docs/domain.md#s2.12) and the echo attached to it. */
const BRIDGE_GW = '10.244.3.1';
const BRIDGE_ECHO = '10.244.3.10';
/** What the spoof test forges in X-Forwarded-For and X-Real-IP (lib/probe/plan.ts). */
export const SPOOF = '198.51.100.66';


/** The request a probe of the path sends: to a discovered address, with the Ingress host where nginx routes by it. */
export interface LabRequest {
  address: string;
  port: number;
  host: string | null;
}

export interface PacketTruth {
  outcome: 'ok' | 'timeout' | 'empty-reply' | 'http-error';
  /** The HTTP status of an answer (200 from the echo, 400 from nginx reading a PROXY line as a request). */
  status: number | null;
  /** What the echo reports for an honest request: its TCP peer, and X-Real-IP where nginx wrote one. */
  peer: string | null;
  xRealIp: string | null;
  /** X-Real-IP the echo reports when the request forges X-Forwarded-For / X-Real-IP; only where nginx is on the path. */
  spoofedXRealIp?: string | null;
  /** What the path's last pod can truthfully learn of this vantage's address (the product's verdict vocabulary). */
  verdict: Verdict;
}

export interface LabPath {
  /** Path id, or a prefix that names exactly one lab path. */
  id: string;
  request: LabRequest;
  /**
   * A ClusterIP path's endpoint: the in-cluster prober may address it directly (the same pod-to-pod packets as through
   * the ClusterIP from a pod that is not the endpoint itself, docs/lab.md#row-1, #row-2).
   */
  endpoint?: { address: string; port: number };
  /** The path's last pod: the echo, or the ingress controller itself (whose belief nginx sends as X-Real-IP). */
  endsAt: 'echo' | 'controller';
  /**
   * The path ends at an application that is not the echo and not labelled a probe target: a trace must leave it
   * unprobed (lib/probe/scope.ts); only curl measures it (e2e/lab/packets.test.ts).
   */
  notProbeTarget?: true;
  inCluster: PacketTruth | null;
  /** Absent for ClusterIP paths: an outside vantage has no route to the Service range and is not asked. */
  outside: PacketTruth | null;
}

const ok = (peer: string, verdict: Verdict, xRealIp: string | null = null, spoofedXRealIp?: string | null): PacketTruth => ({
  outcome: 'ok',
  status: 200,
  peer,
  xRealIp,
  ...(spoofedXRealIp === undefined ? {} : { spoofedXRealIp }),
  verdict,
});
const dropped: PacketTruth = { outcome: 'timeout', status: null, peer: null, xRealIp: null, verdict: 'unreachable' };
/** nginx with proxy_protocol closes a connection that starts without a PROXY line: "broken header" (docs/lab.md#row-29). */
const noPreamble: PacketTruth = { outcome: 'empty-reply', status: null, peer: null, xRealIp: null, verdict: 'broken' };
/** nginx without proxy_protocol reads HAProxy's PROXY v1 line as a request line: 400 (docs/lab.md#row-21, #row-38). */
const preambleRead: PacketTruth = { outcome: 'http-error', status: 400, peer: null, xRealIp: null, verdict: 'broken' };

const node = (n: number) => LAB.nodeIP(n);
const clusterIP = (last: number, port = 80) => ({ address: `10.96.0.${last}`, port, host: null });

/** The four echo Services with externalTrafficPolicy Local and their endpoint on node1 (lab.sh SERVICES). */
const LOCAL_ECHO_NODEPORTS: [service: string, nodePort: number][] = [
  ['echo-nodeport-local', 30081],
  ['echo-metallb', 30082],
  ['echo-metallb-stale', 30083],
  ['echo-octavia-tcp', 30084],
];

/** ingress-nginx controllers: their Service's ClusterIP and NodePort, pod, Ingress host (scenarios/lab.yaml). */
const CONTROLLERS = {
  a: { service: 'ingress-a', clusterIP: 20, nodePort: 30880, pod: ING_A, host: 'a.lab.example' },
  nopp: { service: 'ingress-nopp', clusterIP: 21, nodePort: 30881, pod: ING_NOPP, host: 'nopp.lab.example' },
  b: { service: 'ingress-b', clusterIP: 22, nodePort: 30882, pod: ING_B, host: 'b.lab.example' },
  trustall: { service: 'ingress-trustall', clusterIP: 23, nodePort: 30883, pod: ING_ALL, host: 'trustall.lab.example' },
  ppx: { service: 'ingress-ppx', clusterIP: 24, nodePort: 30884, pod: ING_PPX, host: 'ppx.lab.example' },
} as const;

export const LAB_PATHS: LabPath[] = [
  // ClusterIP from a pod: DNAT only, the echo sees the pod (docs/lab.md#row-2); outside vantages are not asked.
  ...[
    ['echo', 10],
    ['echo-nodeport-cluster', 11],
    ['echo-nodeport-local', 12],
    ['echo-metallb', 13],
    ['echo-metallb-stale', 14],
    ['echo-octavia-tcp', 15],
  ].map(([name, last]): LabPath => ({
    id: `clusterIP:lab/${name}:80`,
    request: clusterIP(Number(last)),
    endpoint: { address: ECHO, port: 8080 },
    endsAt: 'echo',
    inCluster: ok(POD, 'preserved'),
    outside: null,
  })),
  // nginx (a) and (nopp) trust only 192.0.2.0/24: the pod is its own TCP peer there, also when it forges headers.
  {
    id: 'clusterIP:ingress-nginx/ingress-a:80',
    request: { ...clusterIP(20), host: CONTROLLERS.a.host },
    endpoint: { address: ING_A, port: 80 },
    endsAt: 'controller',
    inCluster: ok(ING_A, 'preserved', POD, POD),
    outside: null,
  },
  {
    id: 'clusterIP:ingress-nginx/ingress-nopp:80',
    request: { ...clusterIP(21), host: CONTROLLERS.nopp.host },
    endpoint: { address: ING_NOPP, port: 80 },
    endsAt: 'controller',
    inCluster: ok(ING_NOPP, 'preserved', POD, POD),
    outside: null,
  },
  // nginx (b) expects PROXY on every connection; a pod sends none (and the prober must not write one).
  {
    id: 'clusterIP:ingress-nginx/ingress-b:80',
    request: { ...clusterIP(22), host: CONTROLLERS.b.host },
    endpoint: { address: ING_B, port: 80 },
    endsAt: 'controller',
    inCluster: noPreamble,
    outside: null,
  },
  // nginx (a') trusts 0.0.0.0/0 recursively: the forged X-Forwarded-For wins (docs/lab.md#row-27).
  {
    id: 'clusterIP:ingress-nginx/ingress-trustall:80',
    request: { ...clusterIP(23), host: CONTROLLERS.trustall.host },
    endpoint: { address: ING_ALL, port: 80 },
    endsAt: 'controller',
    inCluster: ok(ING_ALL, 'spoofable', POD, SPOOF),
    outside: null,
  },

  // NodePort, Cluster: masqueraded to the receiving node from anywhere (docs/lab.md#row-6, #row-7, #row-33); from the
  // pod, natOutgoing first rewrites it to node2, then the receiving node masquerades again to itself.
  ...[1, 2, 3].map(
    (n): LabPath => ({
      id: `nodePort:lab/echo-nodeport-cluster:30080@node${n}`,
      request: { address: node(n), port: 30080, host: null },
      endsAt: 'echo',
      inCluster: ok(node(n), 'lost'),
      outside: ok(node(n), 'lost'),
    }),
  ),
  // NodePort, Local, endpoint on node1 only.
  ...LOCAL_ECHO_NODEPORTS.flatMap(([name, np]): LabPath[] => [
    // node1: an outside client keeps its address (docs/lab.md#row-8); the pod arrives as node2, natOutgoing (#row-31).
    { id: `nodePort:lab/${name}:${np}@node1`, request: { address: N1, port: np, host: null }, endsAt: 'echo', inCluster: ok(N2, 'lost'), outside: ok(CLIENT, 'preserved') },
    // node2, the pod's own node: the pod-traffic rule sends it to the endpoint unchanged (#row-30); outside: dropped (#row-9).
    { id: `nodePort:lab/${name}:${np}@node2`, request: { address: N2, port: np, host: null }, endsAt: 'echo', inCluster: ok(POD, 'preserved'), outside: dropped },
    // node3: no endpoint, and the pod arrives masqueraded, so not as pod traffic: dropped for both (#row-32).
    { id: `nodePort:lab/${name}:${np}@node3`, request: { address: N3, port: np, host: null }, endsAt: 'echo', inCluster: dropped, outside: dropped },
  ]),

  // NodePorts of the controllers (Local, the controller pods on node1), always with the Ingress host.
  ...(['a', 'nopp'] as const).flatMap((k): LabPath[] => {
    const c = CONTROLLERS[k];
    const req = (n: number) => ({ address: node(n), port: c.nodePort, host: c.host });
    return [
      // node1: the pod arrives as node2, inside the trusted 192.0.2.0/24, so a forged X-Forwarded-For is believed;
      // an outside client is untrusted and stays the TCP peer (docs/lab.md#row-26).
      { id: `nodePort:ingress-nginx/${c.service}:${c.nodePort}@node1`, request: req(1), endsAt: 'controller', inCluster: ok(c.pod, 'spoofable', N2, SPOOF), outside: ok(c.pod, 'preserved', CLIENT, CLIENT) },
      // node2: the pod-traffic rule, nginx sees the pod itself (untrusted); outside: dropped.
      { id: `nodePort:ingress-nginx/${c.service}:${c.nodePort}@node2`, request: req(2), endsAt: 'controller', inCluster: ok(c.pod, 'preserved', POD, POD), outside: dropped },
      { id: `nodePort:ingress-nginx/${c.service}:${c.nodePort}@node3`, request: req(3), endsAt: 'controller', inCluster: dropped, outside: dropped },
    ];
  }),
  // nginx (b): no PROXY line from the pod or a direct outside client (docs/lab.md#row-29); node3 drops.
  ...[1, 2, 3].map(
    (n): LabPath => ({
      id: `nodePort:ingress-nginx/ingress-b:30882@node${n}`,
      request: { address: node(n), port: 30882, host: CONTROLLERS.b.host },
      endsAt: 'controller',
      inCluster: n === 3 ? dropped : noPreamble,
      outside: n === 1 ? noPreamble : dropped,
    }),
  ),
  // nginx (a') believes any X-Forwarded-For from anyone (docs/lab.md#row-27).
  { id: 'nodePort:ingress-nginx/ingress-trustall:30883@node1', request: { address: N1, port: 30883, host: CONTROLLERS.trustall.host }, endsAt: 'controller', inCluster: ok(ING_ALL, 'spoofable', N2, SPOOF), outside: ok(ING_ALL, 'spoofable', CLIENT, SPOOF) },
  { id: 'nodePort:ingress-nginx/ingress-trustall:30883@node2', request: { address: N2, port: 30883, host: CONTROLLERS.trustall.host }, endsAt: 'controller', inCluster: ok(ING_ALL, 'spoofable', POD, SPOOF), outside: dropped },
  { id: 'nodePort:ingress-nginx/ingress-trustall:30883@node3', request: { address: N3, port: 30883, host: CONTROLLERS.trustall.host }, endsAt: 'controller', inCluster: dropped, outside: dropped },

  // MetalLB L2 (ipMode unset): the pod is short-circuited on node2 to the endpoint (docs/lab.md#row-34); outside,
  // the announcing node decides: node1 has the endpoint (#row-10), node2 has none and drops (#row-12).
  { id: 'loadBalancer:lab/echo-metallb:198.51.100.60', request: { address: '198.51.100.60', port: 80, host: null }, endsAt: 'echo', inCluster: ok(POD, 'preserved'), outside: ok(CLIENT, 'preserved') },
  { id: 'loadBalancer:lab/echo-metallb-stale:198.51.100.61', request: { address: '198.51.100.61', port: 80, host: null }, endsAt: 'echo', inCluster: ok(POD, 'preserved'), outside: dropped },
  // HAProxy plain TCP, ipMode VIP: the pod never meets it (#row-35); an outside client's peer is HAProxy (#row-13).
  { id: 'loadBalancer:lab/echo-octavia-tcp:198.51.100.54', request: { address: '198.51.100.54', port: 80, host: null }, endsAt: 'echo', inCluster: ok(POD, 'preserved'), outside: ok(LB_INSIDE, 'lost') },

  // HAProxy HTTP + X-Forwarded-For, ipMode VIP, nginx (a) trusting 192.0.2.0/24: the pod reaches nginx directly and
  // stays its TCP peer (#row-36); outside, nginx trusts HAProxy's X-Forwarded-For, whose last entry HAProxy appended,
  // so a forged first entry is ignored (#row-19, #row-24).
  { id: 'loadBalancer:ingress-nginx/ingress-a:198.51.100.50', request: { address: '198.51.100.50', port: 80, host: CONTROLLERS.a.host }, endsAt: 'controller', inCluster: ok(ING_A, 'preserved', POD, POD), outside: ok(ING_A, 'header', CLIENT, CLIENT) },
  { id: 'ingress:lab/echo-a:a.lab.example', request: { address: '198.51.100.50', port: 80, host: CONTROLLERS.a.host }, endsAt: 'echo', inCluster: ok(ING_A, 'header', POD, POD), outside: ok(ING_A, 'header', CLIENT, CLIENT) },
  // HAProxy PROXY v2, ipMode Proxy: the pod really goes through HAProxy, masqueraded to node2 first, so the PROXY
  // header carries node2 (#row-37); outside it carries the client (#row-20). nginx reads only the PROXY header.
  { id: 'loadBalancer:ingress-nginx/ingress-b:198.51.100.51', request: { address: '198.51.100.51', port: 80, host: CONTROLLERS.b.host }, endsAt: 'controller', inCluster: ok(ING_B, 'lost', N2, N2), outside: ok(ING_B, 'header', CLIENT, CLIENT) },
  { id: 'ingress:lab/echo-b:b.lab.example', request: { address: '198.51.100.51', port: 80, host: CONTROLLERS.b.host }, endsAt: 'echo', inCluster: ok(ING_B, 'lost', N2, N2), outside: ok(ING_B, 'header', CLIENT, CLIENT) },
  // HAProxy PROXY v1 (ipMode Proxy) into nginx without proxy_protocol: 400 from everywhere (#row-21, #row-38).
  { id: 'loadBalancer:ingress-nginx/ingress-nopp:198.51.100.52', request: { address: '198.51.100.52', port: 80, host: CONTROLLERS.nopp.host }, endsAt: 'controller', inCluster: preambleRead, outside: preambleRead },
  { id: 'ingress:lab/echo-nopp:nopp.lab.example', request: { address: '198.51.100.52', port: 80, host: CONTROLLERS.nopp.host }, endsAt: 'echo', inCluster: preambleRead, outside: preambleRead },
  // HAProxy HTTP + X-Forwarded-For, ipMode VIP, nginx (a') trust-all: fooled from inside (#row-39) and outside (#row-25).
  { id: 'loadBalancer:ingress-nginx/ingress-trustall:198.51.100.53', request: { address: '198.51.100.53', port: 80, host: CONTROLLERS.trustall.host }, endsAt: 'controller', inCluster: ok(ING_ALL, 'spoofable', POD, SPOOF), outside: ok(ING_ALL, 'spoofable', CLIENT, SPOOF) },
  { id: 'ingress:lab/echo-trustall:trustall.lab.example', request: { address: '198.51.100.53', port: 80, host: CONTROLLERS.trustall.host }, endsAt: 'echo', inCluster: ok(ING_ALL, 'spoofable', POD, SPOOF), outside: ok(ING_ALL, 'spoofable', CLIENT, SPOOF) },

  // An echo on node3's cni0 bridge behind a Cluster NodePort (docs/lab.md#row-43–#row-45). ClusterIP: no NAT.
  { id: 'clusterIP:lab/echo-bridge:80', request: clusterIP(16), endpoint: { address: BRIDGE_ECHO, port: 8080 }, endsAt: 'echo', inCluster: ok(POD, 'preserved'), outside: null },
  // node3 masquerades towards its own bridge: the echo sees cni0's 10.244.3.1 (#row-43), from outside and from the pod
  // (natOutgoing to node2 first, then node3's masquerade).
  { id: 'nodePort:lab/echo-bridge:30085@node3', request: { address: N3, port: 30085, host: null }, endsAt: 'echo', inCluster: ok(BRIDGE_GW, 'lost'), outside: ok(BRIDGE_GW, 'lost') },
  // node1 (Calico) masquerades towards node3 over its eth0: node1's address (#row-45); node2 likewise for the pod's
  // own node and an outside client.
  { id: 'nodePort:lab/echo-bridge:30085@node1', request: { address: N1, port: 30085, host: null }, endsAt: 'echo', inCluster: ok(N1, 'lost'), outside: ok(N1, 'lost') },
  { id: 'nodePort:lab/echo-bridge:30085@node2', request: { address: N2, port: 30085, host: null }, endsAt: 'echo', inCluster: ok(N2, 'lost'), outside: ok(N2, 'lost') },

  // internalTrafficPolicy Local, endpoint on node1 only: node2 drops the ClusterIP for the pod (docs/lab.md#row-47).
  // No direct endpoint probe counts here: the pod reaching the endpoint's address is not what the ClusterIP does.
  { id: 'clusterIP:lab/echo-itp-local:80', request: clusterIP(17), endsAt: 'echo', inCluster: dropped, outside: null },

  // HAProxy PROXY v2 (ipMode Proxy) into a plain node:http application: 400 from everywhere (docs/lab.md#row-46).
  { id: 'loadBalancer:lab/app-plain:198.51.100.55', request: { address: '198.51.100.55', port: 80, host: null }, endsAt: 'echo', notProbeTarget: true, inCluster: preambleRead, outside: preambleRead },

  // ingress-nginx >= 1.13, use-proxy-protocol + use-forwarded-headers, proxy-real-ip-cidr 192.0.2.0/24, behind
  // HAProxy PROXY v2 (docs/lab.md#row-48, #row-49). Outside: the PROXY address is the client, untrusted, so nginx takes
  // it and ignores a forged X-Forwarded-For. The pod goes through HAProxy masqueraded to node2, a trusted PROXY
  // address: nginx reads X-Forwarded-For, so without one it keeps its TCP peer (HAProxy) and a forged one is believed.
  { id: 'loadBalancer:ingress-nginx/ingress-ppx:198.51.100.56', request: { address: '198.51.100.56', port: 80, host: CONTROLLERS.ppx.host }, endsAt: 'controller', inCluster: ok(ING_PPX, 'spoofable', LB_INSIDE, SPOOF), outside: ok(ING_PPX, 'header', CLIENT, CLIENT) },
  { id: 'ingress:lab/echo-ppx:ppx.lab.example', request: { address: '198.51.100.56', port: 80, host: CONTROLLERS.ppx.host }, endsAt: 'echo', inCluster: ok(ING_PPX, 'spoofable', LB_INSIDE, SPOOF), outside: ok(ING_PPX, 'header', CLIENT, CLIENT) },

  // k3s ServiceLB publishing node3's own address (docs/lab.md#row-50, #row-51): kube-proxy's rule for the LB address
  // catches the packet on node3 before the svclb hostPort. Cluster: node3 masquerades towards its cni0 bridge; Local:
  // the client is kept. From the pod, node2 short-circuits the address: Cluster masquerades to node2, Local's
  // pod-traffic rule keeps the pod.
  { id: 'loadBalancer:lab/echo-svclb:192.0.2.13', request: { address: N3, port: 8081, host: null }, endsAt: 'echo', inCluster: ok(N2, 'lost'), outside: ok(BRIDGE_GW, 'lost') },
  { id: 'loadBalancer:lab/echo-svclb-local:192.0.2.13', request: { address: N3, port: 8082, host: null }, endsAt: 'echo', inCluster: ok(POD, 'preserved'), outside: ok(CLIENT, 'preserved') },
];

/** Each Ingress host and the address its Ingress status publishes (scenarios/lab.yaml): what a client's DNS answers. */
export const INGRESS_ADDRESS: Record<string, string> = Object.fromEntries(
  LAB_PATHS.filter((row) => row.id.startsWith('ingress:') && row.request.host).map((row) => [row.request.host!, row.request.address]),
);

/**
 * A browser names the Ingress host in its URL and lets its own DNS pick the address, so it can only reach a host at
 * the address the host resolves to: a controller's NodePort on a node, with that host, is not a request it can make.
 */
export const browserCannotSend = (row: LabPath): boolean =>
  row.request.host !== null && INGRESS_ADDRESS[row.request.host] !== row.request.address;

/** The egress path: the pod's request to an echo outside leaves with node2's address (natOutgoing, docs/lab.md#row-42). */
export const EGRESS_TRUTH = { pathId: 'egress:cluster', peer: N2, verdict: 'lost' as Verdict };

export const truthOf = (row: LabPath, vantage: PredictionVantage): PacketTruth | null => (vantage === 'in-cluster' ? row.inCluster : row.outside);

/** The one lab path a row names; fails loudly when the row names none or several. */
export function rowFor<T extends { pathId: string }>(row: LabPath, traced: T[]): T | undefined {
  const found = traced.filter((t) => t.pathId === row.id || t.pathId.startsWith(row.id.endsWith(':') ? row.id : `${row.id}:`) || t.pathId.startsWith(`${row.id}@`));
  if (found.length > 1) throw new Error(`${row.id} names ${found.length} paths: ${found.map((f) => f.pathId).join(', ')}`);
  return found[0];
}
