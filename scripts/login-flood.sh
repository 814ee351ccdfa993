#!/usr/bin/env bash
# Floods AuthProxy with concurrent bad Basic logins against an Argon2id user and reports the proxy's
# peak resident memory, the answers, and how many password hashes it computed. The throttling
# budgets are raised out of the way so that only the bound on concurrent hashing protects it.
#   scripts/login-flood.sh [CONCURRENT] [REQUESTS]      (defaults: 10000 10000)
# Needs hey (apt-get install -y hey).
set -euo pipefail
cd "$(dirname "$0")/.."
concurrent=${1:-10000}
requests=${2:-$concurrent}
port=${FLOOD_PORT:-8290}
backend_port=$((port + 1))
command -v hey > /dev/null || { echo "hey is needed: apt-get install -y hey" >&2; exit 2; }
ulimit -n 65536 2> /dev/null || true

dotnet build AuthProxy.sln -c Release -nologo -v quiet -clp:ErrorsOnly
bin=src/AuthProxy/bin/Release/net10.0/AuthProxy.dll
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

hash=$(printf 'right-password' | dotnet "$bin" hash-password)
cat > "$work/users.json" << JSON
{ "Users": { "argon": { "PasswordHash": "$hash", "Graphs": { "social": [ "READ_DATA" ] } } } }
JSON
sed "s#http://127.0.0.1:9000/#http://127.0.0.1:$backend_port/#" routes.json > "$work/routes.json"
head -c 48 /dev/urandom | base64 | tr -d '\n' > "$work/hmac.secret"

dotnet samples/RestppBackend/bin/Release/net10.0/RestppBackend.dll --urls "http://127.0.0.1:$backend_port" > "$work/backend.log" 2>&1 &
pids+=($!)
dotnet "$bin" --urls "http://127.0.0.1:$port" --contentRoot "$work" --routes routes.json --Users=@users.json \
  --Security:JWT:HMAC:Secret=@hmac.secret --AuthProxy:Throttling:AddressFailures=100000 \
  --AuthProxy:Throttling:AccountFailures=10000 --AuthProxy:Throttling:AccountWideFailures=1000000 > "$work/proxy.log" 2>&1 &
proxy=$!
pids+=($proxy)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done

rss() { awk '/VmRSS/ { print $2 }' "/proc/$proxy/status"; }
before=$(rss)
peak=$before
( while kill -0 "$proxy" 2> /dev/null; do rss; sleep 0.05; done ) > "$work/rss" &
sampler=$!

echo "== $requests bad logins, $concurrent at once, against an Argon2id user (RSS before: $((before / 1024)) MiB)"
hey -n "$requests" -c "$concurrent" -t 120 -H "Authorization: Basic $(printf 'argon:wrong' | base64)" \
  "http://127.0.0.1:$port/restpp/query/social/q" | sed -n '/Status code distribution/,/^$/p;/Error distribution/,/^$/p'
kill "$sampler" 2> /dev/null || true
peak=$(sort -n "$work/rss" | tail -1)
hashes=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^authproxy_password_hashes_total/ { print $2 }')
ok=$(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' -u argon:right-password "http://127.0.0.1:$port/restpp/query/social/q")
echo "peak RSS: $((peak / 1024)) MiB (grew $(((peak - before) / 1024)) MiB); password hashes computed: ${hashes:-0}; the right password afterwards: $ok"
