#!/usr/bin/env bash
# Quick start: builds AuthProxy, starts the RESTPP-like sample backend (127.0.0.1:9000, as the
# repo's routes.json expects) and the proxy (127.0.0.1:8080) with routes.json, mints a demo
# token, and shows an allowed request, a REST-10016 refusal and a wrong-graph refusal.
#   ./quickstart.sh           plain HTTP on 127.0.0.1:8080
#   ./quickstart.sh --https   HTTPS on 127.0.0.1:8443 (HTTP/1.1 and HTTP/2), with a development CA
#                             and certificate from certs/make-dev-certs.sh
set -euo pipefail
cd "$(dirname "$0")"

https=false
case "${1:-}" in
  "") ;;
  --https) https=true ;;
  *) echo "usage: $0 [--https]" >&2; exit 2 ;;
esac

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

tls=()
curl_tls=()
if $https; then
  proxy="https://127.0.0.1:${PROXY_PORT:-8443}"
  echo "== making a development CA and a certificate for localhost and 127.0.0.1 (certs/make-dev-certs.sh)"
  bash certs/make-dev-certs.sh "$work/certs" > /dev/null
  # Kestrel's own settings; AuthProxy re-reads both files when they change.
  tls=(--Kestrel:Certificates:Default:Path="$work/certs/server.pem" --Kestrel:Certificates:Default:KeyPath="$work/certs/server.key")
  curl_tls=(--cacert "$work/certs/ca.pem")
else
  proxy="http://127.0.0.1:${PROXY_PORT:-8080}"
fi

echo "== starting the sample backend on 127.0.0.1:9000 and AuthProxy on $proxy"
dotnet "$backend" --urls http://127.0.0.1:9000 > "$work/backend.log" 2>&1 &
pids+=($!)
dotnet "$bin" --urls "$proxy" --routes routes.json --Users=@samples/users.json \
  --Security:JWT:HMAC:Secret=@"$work/hmac.secret" ${tls[@]+"${tls[@]}"} > "$work/proxy.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  if curl -sf -o /dev/null ${curl_tls[@]+"${curl_tls[@]}"} "$proxy/readyz" && curl -s -o /dev/null http://127.0.0.1:9000/restpp/version; then break; fi
  sleep 0.5
done

token=$(dotnet "$bin" mint-token --secret @"$work/hmac.secret" --sub kevin --graph social --ttl 600)

show() {
  local command=("$1" ${curl_tls[@]+"${curl_tls[@]}"} "${@:2}")
  echo
  printf '$'; printf ' %q' "${command[@]}"; echo
  "${command[@]}" -s -w '\n[HTTP %{http_code}]\n'
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
if $https; then
  echo
  echo "== the same listener over HTTP/2 (ALPN), then the certificate it serves:"
  http2=(curl "${curl_tls[@]}" --http2 -s -o /dev/null -w 'HTTP/%{http_version} %{http_code}\n' "$proxy/restpp/query/social/friends" -H "Authorization: Bearer $token")
  echo
  printf '$'; printf ' %q' "${http2[@]}"; echo
  "${http2[@]}"
  openssl s_client -connect "${proxy#https://}" -servername localhost < /dev/null 2> /dev/null | openssl x509 -noout -subject -issuer -serial -enddate
fi
echo
sleep 1 # the access lines are written as each answer completes
echo "== what the proxy logged about these requests (one access line each):"
grep -A1 'AuthProxy.Access' "$work/proxy.log" | grep -v -e '^--$' -e 'AuthProxy.Access' | sed 's/^ *//'
echo
echo "== proxy log: $work/proxy.log"
echo "== backend log: $work/backend.log"
