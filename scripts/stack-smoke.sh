#!/usr/bin/env bash
# End-to-end smoke test of the real stack (docker-compose.yml). Needs Docker with the compose plugin
# (v2.17+ for --wait-timeout), curl, and sha256sum or openssl. Not run in CI (no Docker engine there).
#
#   scripts/stack-smoke.sh                 # up, send one trace + one log line, find both, down -v
#   KEEP_STACK=1 scripts/stack-smoke.sh    # leave the stack running afterwards
#   PII_POLICY=drop scripts/stack-smoke.sh # check the drop policy instead of hash
#
# What it proves: OTLP/HTTP on localhost:4318 reaches the collector; the trace is in Jaeger
# (api_v3, by trace id); the log line is in Loki with trace_id as structured metadata (LogQL by
# trace_id); user_id is hashed (or dropped) and a secret attribute is masked on the way.
set -euo pipefail

cd "$(dirname "$0")/.."

PROJECT=${STACK_SMOKE_PROJECT:-next-request-context-smoke}
TIMEOUT=${STACK_SMOKE_TIMEOUT:-90}
KEEP_STACK=${KEEP_STACK:-0}
export PII_POLICY=${PII_POLICY:-hash}
# Same default as docker-compose.yml (test/stack checks that they agree).
export PII_HASH_SALT=${PII_HASH_SALT:-local-dev-salt-change-me}
COMPOSE=(docker compose -p "$PROJECT" -f docker-compose.yml)
HOST=127.0.0.1

log() { printf '[stack-smoke] %s\n' "$*"; }
fail() { printf '[stack-smoke] FAIL: %s\n' "$*" >&2; exit 1; }

for tool in docker curl od; do
  command -v "$tool" >/dev/null || fail "$tool is required"
done
docker compose version >/dev/null 2>&1 || fail "the docker compose plugin is required"

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum | cut -d' ' -f1; else openssl dgst -sha256 -r | cut -d' ' -f1; fi
}

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Says what holds a port, so a clash is never silent.
describe_port_owner() {
  local port=$1 owner=""
  if [[ $port == 4318 || $port == 16686 ]] && curl -fsS --max-time 2 "http://$HOST:16686/api/health" 2>/dev/null | grep -q 'embedded-otel-collector'; then
    echo "the embedded collector (npm run collector) — stop it first, the real stack replaces it"
    return
  fi
  owner=$(docker ps --filter "publish=$port" --format '{{.Names}} ({{.Image}})' 2>/dev/null | head -n1 || true)
  if [[ -n $owner ]]; then echo "docker container $owner"; return; fi
  if command -v ss >/dev/null; then owner=$(ss -ltnpH "sport = :$port" 2>/dev/null | head -n1 || true); fi
  if [[ -z $owner ]] && command -v lsof >/dev/null; then owner=$(lsof -nP -iTCP:"$port" -sTCP:LISTEN 2>/dev/null | sed -n 2p || true); fi
  echo "${owner:-an unknown process}"
}

cleanup() {
  local status=$?
  if [[ $status -ne 0 ]]; then
    log "collector log tail:"
    "${COMPOSE[@]}" logs --no-color --tail 40 otel-collector >&2 || true
  fi
  if [[ $KEEP_STACK == 1 ]]; then
    log "KEEP_STACK=1: leaving project $PROJECT running (docker compose -p $PROJECT down -v to remove it)"
  else
    log "tearing down"
    "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  exit "$status"
}

# Poll until the command's output contains the needle. Prints the last output.
wait_for() {
  local what=$1 needle=$2 deadline=$((SECONDS + TIMEOUT)) out=""
  shift 2
  while ((SECONDS < deadline)); do
    out=$("$@" 2>/dev/null || true)
    if [[ $out == *"$needle"* ]]; then
      printf '%s' "$out"
      return 0
    fi
    sleep 2
  done
  printf '%s' "$out" >&2
  fail "$what: not found within ${TIMEOUT}s"
}

log "checking host ports"
for port in 4317 4318 16686 3100 3001; do
  if port_in_use "$port"; then
    fail "port $port is already in use by $(describe_port_owner "$port")"
  fi
