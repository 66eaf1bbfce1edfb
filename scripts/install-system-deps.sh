#!/usr/bin/env bash
# Debian packages the tests need: Chromium for Playwright (no browser download), and the real-packet lab's parts.
set -euo pipefail
# libnginx-mod-http-headers-more-filter: the lab nginx runs ingress-nginx's more_set_input_headers (docs/lab.md#lab-rules).
packages=(chromium iproute2 iptables haproxy nginx libnginx-mod-http-headers-more-filter conntrack curl procps python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "system packages: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=120 "${missing[@]}"
