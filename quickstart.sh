#!/usr/bin/env bash
# Quick start: builds AuthProxy, starts the RESTPP-like sample backend (127.0.0.1:9000, as the
# repo's routes.json expects) and the proxy (127.0.0.1:8080) with routes.json, mints a demo
# token, and shows an allowed request, a REST-10016 refusal and a wrong-graph refusal.
set -euo pipefail
cd "$(dirname "$0")"

proxy="http://127.0.0.1:${PROXY_PORT:-8080}"
# The logs stay after the script ends (the demo secret does not): the last lines point at them.
work=$(mktemp -d "${TMPDIR:-/tmp}/authproxy-quickstart.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$work/hmac.secret"
}
trap cleanup EXIT

echo "== building"
dotnet build AuthProxy.sln -c Release -nologo -v quiet -clp:ErrorsOnly
bin=src/AuthProxy/bin/Release/net10.0/AuthProxy.dll
backend=samples/RestppBackend/bin/Release/net10.0/RestppBackend.dll

# A fresh demo HMAC secret (64 characters of text); a real deployment points at its IdP's keys.
head -c 48 /dev/urandom | base64 | tr -d '\n' > "$work/hmac.secret"

echo "== starting the sample backend on 127.0.0.1:9000 and AuthProxy on $proxy"
dotnet "$backend" --urls http://127.0.0.1:9000 > "$work/backend.log" 2>&1 &
pids+=($!)
dotnet "$bin" --urls "$proxy" --routes routes.json --Users=@samples/users.json \
  --Security:JWT:HMAC:Secret=@"$work/hmac.secret" > "$work/proxy.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  if curl -sf -o /dev/null "$proxy/readyz" && curl -s -o /dev/null http://127.0.0.1:9000/restpp/version; then break; fi
  sleep 0.5
done

token=$(dotnet "$bin" mint-token --secret @"$work/hmac.secret" --sub kevin --graph social --ttl 600)

show() {
  echo
  printf '$'; printf ' %q' "$@"; echo
  "$@" -s -w '\n[HTTP %{http_code}]\n'
}

echo
echo "== a token for user kevin, scoped to graph social (kevin holds READ_DATA on social):"
echo "$token"
show curl "$proxy/restpp/query/social/friends" -H "Authorization: Bearer $token"
show curl "$proxy/restpp/query/social/friends"
show curl "$proxy/restpp/query/finance/accounts" -H "Authorization: Bearer $token"
show curl "$proxy/restpp/query/social/friends" -u kevin:kevin-demo
show curl "$proxy/management/v1/cluster/state" -u kevin:kevin-demo
show curl "$proxy/management/v1/cluster/state" -u tigergraph:tigergraph-demo
echo
sleep 1 # the access lines are written as each answer completes
echo "== what the proxy logged about these requests (one access line each):"
grep -A1 'AuthProxy.Access' "$work/proxy.log" | grep -v -e '^--$' -e 'AuthProxy.Access' | sed 's/^ *//'
echo
echo "== proxy log: $work/proxy.log"
echo "== backend log: $work/backend.log"
