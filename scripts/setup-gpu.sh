#!/usr/bin/env bash
# Makes sure a WebGPU adapter exists for Lamina. Where a working Vulkan adapter is already present it
# does nothing. Otherwise, on Debian 12 (bookworm) as root, it installs Mesa's software Vulkan driver
# (lavapipe) from bookworm-backports: Debian 12's own Mesa 22.3 is too old for Dawn.
# Where it cannot act (not root, not Debian 12), it prints exactly what to do and exits 1.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}

have_adapter() {
  [ -d "$here/node_modules/webgpu" ] || return 1
  (cd "$here" && timeout 120 node scripts/probe-adapter.mjs >/dev/null 2>&1)
}

if have_adapter; then
  echo "setup-gpu: a WebGPU adapter is available; nothing to install." >&2
  exit 0
fi

codename=$( (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}") || true)
need_lavapipe() {
  # A lavapipe older than Mesa 23 lacks features Dawn requires.
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -z "$v" ] && return 0
  dpkg --compare-versions "$v" lt 23 && return 0
  return 1
}

how_to() {
  cat >&2 <<MSG
setup-gpu: no usable WebGPU adapter. To run Lamina without a GPU, install Mesa >= 23 (lavapipe):
  Debian 12:  add the bookworm-backports suite to your apt sources, then as root
              apt-get update && apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1
  Ubuntu >= 23.04 / Debian 13:  apt-get install mesa-vulkan-drivers libvulkan1
With a GPU, install its vendor's Vulkan driver. Then check with:  npx lamina info
MSG
}

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then how_to; exit 1; fi

if [ "$codename" = bookworm ]; then
  if need_lavapipe; then
    # Use the same mirror the system already names for bookworm.
    src=/etc/apt/sources.list.d/debian.sources
    mirror=""
    if [ -f "$src" ]; then
      mirror=$(awk '/^URIs:/{u=$2} /^Suites:/ && / bookworm( |$)/{print u; exit}' "$src")
    fi
    if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
      mirror=$(awk '$1=="deb" && $3=="bookworm"{print $2; exit}' /etc/apt/sources.list)
    fi
    mirror=${mirror:-http://deb.debian.org/debian}
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$mirror" > /etc/apt/sources.list.d/bookworm-backports.sources
      echo "setup-gpu: added bookworm-backports ($mirror)" >&2
    fi
    apt-get update -qq || echo "setup-gpu: apt-get update reported errors; continuing" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
  fi
else
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mesa-vulkan-drivers libvulkan1 >/dev/null || { how_to; exit 1; }
fi

if [ -d "$here/node_modules/webgpu" ] && ! have_adapter; then
  echo "setup-gpu: lavapipe installed but Dawn still finds no adapter." >&2
  how_to; exit 1
fi
echo "setup-gpu: lavapipe (Mesa $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)) installed." >&2