done

trap cleanup EXIT
log "starting the stack (project $PROJECT, PII_POLICY=$PII_POLICY)"
"${COMPOSE[@]}" up -d --wait --wait-timeout 240

trace_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
span_id=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
nonce="$(date +%s)-$RANDOM"
user_id="smoke-user-$nonce"
secret="hunter2-$nonce"
start_ns=$(($(date +%s) * 1000000000))
end_ns=$((start_ns + 50000000))
resource='{"attributes":[{"key":"service.name","value":{"stringValue":"stack-smoke"}}]}'

log "sending a span and a log line with trace_id $trace_id"
curl -fsS -o /dev/null -H 'Content-Type: application/json' "http://$HOST:4318/v1/traces" --data-binary @- <<JSON
{"resourceSpans":[{"resource":$resource,"scopeSpans":[{"scope":{"name":"stack-smoke"},"spans":[{
  "traceId":"$trace_id","spanId":"$span_id","name":"smoke-span-$nonce","kind":2,
  "startTimeUnixNano":"$start_ns","endTimeUnixNano":"$end_ns",
  "attributes":[{"key":"user_id","value":{"stringValue":"$user_id"}},{"key":"db.password","value":{"stringValue":"$secret"}}]
}]}]}]}
JSON
curl -fsS -o /dev/null -H 'Content-Type: application/json' "http://$HOST:4318/v1/logs" --data-binary @- <<JSON
{"resourceLogs":[{"resource":$resource,"scopeLogs":[{"scope":{"name":"stack-smoke"},"logRecords":[{
  "timeUnixNano":"$start_ns","severityNumber":9,"severityText":"INFO",
  "body":{"stringValue":"smoke log line $nonce"},"traceId":"$trace_id","spanId":"$span_id",
  "attributes":[{"key":"user_id","value":{"stringValue":"$user_id"}}]
}]}]}]}
JSON

log "looking for the trace in Jaeger (api_v3)"
trace_json=$(wait_for "trace $trace_id in Jaeger" "smoke-span-$nonce" curl -fsS "http://$HOST:16686/api/v3/traces/$trace_id")

log "looking for the log line in Loki by trace_id"
query="{service_name=\"stack-smoke\"} | trace_id=\"$trace_id\""
loki_json=$(wait_for "log line with trace_id $trace_id in Loki" "smoke log line $nonce" \
  curl -fsS -G "http://$HOST:3100/loki/api/v1/query_range" \
    --data-urlencode "query=$query" \
    --data-urlencode "start=$((start_ns - 600000000000))" \
    --data-urlencode "end=$((start_ns + 600000000000))" \
    --data-urlencode "limit=10")

log "checking the PII policy ($PII_POLICY) and secret masking"
hashed=$(printf '%s%s' "$PII_HASH_SALT" "$user_id" | sha256)
for where in jaeger loki; do
  body=$trace_json
  [[ $where == loki ]] && body=$loki_json
  [[ $body != *"$user_id"* ]] || fail "$where stored the raw user_id"
  case $PII_POLICY in
    hash) [[ $body == *"$hashed"* ]] || fail "$where does not have user_id as SHA256(salt + id) = $hashed" ;;
    drop) [[ $body != *"$hashed"* && $body != *'"user_id"'* ]] || fail "$where still has a user_id" ;;
  esac
done
[[ $trace_json != *"$secret"* ]] || fail "Jaeger stored the db.password value unmasked"

log "checking Grafana and its data sources"
curl -fsS "http://$HOST:3001/api/health" >/dev/null || fail "Grafana is not healthy on :3001"
for uid in loki jaeger; do
  health=$(curl -sS "http://$HOST:3001/api/datasources/uid/$uid/health" || true)
  if [[ $health == *'"status":"OK"'* ]]; then log "grafana data source $uid: OK"
  else log "warning: grafana data source $uid health said: ${health:-nothing}"; fi
done

log "OK: trace and log line found by trace id $trace_id"
log "open http://localhost:16686/trace/$trace_id and use 'Logs for this trace (Grafana / Loki)'"
