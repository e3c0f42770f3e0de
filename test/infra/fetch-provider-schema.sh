#!/usr/bin/env bash
# The AWS provider schema the offline terraform tests check infra/terraform against
# (test/infra/provider-schema.test.ts). No terraform CLI or provider binary can be installed here
# (their downloads come from outside the package registries), so the schema comes from the npm
# registry: @cdktf/provider-aws, generated from the provider's own schema, fetched once with
# `npm pack` (pinned version, checked against its integrity), reduced to a ~1 MB JSON of resource
# and data source arguments and cached in ~/.cache/floatd/. The 37 MB tarball is not kept.
# Idempotent: does nothing once the cached schema exists.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
pin="$root/test/infra/aws-provider.pin.json"
field() { node -e 'const p=require(process.argv[1]); console.log(process.argv[2].split(".").reduce((o,k)=>o[k],p))' "$pin" "$1"; }
package="$(field package)"
version="$(field version)"
integrity="$(field integrity)"
provider_version="$(field provider.version)"

cache="${FLOATD_CACHE:-$HOME/.cache/floatd}"
out="$cache/aws-provider-schema-$provider_version-cdktf-$version.json"
[ -s "$out" ] && exit 0

mkdir -p "$cache"
work="$(mktemp -d "$cache/provider-aws.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "npm test: fetching $package@$version once for the AWS provider schema ($provider_version)" >&2
(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "npm test: $tarball: integrity $actual, pinned $integrity" >&2
  exit 1
fi
mkdir "$work/x"
tar -xzf "$tarball" -C "$work/x" package/package.json --wildcards 'package/lib/*.js'
(cd "$root" && npx tsx test/infra/lib/extract-provider-schema.ts "$work/x/package" "$out.tmp")
mv "$out.tmp" "$out"
