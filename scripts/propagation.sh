#!/usr/bin/env bash
# Benchmark of revocation propagation: how long after a revoke answered on one AuthProxy instance
# the other instances sharing the same PostgreSQL store refuse the token, over many revocations.
#
#   scripts/propagation.sh                  # 1000 revocations (a few minutes)
#   scripts/propagation.sh --quick          # 100, to see that it works
#   scripts/propagation.sh --count 5000 --keep
#
# Starts a private PostgreSQL cluster (initdb and pg_ctl from /usr/lib/postgresql/*/bin, as the
# postgres user when run as root) in a temporary folder on a free loopback port, the sample backend
# (samples/RestppBackend) and three AuthProxy instances A, B and C on that store. Then, each time:
# a GridGain login on A for a new token; the token used on B and C (200); the token revoked on A
# (DELETE /management/v1/authentication/jwt/{token}, the token as its own bearer); B and C polled
# at the same time, a request at most every --interval-ms, until each answers 401. The time is from
# the arrival of A's answer to the revoke to the arrival of the instance's first 401. p50, p90, p99
# and max per instance and overall, and how many took over 200 ms and over 1 s, are printed and
# written to bench/results/propagation-DATE-TIME.md. Everything started is stopped and removed on exit.
#
# Needs PostgreSQL's server binaries (installs the postgresql package with apt-get when run as root)
# and curl. Exits 1 when a revocation took over 1 s to hold on an instance, or never held.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

count=1000
warmup=20
interval_ms=1
cap_ms=5000
out_dir=$root/bench/results
keep_run=0

usage() {
  cat <<EOF
usage: scripts/propagation.sh [options]
  --count N           revocations measured (default $count)
  --quick             100 revocations: a smoke test, not a measurement
  --warmup N          revocations made first and not counted (default $warmup)
  --interval-ms N     the shortest time between two polls of one instance (default $interval_ms)
  --cap-ms N          how long an instance is polled before the revocation counts as not held (default $cap_ms)
  --out DIR           where the markdown report goes (default bench/results)
  --keep              keep the run's folder (configuration, logs, every sample)
EOF
}

while [ $# -gt 0 ]; do
  case $1 in
    --count) count=$2; shift 2 ;;
    --quick) count=100; shift ;;
    --warmup) warmup=$2; shift 2 ;;
    --interval-ms) interval_ms=$2; shift 2 ;;
    --cap-ms) cap_ms=$2; shift 2 ;;
    --out) out_dir=$2; shift 2 ;;
    --keep) keep_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

for number in "$count" "$cap_ms"; do
  [[ $number =~ ^[0-9]+$ ]] && [ "$number" -gt 0 ] || { echo "not a positive whole number: $number" >&2; exit 2; }
done
for number in "$warmup" "$interval_ms"; do
  [[ $number =~ ^[0-9]+$ ]] || { echo "not a whole number: $number" >&2; exit 2; }
done

# --- tools ---------------------------------------------------------------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
missing=()
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || missing+=(postgresql)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${missing[*]}; install them (apt-get install -y ${missing[*]}) or run as root" >&2
    exit 1
  fi
  echo "== installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# --- build ---------------------------------------------------------------------------------------
echo "== building (Release)"
for project in src/AuthProxy samples/RestppBackend bench/Propagation; do
  build_output=$(dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1) || { echo "$build_output" >&2; exit 1; }
done
authproxy_dll=$root/src/AuthProxy/bin/Release/net10.0/AuthProxy.dll
backend_dll=$root/samples/RestppBackend/bin/Release/net10.0/RestppBackend.dll
probe_dll=$root/bench/Propagation/bin/Release/net10.0/Propagation.dll

# --- processes -----------------------------------------------------------------------------------
run=$(mktemp -d "${TMPDIR:-/tmp}/authproxy-propagation.XXXXXX")
chmod 755 "$run"
pg_data=$run/pg/data
pg_started=0
started=()

# Runs a PostgreSQL program as the postgres user when this script runs as root (PostgreSQL refuses root).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

