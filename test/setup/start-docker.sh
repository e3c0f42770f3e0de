#!/usr/bin/env bash
# Starts the Docker engine (docker.io's dockerd) when none answers, and waits until it does.
# Machines of this kind run none by default (LAB.md); the clean-host test needs one.
set -euo pipefail

docker_ok() { timeout 5 docker info >/dev/null 2>&1; }
docker_ok && exit 0
if ! command -v dockerd >/dev/null 2>&1; then
  echo "npm test: no dockerd: apt-get install -y docker.io" >&2
  exit 1
fi
log=/var/log/floatd-test-dockerd.log
echo "npm test: starting the Docker engine (dockerd, log in $log)" >&2
setsid dockerd >"$log" 2>&1 </dev/null &
for _ in $(seq 1 60); do
  docker_ok && exit 0
  sleep 0.5
done
echo "npm test: dockerd did not answer within 30 s; the end of $log:" >&2
tail -n 20 "$log" >&2
exit 1
