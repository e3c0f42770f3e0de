#!/bin/sh
# floatd from a release: the Node.js runtime shipped in lib/floatd runs floatd's bundle, so the
# host needs neither Node.js nor a compiler. The same script is bin/floatd in the tarball and
# /usr/bin/floatd in the .deb (lib/floatd is /usr/lib/floatd there).
set -e
self=$(readlink -f "$0")
lib=$(dirname "$self")/../lib/floatd
# Options meant for another Node.js program must not change this one.
unset NODE_OPTIONS NODE_PATH
# 1 MB semi-spaces: the agent allocates little and often, so V8's default 16 MB young
# generation would mostly hold garbage (bench:footprint measures the difference).
exec "$lib/runtime/node" --max-semi-space-size=1 "$lib/app/main.js" "$@"
