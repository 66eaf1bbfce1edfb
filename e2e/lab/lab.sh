#!/usr/bin/env bash
# hopscope lab: a small real-packet Kubernetes network in Linux network namespaces.
# scenarios/lab.yaml describes exactly these objects (same IPs, ports, policies), so hopscope's
# discovery, path model and probes can be checked against real packets.
#
#   lab.sh up       tear down anything left over, then build the lab (root)
#   lab.sh down     stop the lab's processes (by PID) and delete its namespaces
#   lab.sh status   namespaces, ownership, addresses, processes
#   lab.sh rules N  iptables-save of node N (the kube-proxy imitation)
#   lab.sh stray    per namespace, packets sent or forwarded to an address outside the lab's ranges (should be 0)
#
#   HOPSCOPE_LAB_DIR     state directory (pids, logs, generated configs); default /tmp/hopscope-lab
#   HOPSCOPE_LAB_NODES   number of nodes (3..40); default 3. Pods live on node1-node3, extra nodes only forward.
#   HOPSCOPE_LAB_HEADERS_MORE  the nginx headers-more module (default: Debian's libnginx-mod-http-headers-more-filter)
#   HOPSCOPE_LAB_ECHO    command line of the echo server (gets --port 8080 appended); default: the bundled
#                        echo (.next/standalone/echo.mjs) if built, else `tsx lib/echo/main.ts`
#
# Only documentation / lab ranges are used, and only inside namespaces created here:
#   client 203.0.113.10 | LB VIPs 198.51.100.50-56 (HAProxy), 198.51.100.60-61 (MetalLB-like, routed to a node)
#   LB inside 192.0.2.1 | nodes 192.0.2.11.. | pods 10.244.<node>.0/24 | Services 10.96.0.0/16
#
# Topology (nothing is attached to the root namespace, so lab traffic cannot leave the lab):
#   [hs-client 203.0.113.10] -- [hs-lb 203.0.113.1 | VIPs on lo | 192.0.2.1]  HAProxy = cloud LB (XFF, PROXY v1/v2, TCP)
#                                     |
#                          [hs-fabric: bridge br0]  (L2 switch between LB and nodes)
#                        /            |             \
#            [hs-node1 .11]      [hs-node2 .12]     [hs-node3 .13] ...   kube-proxy-like iptables, healthCheckNodePort
#   pods on node1: echo 10.244.1.10, plain app 10.244.1.11, ingress a/b/trustall/nopp/ppx 10.244.1.20-24
#   pods on node2: client 10.244.2.10, hopscope 10.244.2.30 (the prober: its node has none of the endpoints)
#   node3: a flannel-like bridge cni0 10.244.3.1/24 with the echo-bridge pod 10.244.3.10 (host-gw routes between nodes)
#
# As in a real cluster (docs/lab.md#lab-realism): kube-proxy knows the cluster CIDR, so KUBE-EXT of a Local Service
# sends pod traffic to any endpoint; every node short-circuits each LB address whose ipMode is VIP or unset; the CNI
# (Calico-like, natOutgoing on) masquerades pod traffic leaving the pod CIDR; nginx answers only its Ingress host.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=${HOPSCOPE_LAB_DIR:-/tmp/hopscope-lab}
RUN=$LAB/run
MARK=hopscope-lab-owned   # ifalias on each namespace's lo: "this namespace belongs to the hopscope lab"
NODE_COUNT=${HOPSCOPE_LAB_NODES:-3}
[[ "$NODE_COUNT" =~ ^[0-9]+$ ]] && (( NODE_COUNT >= 3 && NODE_COUNT <= 40 )) || { echo "HOPSCOPE_LAB_NODES must be 3..40" >&2; exit 2; }

CLIENT_IP=203.0.113.10
LB_EXT_IP=203.0.113.1
LB_IP=192.0.2.1
POD_CIDR=10.244.0.0/16
ECHO_IP=10.244.1.10
ING_A_IP=10.244.1.20
ING_B_IP=10.244.1.21
ING_ALL_IP=10.244.1.22
ING_NOPP_IP=10.244.1.23
ING_PPX_IP=10.244.1.24
APP_IP=10.244.1.11
# node3's pod network is a flannel-like Linux bridge (docs/domain.md#s2.12): cni0 holds the gateway .1 of its pod CIDR.
BRIDGE_GW=10.244.3.1
BRIDGE_ECHO_IP=10.244.3.10
# k3s ServiceLB pods (klipper-lb) on node3 for lab/echo-svclb and lab/echo-svclb-local (docs/domain.md#s5).
SVCLB_IP=10.244.3.20
SVCLB_LOCAL_IP=10.244.3.21
HOPSCOPE_IP=10.244.2.30
PODC_IP=10.244.2.10

