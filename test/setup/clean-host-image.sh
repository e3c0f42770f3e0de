#!/usr/bin/env bash
# The clean host of the release test: Debian bookworm, minbase (no Node.js, no compiler), plus
# iproute2 (the .deb depends on it, and dpkg -i in the container has no network to fetch it).
# No registry can be pulled from here (LAB.md), so the image is built from Debian's packages
# with debootstrap and `docker import`ed. The rootfs tarball is cached outside the clone, so
# a fresh Docker engine re-imports it in seconds.
#   usage: clean-host-image.sh IMAGE   (prints nothing; the image exists when it exits 0)
set -euo pipefail

image=${1:?usage: clean-host-image.sh IMAGE}
docker image inspect "$image" >/dev/null 2>&1 && exit 0

cache=${XDG_CACHE_HOME:-$HOME/.cache}/floatd/rootfs
tarball=$cache/debian-bookworm-minbase-iproute2.tar
if [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || { echo "no debootstrap: apt-get install -y debootstrap" >&2; exit 1; }
  # The mirror this machine's apt uses (it reaches no other).
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  mkdir -p "$cache"
  rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs" "$tarball.partial"' EXIT
  echo "clean-host image: debootstrap bookworm from $mirror (about a minute, once)" >&2
  debootstrap --variant=minbase --include=iproute2 bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
  tar -C "$rootfs" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
fi
docker import "$tarball" "$image" >/dev/null
