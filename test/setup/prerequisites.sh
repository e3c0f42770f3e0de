#!/usr/bin/env bash
# `npm test` runs this first (pretest): the Debian packages the suite needs besides Node.js,
# installed when missing and we are root, named with the command to get them otherwise.
#   iproute2      addresses, links, network namespaces (the agent and the lab)
#   iputils-ping  the lab tests' client (the demo has its own)
#   nftables      the lab's packet loss (the kernel has no netem)
#   keepalived    the interop tests and benchmarks run against the real thing
#   tcpdump       the codec tests cross-check keepalived's captures with tcpdump's dissector
#   docker.io     the clean-host test runs the release in containers (testcontainers)
#   debootstrap   ... on a Debian image built here (no registry can be pulled from)
#   zip, unzip    the controller's Lambda package (npm run build:lambda) and its test
# Then, as root, it starts the Docker engine when none answers (the clean-host test needs one).
# First, the AWS provider schema the offline terraform tests need (cached; test/infra/).
set -euo pipefail

if ! bash "$(dirname "$0")/../infra/fetch-provider-schema.sh"; then
  echo "npm test: no AWS provider schema: the terraform schema test will say so" >&2
  if [ "${CI:-}" = true ]; then exit 1; fi
fi

packages=(iproute2 iputils-ping nftables keepalived tcpdump docker.io debootstrap zip unzip)

if ! command -v dpkg >/dev/null 2>&1; then
  echo "npm test: not a Debian-like host: make sure ${packages[*]} are installed" >&2
  exit 0
fi
missing=()
for pkg in "${packages[@]}"; do
  # Not `dpkg -s`: it succeeds for a removed package whose configuration files remain.
  [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] ||
    missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing what the suite needs: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  missing=()
fi

if [ "${#missing[@]}" -eq 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    bash "$(dirname "$0")/start-docker.sh"
  fi
  exit 0
fi

echo "npm test: missing ${missing[*]}: sudo apt-get install -y ${missing[*]}" >&2
if [ "${CI:-}" = true ]; then
  exit 1
fi
echo "npm test: the tests that need them will say so and be skipped (outside CI only)" >&2