node_ip() { echo "192.0.2.$((10 + $1))"; }
NODES=(); for ((i = 1; i <= NODE_COUNT; i++)); do NODES+=("node$i"); done
PODS=(pod-echo pod-ing-a pod-ing-b pod-ing-all pod-ing-nopp pod-ing-ppx pod-app pod-bridge pod-svclb pod-svclbl pod-hopscope pod-client)
NSES=(fabric client lb "${NODES[@]}" "${PODS[@]}")
ns_name() { echo "hs-$1"; }

log() { printf '[hopscope-lab %s] %s\n' "$(date +%T.%3N)" "$*" >&2; }
nsx() { local ns; ns=$(ns_name "$1"); shift; ip netns exec "$ns" "$@"; }
ns_exists() { [ -e "/run/netns/$(ns_name "$1")" ]; }
ns_ours() { ip -n "$(ns_name "$1")" -o link show lo 2>/dev/null | grep -q "alias $MARK"; }
all_lab_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep '^hs-' || true; }

# ---------------------------------------------------------------- teardown
down() {
  if [ -d "$RUN" ]; then
    for f in "$RUN"/*.pid; do
      [ -e "$f" ] || continue
      pid=$(cat "$f" 2>/dev/null || true)
      [[ "$pid" =~ ^[0-9]+$ ]] && kill "$pid" 2>/dev/null || true
    done
  fi
  # Every hs-* namespace carrying our mark, also those of a previous run with more nodes.
  local ns
  for ns in $(all_lab_namespaces | sort -r); do
    if ! ip -n "$ns" -o link show lo 2>/dev/null | grep -q "alias $MARK"; then
      log "WARNING: namespace '$ns' was not created by the hopscope lab (no '$MARK' mark): leaving it alone"
      continue
    fi
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [ -n "$pids" ]; then
      kill $pids 2>/dev/null || true
      for _ in $(seq 1 30); do
        pids=$(ip netns pids "$ns" 2>/dev/null || true); [ -z "$pids" ] && break; sleep 0.1
      done
      [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
    fi
    ip netns del "$ns"
  done
  rm -rf "$RUN"
}

# ---------------------------------------------------------------- helpers
mkns() {
  local ns; ns=$(ns_name "$1")
  ip netns add "$ns"
  ip -n "$ns" link set lo alias "$MARK"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
}

# Every packet a lab namespace sends or forwards passes the mangle chain HS-EDGE, which lets the lab's own ranges
# through one counted rule each and counts the rest in its last rule: the proof that nothing was addressed outside
# the lab. Destinations are taken before DNAT, so the Service range is a lab range too.
# 224.0.0.0/24 is link-local multicast (IGMP on the bridge), which no router forwards.
LAB_RANGES=(127.0.0.0/8 203.0.113.0/24 198.51.100.0/24 192.0.2.0/24 10.244.0.0/16 10.96.0.0/16 224.0.0.0/24)
edge_counter() {
  local ns range; ns=$(ns_name "$1")
  ip netns exec "$ns" iptables -t mangle -N HS-EDGE
  for range in "${LAB_RANGES[@]}"; do
    ip netns exec "$ns" iptables -t mangle -A HS-EDGE -d "$range" -m comment --comment "lab $range" -j RETURN
  done
  ip netns exec "$ns" iptables -t mangle -A HS-EDGE -m comment --comment "leaves the lab"
  ip netns exec "$ns" iptables -t mangle -A OUTPUT -j HS-EDGE
  ip netns exec "$ns" iptables -t mangle -A FORWARD -j HS-EDGE
}

# "namespace lab-packets stray-packets" per lab namespace, from the HS-EDGE counters.
stray() {
  local ns
  for ns in $(all_lab_namespaces); do
    ip netns exec "$ns" iptables -t mangle -L HS-EDGE -n -v -x 2>/dev/null |
      awk -v ns="$ns" '$0 ~ /\/\* lab / {lab += $1} $0 ~ /leaves the lab/ {out += $1} END {print ns, lab + 0, out + 0}'
  done
}

# veth pair: ns1/if1 <-> ns2/if2
veth() {
  ip -n "$(ns_name "$1")" link add "$2" type veth peer name "$4" netns "$(ns_name "$3")"
  ip -n "$(ns_name "$1")" link set "$2" up
  ip -n "$(ns_name "$3")" link set "$4" up
}

# Calico-style pod attach: pod eth0 = IP/32, gateway 169.254.1.1 answered by proxy-ARP on the node side.
pod_attach() {
  local node=$1 pod=$2 hostif=$3 ip=$4
  veth "$node" "$hostif" "$pod" eth0
  ip -n "$(ns_name "$pod")" addr add "$ip/32" dev eth0
  ip -n "$(ns_name "$pod")" route add 169.254.1.1 dev eth0 scope link
  ip -n "$(ns_name "$pod")" route add default via 169.254.1.1 dev eth0
  nsx "$node" sysctl -qw "net.ipv4.conf.$hostif.proxy_arp=1" "net.ipv4.neigh.$hostif.proxy_delay=0"
  ip -n "$(ns_name "$node")" route add "$ip/32" dev "$hostif"
}

wait_port() { # ns port   (bounded: 10 s)
  local ns=$1 port=$2
  for _ in $(seq 1 100); do
    nsx "$ns" ss -Hltn "sport = :$port" | grep -q . && return 0
    sleep 0.1
  done
  log "ERROR: nothing listening on $ns:$port after 10s (see $RUN/*.log)"; return 1
}

start_bg() { # name ns cmd...   -> $RUN/name.pid, $RUN/name.log
  local name=$1 ns; ns=$(ns_name "$2"); shift 2
  setsid nohup ip netns exec "$ns" "$@" >"$RUN/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# ---------------------------------------------------------------- the Services (same numbers as scenarios/lab.yaml)
# NAME NAMESPACE CLUSTER_IP PORT NODEPORT POLICY HEALTHCHECK_NODEPORT VIP_LB_IP ENDPOINT_IP ENDPOINT_PORT ENDPOINT_NODE [ITP]
# ITP: internalTrafficPolicy (default Cluster).
# VIP_LB_IP: the LoadBalancer address kube-proxy programs on every node, i.e. one whose ipMode is VIP or unset
# (docs/domain.md#s2.6, #s2.7). The OpenStack-like controller publishes ipMode Proxy only for its PROXY-protocol LBs
# (ingress-b, ingress-nopp): kube-proxy leaves those two addresses alone, so pods really go through HAProxy there.
SERVICES=(
  "echo                  lab           10.96.0.10 80 -     -       -     -             $ECHO_IP    8080 node1"
  "echo-nodeport-cluster lab           10.96.0.11 80 30080 Cluster -     -             $ECHO_IP    8080 node1"
  "echo-nodeport-local   lab           10.96.0.12 80 30081 Local   -     -             $ECHO_IP    8080 node1"
  "echo-metallb          lab           10.96.0.13 80 30082 Local   32082 198.51.100.60 $ECHO_IP    8080 node1"
  "echo-metallb-stale    lab           10.96.0.14 80 30083 Local   32083 198.51.100.61 $ECHO_IP    8080 node1"
  "echo-octavia-tcp      lab           10.96.0.15 80 30084 Local   32084 198.51.100.54 $ECHO_IP    8080 node1"
  "ingress-a             ingress-nginx 10.96.0.20 80 30880 Local   32880 198.51.100.50 $ING_A_IP   80   node1"
  "ingress-nopp          ingress-nginx 10.96.0.21 80 30881 Local   32881 -             $ING_NOPP_IP 80  node1"
  "ingress-b             ingress-nginx 10.96.0.22 80 30882 Local   32882 -             $ING_B_IP   80   node1"
  "ingress-trustall      ingress-nginx 10.96.0.23 80 30883 Local   32883 198.51.100.53 $ING_ALL_IP 80   node1"
  "echo-bridge           lab           10.96.0.16 80 30085 Cluster -     -             $BRIDGE_ECHO_IP 8080 node3"
  "echo-itp-local        lab           10.96.0.17 80 -     -       -     -             $ECHO_IP    8080 node1 Local"
  "app-plain             lab           10.96.0.18 80 30086 Local   32086 -             $APP_IP     8080 node1"
  "ingress-ppx           ingress-nginx 10.96.0.24 80 30884 Local   32884 -             $ING_PPX_IP 80   node1"
  "echo-svclb            lab           10.96.0.19 8081 30087 Cluster -   192.0.2.13    $BRIDGE_ECHO_IP 8080 node3"
  "echo-svclb-local      lab           10.96.0.25 8082 30088 Local  32088 192.0.2.13   $BRIDGE_ECHO_IP 8080 node3"
)

# kube-proxy iptables mode (v1.28+) for one node, rule for rule as pkg/proxy/iptables/proxier.go writes them
# (docs/domain.md#s2.4, #s2.5, #s2.7): KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP (DNAT); NodePorts and VIP-mode LB
# addresses -> KUBE-EXT. kube-proxy knows the cluster CIDR ($POD_CIDR, the kube-proxy ConfigMap in scenarios/lab.yaml),
# so KUBE-SVC masquerades traffic from outside it, and KUBE-EXT of a Local Service first sends pod traffic to any
# endpoint ("pod traffic for ... external destinations"), then masquerades and routes the node's own traffic, then
# jumps to KUBE-SVL only where the node has a local endpoint; where it has none, filter/KUBE-EXTERNAL-SERVICES drops
# what is left. Cluster: KUBE-EXT marks everything for masquerade.
# The CNI part is Calico's cali-nat-outgoing rule (docs/domain.md#s2.8) with the lab's one IP pool written as a CIDR
# where Calico matches its ipsets "masq pools" (source) and "all pools" (destination): node IPs and LB addresses
# are outside every pool, so a pod's traffic to them leaves with its node's address.
kube_rules() {
  local node=$1 chains="" nat="" filt=""
  local name ns cip port np pol hc lbip epip epport epnode itp
  for s in "${SERVICES[@]}"; do
    itp=""
    read -r name ns cip port np pol hc lbip epip epport epnode itp <<<"$s"
    local id; id=$(echo "$name" | tr 'a-z-' 'A-Z_' | cut -c1-18)
    local svc=KUBE-SVC-$id ext=KUBE-EXT-$id sep=KUBE-SEP-$id svl=KUBE-SVL-$id
    chains+=":$svc - [0:0]"$'\n'":$sep - [0:0]"$'\n'
    if [ "$itp" = Local ]; then
      # internalTrafficPolicy Local (docs/domain.md#s2.5): the ClusterIP leads to the local endpoints only; a node
      # without one gets no nat rule for it and filter/KUBE-SERVICES "has no local endpoints" -j DROP.
      if [ "$epnode" = "$node" ]; then
        chains+=":$svl - [0:0]"$'\n'
        nat+="-A KUBE-SERVICES -d $cip/32 -p tcp -m comment --comment \"$ns/$name cluster IP\" -m tcp --dport $port -j $svl"$'\n'
        nat+="-A $svl ! -s $POD_CIDR -d $cip/32 -p tcp -m comment --comment \"$ns/$name cluster IP\" -m tcp --dport $port -j KUBE-MARK-MASQ"$'\n'
        nat+="-A $svl -m comment --comment \"$ns/$name -> $epip:$epport (local)\" -j $sep"$'\n'
      else
        filt+="-A KUBE-SERVICES -d $cip/32 -p tcp -m comment --comment \"$ns/$name has no local endpoints\" -m tcp --dport $port -j DROP"$'\n'
      fi
    else
      nat+="-A KUBE-SERVICES -d $cip/32 -p tcp -m comment --comment \"$ns/$name cluster IP\" -m tcp --dport $port -j $svc"$'\n'
      nat+="-A $svc ! -s $POD_CIDR -d $cip/32 -p tcp -m comment --comment \"$ns/$name cluster IP\" -m tcp --dport $port -j KUBE-MARK-MASQ"$'\n'
      nat+="-A $svc -m comment --comment \"$ns/$name -> $epip:$epport\" -j $sep"$'\n'
    fi
    nat+="-A $sep -s $epip/32 -m comment --comment \"$ns/$name hairpin\" -j KUBE-MARK-MASQ"$'\n'
    nat+="-A $sep -p tcp -m comment --comment \"$ns/$name\" -m tcp -j DNAT --to-destination $epip:$epport"$'\n'
    [ "$np" = - ] && continue
    chains+=":$ext - [0:0]"$'\n'
    if [ "$lbip" != - ]; then
      nat+="-A KUBE-SERVICES -d $lbip/32 -p tcp -m comment --comment \"$ns/$name loadbalancer IP\" -m tcp --dport $port -j $ext"$'\n'
    fi
    nat+="-A KUBE-NODEPORTS -p tcp -m comment --comment \"$ns/$name\" -m tcp --dport $np -j $ext"$'\n'
    if [ "$pol" = Cluster ]; then
      nat+="-A $ext -m comment --comment \"masquerade traffic for $ns/$name external destinations\" -j KUBE-MARK-MASQ"$'\n'
      nat+="-A $ext -j $svc"$'\n'
      continue
    fi
    nat+="-A $ext -s $POD_CIDR -m comment --comment \"pod traffic for $ns/$name external destinations\" -j $svc"$'\n'
    nat+="-A $ext -m comment --comment \"masquerade LOCAL traffic for $ns/$name external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ"$'\n'
    nat+="-A $ext -m comment --comment \"route LOCAL traffic for $ns/$name external destinations\" -m addrtype --src-type LOCAL -j $svc"$'\n'
    if [ "$epnode" = "$node" ]; then
      chains+=":$svl - [0:0]"$'\n'
      nat+="-A $ext -j $svl"$'\n'
      nat+="-A $svl -m comment --comment \"$ns/$name -> $epip:$epport (local)\" -j $sep"$'\n'
    else
      if [ "$lbip" != - ]; then
        filt+="-A KUBE-EXTERNAL-SERVICES -d $lbip/32 -p tcp -m comment --comment \"$ns/$name has no local endpoints\" -m tcp --dport $port -j DROP"$'\n'
      fi
      filt+="-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment \"$ns/$name has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport $np -j DROP"$'\n'
    fi
  done
  cat <<RULES
# generated by the hopscope lab for $node (kube-proxy iptables-mode imitation, Calico-like natOutgoing)
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:cali-POSTROUTING - [0:0]
:cali-nat-outgoing - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
${chains}-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "calico postrouting rules (Calico inserts its jump first)" -j cali-POSTROUTING
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A cali-POSTROUTING -j cali-nat-outgoing
-A cali-nat-outgoing -s $POD_CIDR ! -d $POD_CIDR -m comment --comment "natOutgoing: from the IP pool to anything outside the IP pools" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
${nat}-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
${filt}COMMIT
RULES
}

# k3s ServiceLB on node3 (docs/domain.md#s5): the CNI portmap plugin's hostPort DNAT to each svclb pod, appended
# after kube-proxy's jump as portmap appends and kube-proxy prepends; in the svclb pod the rules of klipper-lb's entry
# script (DNAT to DEST_IPS:DEST_PORT, MASQUERADE towards it). A packet for node3's own address on a Service port meets
# kube-proxy's rule for the LB address first, so these are reached only if kube-proxy had none.
svclb_rules() {
  nsx node3 iptables -t nat -N CNI-HOSTPORT-DNAT
  nsx node3 iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment "CNI portfwd requiring DNAT" -j CNI-HOSTPORT-DNAT
  nsx node3 iptables -t nat -A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment "CNI portfwd requiring DNAT" -j CNI-HOSTPORT-DNAT
  nsx node3 iptables -t nat -A CNI-HOSTPORT-DNAT -p tcp --dport 8081 -j DNAT --to-destination "$SVCLB_IP:8081"
  nsx node3 iptables -t nat -A CNI-HOSTPORT-DNAT -p tcp --dport 8082 -j DNAT --to-destination "$SVCLB_LOCAL_IP:8082"
  # Cluster: DEST_IPS = the ClusterIP, DEST_PORT = the Service port; Local: DEST_IPS = the node's hostIP, the NodePort.
  nsx pod-svclb sysctl -qw net.ipv4.ip_forward=1
  nsx pod-svclb iptables -t nat -I PREROUTING -p tcp --dport 8081 -j DNAT --to 10.96.0.19:8081
  nsx pod-svclb iptables -t nat -I POSTROUTING -d 10.96.0.19/32 -p tcp -j MASQUERADE
  nsx pod-svclbl sysctl -qw net.ipv4.ip_forward=1
  nsx pod-svclbl iptables -t nat -I PREROUTING -p tcp --dport 8082 -j DNAT --to 192.0.2.13:30088
  nsx pod-svclbl iptables -t nat -I POSTROUTING -d 192.0.2.13/32 -p tcp -j MASQUERADE
}

# healthCheckNodePort answers of one node (docs/domain.md#s2.1): "port namespace name localEndpoints" per line.
health_spec() {
  local node=$1 name ns cip port np pol hc lbip epip epport epnode itp
  for s in "${SERVICES[@]}"; do
    read -r name ns cip port np pol hc lbip epip epport epnode itp <<<"$s"
    [ "$hc" = - ] && continue
    echo "$hc $ns $name $([ "$epnode" = "$node" ] && echo 1 || echo 0)"
  done
}

# ---------------------------------------------------------------- HAProxy = the cloud LB (OpenStack Octavia-like)
# One frontend per LoadBalancer Service on its VIP, backends = every node's NodePort. Local Services are
# health-checked on their healthCheckNodePort /healthz, as cloud LBs do (docs/domain.md#s2.1), so only nodes with a
# local endpoint get traffic.
haproxy_lb() { # vip mode server-option nodePort healthCheckNodePort
  local vip=$1 mode=$2 opt=$3 np=$4 hc=$5 i
  echo "frontend fe_${vip//./_}"
  echo "    bind $vip:80"
  echo "    mode $mode"
  [ "$mode" = http ] && echo "    option forwardfor"
  echo "    default_backend be_${vip//./_}"
  echo "backend be_${vip//./_}"
  echo "    mode $mode"
  echo "    option httpchk GET /healthz"
  for ((i = 1; i <= NODE_COUNT; i++)); do
    echo "    server node$i $(node_ip "$i"):$np $opt check port $hc inter 300ms fall 1 rise 1"
  done
}

write_haproxy_cfg() {
  {
    cat <<CFG
global
    log stdout format raw local0 info
    maxconn 512
defaults
    log global
    timeout connect 1s
    timeout client  10s
    timeout server  10s
    # Without it a whole check must finish within "inter" (300ms): one slow /healthz answer on a busy machine
    # would take a node with endpoints out of rotation.
    timeout check   2s
frontend stats
    bind 127.0.0.1:8404
    mode http
    stats enable
    stats uri /stats
CFG
    haproxy_lb 198.51.100.50 http ""            30880 32880   # ingress-a: HTTP listener, X-Forwarded-For
    haproxy_lb 198.51.100.51 tcp  send-proxy-v2 30882 32882   # ingress-b: PROXY v2
    haproxy_lb 198.51.100.52 tcp  send-proxy    30881 32881   # ingress-nopp: PROXY v1 into an nginx without proxy_protocol -> broken
    haproxy_lb 198.51.100.53 http ""            30883 32883   # ingress-trustall: HTTP listener, X-Forwarded-For
    haproxy_lb 198.51.100.54 tcp  ""            30084 32084   # echo-octavia-tcp: plain TCP, no header
    haproxy_lb 198.51.100.55 tcp  send-proxy-v2 30086 32086   # app-plain: PROXY v2 into an app that does not read it -> broken
    haproxy_lb 198.51.100.56 tcp  send-proxy-v2 30884 32884   # ingress-ppx: PROXY v2 into use-proxy-protocol + use-forwarded-headers
  } >"$RUN/haproxy.cfg"
}

# ---------------------------------------------------------------- nginx = ingress-nginx controllers
# The directives ingress-nginx's template renders for each ConfigMap in scenarios/lab.yaml (docs/domain.md#s6.1):
# realip in the http block with real_ip_recursive on, X-Real-IP $remote_addr, X-Forwarded-For $remote_addr
# (compute-full-forwarded-for off); one server per Ingress host, and the catch-all default server that answers any
# other Host (an address, another name) with the default backend's 404.
# With use-proxy-protocol and use-forwarded-headers both on, ingress-nginx >= 1.13 renders (nginx.tmpl,
# docs/domain.md#s6.1.1): real_ip_header X-Forwarded-For-Proxy-Protocol, a geo on \$proxy_protocol_addr over
# proxy-real-ip-cidr, a map choosing \$http_x_forwarded_for (trusted) or \$proxy_protocol_addr (untrusted), and
# more_set_input_headers filling the header before realip reads it. "ppxff" writes the same directives.
HEADERS_MORE=${HOPSCOPE_LAB_HEADERS_MORE:-/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so}  # Debian libnginx-mod-http-headers-more-filter
write_nginx_cfg() { # variant listen-suffix realip-header trusted-cidr ingress-host [ppxff]
  local variant=$1 listen=$2 header=$3 trusted=$4 host=$5 mode=${6:-} dir=$RUN/nginx-$1
  local module="" ppxff=""
  if [ "$mode" = ppxff ]; then
    module="load_module $HEADERS_MORE;"
    ppxff="geo \$proxy_protocol_addr \$proxy_protocol_addr_trusted { default 0; $trusted 1; }
    map \$proxy_protocol_addr_trusted \$forwarded_for_proxy_protocol { default \$proxy_protocol_addr; 1 \$http_x_forwarded_for; }
    more_set_input_headers \"X-Forwarded-For-Proxy-Protocol: \$forwarded_for_proxy_protocol\";"
  fi
  mkdir -p "$dir/tmp" "$dir/logs"
  cat >"$dir/nginx.conf" <<CFG
$module
user root;
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log info;
events { worker_connections 256; }
http {
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path       $dir/tmp/proxy;
    fastcgi_temp_path     $dir/tmp/fastcgi;
    uwsgi_temp_path       $dir/tmp/uwsgi;
    scgi_temp_path        $dir/tmp/scgi;
    log_format lab 'remote_addr=\$remote_addr tcp_peer=\$realip_remote_addr pp_addr="\$proxy_protocol_addr" xff_in="\$http_x_forwarded_for" host="\$host" "\$request" \$status';
    access_log $dir/logs/access.log lab;
    set_real_ip_from $trusted;
    real_ip_header $header;
    real_ip_recursive on;
    $ppxff
    upstream lab-echo-80 { server $ECHO_IP:8080; }
    server {
        listen 80$listen default_server;
        server_name _;
        location / { return 404; }
    }
    server {
        listen 80$listen;
        server_name $host;
        location / {
            proxy_pass http://lab-echo-80;
            proxy_set_header Host \$host;
            proxy_set_header X-Real-IP \$remote_addr;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Original-Forwarded-For \$http_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
        }
    }
}
CFG
  nginx -t -q -c "$dir/nginx.conf" -e "$dir/logs/error.log" -p "$dir/" || { log "nginx config test failed ($variant)"; exit 1; }
}

echo_command() {
  if [ -n "${HOPSCOPE_LAB_ECHO:-}" ]; then echo "$HOPSCOPE_LAB_ECHO"
  elif [ -f "$REPO/.next/standalone/echo.mjs" ]; then echo "node $REPO/.next/standalone/echo.mjs"
  else echo "$REPO/node_modules/.bin/tsx $REPO/lib/echo/main.ts"
  fi
}

# Waits until HAProxy has health-checked every server once (bounded: 10 s), so Local backends are settled.
wait_haproxy_checks() {
  local csv
  for _ in $(seq 1 100); do
    csv=$(nsx lb curl -s --max-time 1 'http://127.0.0.1:8404/stats;csv' || true)
    if [ -n "$csv" ] && ! echo "$csv" | awk -F, '$2 ~ /^node/ && ($37 == "" || $37 ~ /INI/) {found=1} END {exit !found}'; then
      return 0
    fi
    sleep 0.1
  done
  log "ERROR: HAProxy health checks did not settle in 10s"; return 1
}

# ---------------------------------------------------------------- bring up
up() {
  [ "$(id -u)" = 0 ] || { log "the lab needs root (network namespaces, iptables)"; exit 1; }
  local c
  for c in ip iptables-restore haproxy nginx node curl ss; do
    command -v "$c" >/dev/null || { log "missing '$c': apt-get install -y iproute2 iptables haproxy nginx curl"; exit 1; }
  done
  [ -f "$HEADERS_MORE" ] || { log "missing nginx headers-more module: apt-get install -y libnginx-mod-http-headers-more-filter"; exit 1; }
  local t0; t0=$(date +%s%N)
  down
  local ns
  for ns in "${NSES[@]}"; do
    ns_exists "$ns" && { log "ERROR: namespace '$(ns_name "$ns")' exists and is not ours; refusing to build the lab"; exit 1; }
  done
  trap 'rc=$?; if [ $rc -ne 0 ]; then log "up failed (rc=$rc): tearing down the partial lab"; down; fi' EXIT
  mkdir -p "$RUN"
  for ns in "${NSES[@]}"; do mkns "$ns"; done
  nsx lb sysctl -qw net.ipv4.ip_forward=1

  # links
  nsx fabric sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null || true
  ip -n hs-fabric link add br0 type bridge
  ip -n hs-fabric link set br0 up
  veth client eth0 lb eth0
  veth lb eth1 fabric p-lb
  ip -n hs-fabric link set p-lb master br0

  # external side and the LB router
  ip -n hs-client addr add "$CLIENT_IP/24" dev eth0
  ip -n hs-client route add default via "$LB_EXT_IP"
  ip -n hs-lb addr add "$LB_EXT_IP/24" dev eth0
  ip -n hs-lb addr add "$LB_IP/24" dev eth1
  local vip
  for vip in 198.51.100.50 198.51.100.51 198.51.100.52 198.51.100.53 198.51.100.54 198.51.100.55 198.51.100.56; do
    ip -n hs-lb addr add "$vip/32" dev lo
  done
  # MetalLB L2: the announcing node answers for the VIP; the upstream router sends it there (ServiceL2Status).
  ip -n hs-lb route add 198.51.100.60/32 via "$(node_ip 1)"
  ip -n hs-lb route add 198.51.100.61/32 via "$(node_ip 2)"

  # nodes: host-gw style routes to every other node's pod CIDR
  local i j
  for ((i = 1; i <= NODE_COUNT; i++)); do
    nsx "node$i" sysctl -qw net.ipv4.ip_forward=1
    veth "node$i" eth0 fabric "p-node$i"
    ip -n hs-fabric link set "p-node$i" master br0
    ip -n "hs-node$i" addr add "$(node_ip "$i")/24" dev eth0
    ip -n "hs-node$i" route add default via "$LB_IP"
    ip -n hs-lb route add "10.244.$i.0/24" via "$(node_ip "$i")"
    for ((j = 1; j <= NODE_COUNT; j++)); do
      (( i == j )) || ip -n "hs-node$i" route add "10.244.$j.0/24" via "$(node_ip "$j")"
    done
  done

  # pods
  pod_attach node1 pod-echo     cali-echo   "$ECHO_IP"
  pod_attach node1 pod-ing-a    cali-inga   "$ING_A_IP"
  pod_attach node1 pod-ing-b    cali-ingb   "$ING_B_IP"
  pod_attach node1 pod-ing-all  cali-ingall "$ING_ALL_IP"
  pod_attach node1 pod-ing-nopp cali-ingnopp "$ING_NOPP_IP"
  pod_attach node1 pod-ing-ppx  cali-ingppx  "$ING_PPX_IP"
  pod_attach node1 pod-app      cali-app     "$APP_IP"
  # node3: flannel attaches pods to the cni0 bridge (bridge plugin, isGateway: docs/domain.md#s2.12), the bridge
  # holding the gateway .1 of the node's pod CIDR; the pod has a /24 and that gateway as its default route.
  ip -n hs-node3 link add cni0 type bridge
  ip -n hs-node3 addr add "$BRIDGE_GW/24" dev cni0
  ip -n hs-node3 link set cni0 up
  veth node3 veth-brecho pod-bridge eth0
  ip -n hs-node3 link set veth-brecho master cni0
  # kube-flannel.yml's delegate sets hairpinMode: a pod reaching itself through its Service comes back over its port.
  ip -n hs-node3 link set veth-brecho type bridge_slave hairpin on
  ip -n hs-pod-bridge addr add "$BRIDGE_ECHO_IP/24" dev eth0
  ip -n hs-pod-bridge route add default via "$BRIDGE_GW"
  local svclb pod hostif addr
  for svclb in "pod-svclb veth-svclb $SVCLB_IP" "pod-svclbl veth-svclbl $SVCLB_LOCAL_IP"; do
    read -r pod hostif addr <<<"$svclb"
    veth node3 "$hostif" "$pod" eth0
    ip -n hs-node3 link set "$hostif" master cni0
    ip -n "hs-$pod" addr add "$addr/24" dev eth0
    ip -n "hs-$pod" route add default via "$BRIDGE_GW"
  done
  pod_attach node2 pod-client   cali-cli    "$PODC_IP"
  pod_attach node2 pod-hopscope cali-hop    "$HOPSCOPE_IP"

  for ns in "${NSES[@]}"; do edge_counter "$ns"; done

  # kube-proxy imitation and healthCheckNodePort responders
  for ((i = 1; i <= NODE_COUNT; i++)); do
    kube_rules "node$i" >"$RUN/iptables-node$i.rules"
    nsx "node$i" iptables-restore <"$RUN/iptables-node$i.rules"
    if (( i == 3 )); then svclb_rules; fi
    health_spec "node$i" >"$RUN/health-node$i.spec"
    start_bg "health-node$i" "node$i" node "$REPO/e2e/lab/healthcheck-responder.mjs" "$RUN/health-node$i.spec"
  done

  # workloads
  # shellcheck disable=SC2046
  start_bg echo pod-echo env POD_NAME=echo-6d5f7c9b8-x7k2p POD_NAMESPACE=lab NODE_NAME=node1 POD_IP="$ECHO_IP" \
    $(echo_command) --port 8080
  write_nginx_cfg a    ""                X-Forwarded-For 192.0.2.0/24 a.lab.example
  write_nginx_cfg b    " proxy_protocol" proxy_protocol  192.0.2.0/24 b.lab.example
  write_nginx_cfg all  ""                X-Forwarded-For 0.0.0.0/0    trustall.lab.example
  write_nginx_cfg nopp ""                X-Forwarded-For 192.0.2.0/24 nopp.lab.example
  write_nginx_cfg ppx  " proxy_protocol" X-Forwarded-For-Proxy-Protocol 192.0.2.0/24 ppx.lab.example ppxff
  start_bg nginx-a   pod-ing-a   nginx -c "$RUN/nginx-a/nginx.conf"   -e "$RUN/nginx-a/logs/error.log"   -p "$RUN/nginx-a/"
  start_bg nginx-b   pod-ing-b   nginx -c "$RUN/nginx-b/nginx.conf"   -e "$RUN/nginx-b/logs/error.log"   -p "$RUN/nginx-b/"
  start_bg nginx-all pod-ing-all nginx -c "$RUN/nginx-all/nginx.conf" -e "$RUN/nginx-all/logs/error.log" -p "$RUN/nginx-all/"
  start_bg nginx-nopp pod-ing-nopp nginx -c "$RUN/nginx-nopp/nginx.conf" -e "$RUN/nginx-nopp/logs/error.log" -p "$RUN/nginx-nopp/"
  start_bg nginx-ppx pod-ing-ppx nginx -c "$RUN/nginx-ppx/nginx.conf" -e "$RUN/nginx-ppx/logs/error.log" -p "$RUN/nginx-ppx/"
  # shellcheck disable=SC2046
  start_bg echo-bridge pod-bridge env POD_NAME=echo-bridge-7f9c8d6b5-b3r1d POD_NAMESPACE=lab NODE_NAME=node3 POD_IP="$BRIDGE_ECHO_IP" \
    $(echo_command) --port 8080
  # An application that is not the echo: a plain node:http server, which does not read PROXY (docs/domain.md#s8.1).
  start_bg app pod-app node "$REPO/e2e/lab/plain-app.mjs" 8080
  write_haproxy_cfg
  haproxy -c -q -f "$RUN/haproxy.cfg" || { log "haproxy config check failed"; exit 1; }
  start_bg haproxy lb haproxy -db -f "$RUN/haproxy.cfg"

  wait_port pod-echo 8080
  wait_port pod-bridge 8080
  wait_port pod-app 8080
  for ns in pod-ing-a pod-ing-b pod-ing-all pod-ing-nopp pod-ing-ppx; do wait_port "$ns" 80; done
  for ((i = 1; i <= NODE_COUNT; i++)); do wait_port "node$i" 32880; done
  wait_port lb 8404
  wait_haproxy_checks
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "$ms" >"$RUN/up_ms"
  trap - EXIT
  log "lab up in ${ms} ms ($NODE_COUNT nodes, state in $LAB)"
}

status() {
  local ns
  for ns in $(all_lab_namespaces); do
    printf '%-16s %s  addrs: %s  pids: %s\n' "$ns" \
      "$(ip -n "$ns" -o link show lo | grep -q "alias $MARK" && echo ours || echo FOREIGN)" \
      "$(ip -n "$ns" -4 -o addr show | awk '$4 != "127.0.0.1/8" {print $2"="$4}' | tr '\n' ' ')" \
      "$(ip netns pids "$ns" | tr '\n' ' ')"
  done
}

case "${1:-}" in
  up) up ;;
  down) t0=$(date +%s%N); down; log "lab down in $(( ($(date +%s%N) - t0) / 1000000 )) ms" ;;
  status) status ;;
  rules) ip netns exec "hs-${2:-node2}" iptables-save ;;
  stray) stray ;;
  *) echo "usage: $0 up|down|status|rules [nodeN]|stray" >&2; exit 2 ;;
esac