cleanup() {
  local pid
  for pid in "${started[@]+"${started[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started[@]+"${started[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$pg_started" -eq 1 ]; then
    as_postgres "$pg_bin/pg_ctl" stop -D "$pg_data" -m fast -w >/dev/null 2>&1 ||
      as_postgres "$pg_bin/pg_ctl" stop -D "$pg_data" -m immediate -w >/dev/null 2>&1 || true
  fi
  if [ "$keep_run" -eq 0 ]; then rm -rf "$run"; else echo "the run's folder is kept: $run" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "propagation: $*" >&2; keep_run=1; exit 1; }

# A loopback port no socket uses now, below the ephemeral range.
ephemeral_low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
taken_ports=()
free_port() {
  local port
  while :; do
    port=$(shuf -i 10000-$((ephemeral_low - 1)) -n 1)
    printf '%s\n' "${taken_ports[@]+"${taken_ports[@]}"}" | grep -qx "$port" && continue
    if command -v ss >/dev/null; then
      [ -n "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ] || { echo "$port"; return; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return
    fi
  done
}

# Waits until URL answers 200, while PID lives.
wait_ok() {
  local pid=$1 url=$2 log=$3 i
  for i in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "the process behind $url exited"; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" != 200 ] || return 0
    sleep 0.1
  done
  cat "$log" >&2
  fail "$url did not answer 200 within 60 s"
}

# The servers get a clean environment for what changes their behaviour.
server_env=(env -u OTEL_EXPORTER_OTLP_ENDPOINT -u ASPNETCORE_ENVIRONMENT -u DOTNET_ENVIRONMENT
  -u ASPNETCORE_URLS -u ASPNETCORE_HTTP_PORTS)

# --- PostgreSQL ----------------------------------------------------------------------------------
pg_port=$(free_port); taken_ports+=("$pg_port")
pg_version=$("$pg_bin/postgres" --version | sed 's/^postgres (PostgreSQL) //')
echo "== PostgreSQL $pg_version on 127.0.0.1:$pg_port"
mkdir -p "$run/pg"
[ "$(id -u)" -ne 0 ] || chown postgres: "$run/pg"
as_postgres "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --no-sync >"$run/initdb.log" 2>&1 ||
  { cat "$run/initdb.log" >&2; fail "initdb failed"; }
pg_started=1
as_postgres "$pg_bin/pg_ctl" start -D "$pg_data" -w -t 60 -l "$run/pg/server.log" \
  -o "-p $pg_port -k $run/pg -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null ||
  { cat "$run/pg/server.log" >&2; fail "PostgreSQL did not start"; }
database=propagation
as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$database"
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$database"

# --- sample backend ------------------------------------------------------------------------------
backend_port=$(free_port); taken_ports+=("$backend_port")
echo "== sample backend on 127.0.0.1:$backend_port"
"${server_env[@]}" dotnet "$backend_dll" --urls "http://127.0.0.1:$backend_port" >"$run/backend.log" 2>&1 &
started+=($!)
wait_ok "$!" "http://127.0.0.1:$backend_port/restpp/version" "$run/backend.log"

# --- AuthProxy A, B and C ------------------------------------------------------------------------
config=$run/config
mkdir -p "$config"
sed "s#http://127.0.0.1:9000/#http://127.0.0.1:$backend_port/#" routes.json >"$config/routes.json"
grep -q "127.0.0.1:$backend_port" "$config/routes.json" || fail "routes.json does not point at 127.0.0.1:9000 any more"
head -c 48 /dev/urandom | base64 | tr -d '\n' >"$config/hmac.secret"
user=kevin
head -c 24 /dev/urandom | base64 | tr -d '\n/+=' >"$config/password"
# Hashed as an operator would; a login that succeeded is remembered for minutes, so this hash is paid rarely.
password_hash=$(dotnet "$authproxy_dll" hash-password <"$config/password")
cat >"$config/users.json" <<EOF
{ "Users": { "$user": { "PasswordHash": "$password_hash", "Graphs": { "social": [ "READ_DATA" ] } } } }
EOF

# The token limit and the throttling budgets are raised out of the way of repeated logins.
store_settings=(
  --AuthProxy:Store:Provider=PostgreSQL
  "--AuthProxy:Store:ConnectionString=$connection"
  --AuthProxy:Limits:TokensPerUser=1000000
  --AuthProxy:Throttling:AccountFailures=10000
  --AuthProxy:Throttling:AddressFailures=100000
  --AuthProxy:Throttling:AccountWideFailures=1000000
)
declare -A port_of=() pid_of=()
for name in A B C; do
  port_of[$name]=$(free_port); taken_ports+=("${port_of[$name]}")
  "${server_env[@]}" dotnet "$authproxy_dll" --contentRoot="$config" --routes "$config/routes.json" --Users=@"$config/users.json" \
    --Security:JWT:HMAC:Secret=@"$config/hmac.secret" --urls="http://127.0.0.1:${port_of[$name]}" \
    "${store_settings[@]}" --Logging:LogLevel:Default=Warning --AuthProxy:ShutdownTimeout=00:00:02 \
    >"$run/authproxy-$name.log" 2>&1 &
  pid_of[$name]=$!
  started+=($!)
done
for name in A B C; do
  wait_ok "${pid_of[$name]}" "http://127.0.0.1:${port_of[$name]}/readyz" "$run/authproxy-$name.log"
  echo "== AuthProxy $name on 127.0.0.1:${port_of[$name]}"
done

# --- measure -------------------------------------------------------------------------------------
echo "== $count revocations on A ($warmup more first, not counted), B and C polled every $interval_ms ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
status=0
dotnet "$probe_dll" --a "http://127.0.0.1:${port_of[A]}" --b "http://127.0.0.1:${port_of[B]}" --c "http://127.0.0.1:${port_of[C]}" \
  --user "$user" --password-file "$config/password" --count "$count" --warmup "$warmup" \
  --interval-ms "$interval_ms" --cap-ms "$cap_ms" --table "$run/table.md" --samples "$run/samples.tsv" >/dev/null &
# In the background, so a signal to this script stops the run at once (bash runs traps only between commands).
probe_pid=$!
started+=("$probe_pid")
wait "$probe_pid" || status=$?
[ -s "$run/table.md" ] || { tail -n 20 "$run"/authproxy-*.log >&2; fail "the probe stopped (exit $status)"; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Each receiving instance's own view (authproxy.store.change.delay, from its /metrics): time from
# the revocation's commit to its application there, without the HTTP polls.
server_side() { # NAME
  curl -s "http://127.0.0.1:${port_of[$1]}/metrics" >"$run/metrics-$1.txt" || true
  awk -v name="$1" '
    /^authproxy_store_change_delay_seconds/ && /kind="revoke"/ {
      value = $0; sub(/^[^}]*\} */, "", value); split(value, parts, " ")
      if ($0 ~ /_bucket\{/) { match($0, /le="[^"]*"/); bucket[substr($0, RSTART + 4, RLENGTH - 5)] = parts[1] }
      else if ($0 ~ /_sum\{/) sum = parts[1]
      else if ($0 ~ /_count\{/) count = parts[1]
    }
    END {
      if (count == 0) { printf "| %s | 0 | - | - | - | - |\n", name; exit }
      printf "| %s | %d | %.1f | %d | %d | %d |\n", name, count, 1000 * sum / count, bucket["0.01"], count - bucket["0.2"], count - bucket["1"]
    }' "$run/metrics-$1.txt"
}
server_table=$(for name in B C; do server_side "$name"; done)
for name in A B C; do
  kill -0 "${pid_of[$name]}" 2>/dev/null || fail "AuthProxy $name exited during the run"
  lines=$(wc -l <"$run/authproxy-$name.log")
  [ "$lines" -le 20 ] || echo "note: AuthProxy $name logged $lines lines at Warning and above (kept with --keep)" >&2
done

# --- report --------------------------------------------------------------------------------------
mkdir -p "$out_dir"
report=$out_dir/propagation-$(date +%Y-%m-%d-%H%M%S).md
{
  echo "# Revocation propagation across three instances on PostgreSQL, $(date '+%Y-%m-%d %H:%M %Z')"
  echo
  echo "\`scripts/propagation.sh --count $count --warmup $warmup --interval-ms $interval_ms --cap-ms $cap_ms\`"
  echo
  echo "- commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench scripts 2>/dev/null || echo ' (with local changes)')"
  echo "- $(nproc) CPUs: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); $(uname -sr); load average before the run: $load_before, after: $load_after"
  echo "- .NET $(dotnet --version), PostgreSQL $pg_version (a private cluster on loopback, default settings)"
  echo "- three AuthProxy processes A, B and C on one database (\`AuthProxy:Store:Provider=PostgreSQL\`, default \`PollInterval\` of 1 s), the sample backend, PostgreSQL and the probe on the same machine, unpinned"
  echo "- each revocation: a GridGain login on A, the new token used once on B and on C (200), revoked on A with itself as bearer, then B and C polled with it at once (\`GET /restpp/query/social/q\`) until each answers 401; $warmup revocations first, not counted"
  echo
  cat "$run/table.md"
  echo
  echo "As each receiving instance saw it (\`authproxy.store.change.delay\` of kind revoke, from its \`/metrics\`): from the moment A wrote"
  echo "the revocation (in its transaction, just before the commit) to its application on the instance, without the HTTP polls;"
  echo "the $warmup warm-up revocations included; the counts from the histogram's buckets."
  echo
  echo "| receiving instance | revocations applied | mean ms | within 10 ms | over 200 ms | over 1 s |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "$server_table"
} >"$report"

echo
cat "$report"
echo
echo "== written to ${report#"$root"/}"
if [ "$status" -ne 0 ]; then
  echo "propagation: some revocations took over 1 s to hold or never held, or an instance answered something unexpected" >&2
  exit 1
fi
