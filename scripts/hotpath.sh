#!/usr/bin/env bash
# Load benchmark of the hot path: what one request costs AuthProxy, in CPU microseconds of the proxy
# process, per arm, against a bare YARP app and AuthProxy's own anonymous route, measured in one run.
#
#   scripts/hotpath.sh                       # every arm, 3 shuffled rounds of 10 s (about 10 minutes)
#   scripts/hotpath.sh --quick               # 1 round of 3 s, to see that it works
#   scripts/hotpath.sh --arms anon,bare,rs256,rs256-cold --duration 20
#   scripts/hotpath.sh --arms anon,rs256,rs256-revoked --revocations 1000000 --soak 10
#
# The server under test runs pinned to CPU 0; wrk and the nginx backend share CPU 1. Each server
# (nginx as a proxy, the bare YARP app, AuthProxy) is started once and warmed up with its arms in
# turn for --warmup seconds, and at least 15 s an arm (.NET's cost per request settles only once
# tiered compilation has recompiled the hot code); then each round runs every arm in a new random
# order: a few seconds of the arm's load, then one measured wrk window. Requests/s come from wrk;
# CPU from /proc/PID/stat (utime + stime, and each apart) before and after the window, divided by
# the requests wrk completed, with the threads' context switches per request; VmRSS after it. The
# best of the rounds is reported, with ratios to AuthProxy's anonymous route and to the bare YARP
# app, and written to bench/results/hotpath-DATE.md; last come
# the paired ratios (each arm against the anonymous route and the bare app of the same round, the
# median over the rounds with its range), which a shared machine's drift disturbs less. For
# AuthProxy's arms, the bytes allocated per request come from its own /metrics
# (dotnet_gc_heap_total_allocated_bytes_total) read before and after the window.
# The rs256-revoked arm runs against a second AuthProxy whose store holds --revocations revoked
# third-party tokens (written into its SQLite file before it starts); its start-up time and RSS are
# reported beside them. --soak MINUTES then keeps the first AuthProxy arm's load on for that long,
# sampling RSS every 30 s.
# --fresh starts a new process for every arm and round instead.
# --instructions counts instead of timing: each .NET server runs under valgrind's callgrind, with
# tiered compilation off (the code is compiled once, fully optimised, and holds still), and a
# window's figure is the instructions the whole process ran (every thread, the runtime's GC and
# JIT included, the kernel not) divided by the requests wrk completed. The count repeats to a
# fraction of a percent where CPU time on a shared machine wanders by tens of percent; it leaves
# out the kernel's share, so it measures the code, not the machine.
#
# Needs wrk, nginx, curl, openssl and taskset; installs the missing ones with apt-get when run as
# root. Keys and tokens are kept in $HOTPATH_CACHE (default ~/.cache/authproxy-hotpath) and made
# again when missing or older than 7 days (tokens live 14 days).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

all_arms=(nginx bare anon hs256 rs256 es256 hs256-cold rs256-cold es256-cold rs256-limited rs256-revoked)
declare -A title=(
  [nginx]="nginx as a plain reverse proxy"
  [bare]="bare YARP app, anonymous route"
  [anon]="AuthProxy, anonymous route"
  [hs256]="AuthProxy, HS256 + graph + privilege, hot"
  [rs256]="AuthProxy, RS256 + graph + privilege, hot"
  [es256]="AuthProxy, ES256 + graph + privilege, hot"
  [hs256-cold]="AuthProxy, HS256 + graph + privilege, cold"
  [rs256-cold]="AuthProxy, RS256 + graph + privilege, cold"
  [es256-cold]="AuthProxy, ES256 + graph + privilege, cold"
  [rs256-limited]="AuthProxy, RS256 hot, + RateLimit and Concurrency by user"
  [rs256-revoked]="AuthProxy, RS256 hot, with revocations held"
)

duration=10
rounds=3
warmup=60
warmup_per_arm=15
settle=2
fresh=0
connections=64
cold_tokens=200000
arms_list=$(IFS=,; echo "${all_arms[*]}")
cache=${HOTPATH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/authproxy-hotpath}
out_dir=$root/bench/results
keep_run=0
dotnet_env=()
revocations=1000000
soak=0
instructions=0

usage() {
  cat <<EOF
usage: scripts/hotpath.sh [options]
  --duration SECONDS     measured window of each arm (default $duration)
  --rounds N             shuffled rounds; the best of them is reported (default $rounds)
  --warmup SECONDS       load on each server before the rounds, its arms in turn (at least $warmup_per_arm s an
                         arm), not counted (default $warmup)
  --settle SECONDS       the arm's own load just before each measured window, not counted (default $settle)
  --fresh                a new server process for every arm and round, warmed up --warmup seconds with
                         that arm alone (RSS is then that arm's own); slower
  --arms LIST            comma-separated, from: $(IFS=,; echo "${all_arms[*]}")
  --connections N        wrk connections (default $connections)
  --cold-tokens N        distinct tokens the cold arms cycle through (default $cold_tokens)
  --out DIR              where the markdown report goes (default bench/results)
  --revocations N        revoked tokens the rs256-revoked arm's AuthProxy holds (default $revocations)
  --soak MINUTES         after the rounds, the first AuthProxy arm's load for MINUTES more, RSS sampled every 30 s
  --instructions         count instructions per request under valgrind's callgrind instead of timing
                         (AuthProxy and bare-app arms only; about 50 times slower, so longer warm-ups)
  --quick                1 round, 3 s windows, 10 s warm-up: a smoke test, not a measurement
  --keep                 keep the run's folder (configurations, server logs, wrk outputs)
  --dotnet-env NAME=VALUE  a runtime setting for every .NET server, AuthProxy and the bare app alike
                         (repeatable), e.g. DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
EOF
}

while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --arms) arms_list=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --cold-tokens) cold_tokens=$2; shift 2 ;;
    --out) out_dir=$2; shift 2 ;;
    --revocations) revocations=$2; shift 2 ;;
    --soak) soak=$2; shift 2 ;;
    --instructions) instructions=1; shift ;;
    --quick) rounds=1; duration=3; warmup=10; warmup_per_arm=1; settle=1; shift ;;
    --keep) keep_run=1; shift ;;
    --dotnet-env)
      [[ ${2:-} =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || { echo "--dotnet-env takes NAME=VALUE" >&2; exit 2; }
      dotnet_env+=("$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

for number in "$duration" "$rounds" "$connections" "$cold_tokens"; do
  [[ $number =~ ^[0-9]+$ ]] && [ "$number" -gt 0 ] || { echo "not a positive whole number: $number" >&2; exit 2; }
done
for number in "$warmup" "$settle" "$soak" "$revocations"; do
  [[ $number =~ ^[0-9]+$ ]] || { echo "not a whole number of seconds: $number" >&2; exit 2; }
done
IFS=, read -r -a arms <<<"$arms_list"
for arm in "${arms[@]}"; do
  [ -n "${title[$arm]+set}" ] || { echo "unknown arm: $arm (arms: $(IFS=,; echo "${all_arms[*]}"))" >&2; exit 2; }
  [ "$instructions" -eq 0 ] || [ "$arm" != nginx ] || { echo "--instructions counts .NET servers only: leave out the nginx arm" >&2; exit 2; }
done

# --- tools ---------------------------------------------------------------------------------------
nginx_bin=$(command -v nginx || true)
[ -n "$nginx_bin" ] || [ ! -x /usr/sbin/nginx ] || nginx_bin=/usr/sbin/nginx
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -n "$nginx_bin" ] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
command -v taskset >/dev/null || missing+=(util-linux)
[ "$instructions" -eq 0 ] || command -v callgrind_control >/dev/null || missing+=(valgrind)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${missing[*]}; install them (apt-get install -y ${missing[*]}) or run as root" >&2
    exit 1
  fi
  echo "== installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
fi
if [ "$(nproc)" -lt 2 ]; then
  echo "needs at least 2 CPUs (the proxy on CPU 0, wrk and the backend on CPU 1); this process may use $(nproc)" >&2
  exit 1
fi
clock_ticks=$(getconf CLK_TCK)

# --- build ---------------------------------------------------------------------------------------
echo "== building (Release)"
for project in src/AuthProxy bench/BareYarp bench/BenchTokens; do
  build_output=$(dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1) || { echo "$build_output" >&2; exit 1; }
done
authproxy_dll=$root/src/AuthProxy/bin/Release/net10.0/AuthProxy.dll
bareyarp_dll=$root/bench/BareYarp/bin/Release/net10.0/BareYarp.dll
tokens_dll=$root/bench/BenchTokens/bin/Release/net10.0/BenchTokens.dll
lua=$root/bench/hotpath/requests.lua

# --- processes -----------------------------------------------------------------------------------
run=$(mktemp -d "${TMPDIR:-/tmp}/authproxy-hotpath.XXXXXX")
started=()
cleanup() {
  local pid
  for pid in "${started[@]+"${started[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started[@]+"${started[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$keep_run" -eq 0 ]; then rm -rf "$run"; else echo "logs kept in $run" >&2; fi
}
trap cleanup EXIT
fail() { echo "hotpath: $*" >&2; keep_run=1; exit 1; }

# A loopback port no socket uses now, below the ephemeral range (where ports picked by the kernel
# for other programs' listeners and connections come from).
ephemeral_low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
  local port
  while :; do
    port=$(shuf -i 10000-$((ephemeral_low - 1)) -n 1)
    if command -v ss >/dev/null; then
      [ -n "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ] || { echo "$port"; return; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return
    fi
  done
}

# The process and its direct children (nginx's workers).
process_tree() {
  local pid=$1
  echo "$pid"
  cat /proc/"$pid"/task/*/children 2>/dev/null | tr ' ' '\n' | sed '/^$/d' || true
}

# utime and stime of the tree, in clock ticks, and its threads' context switches (voluntary and not).
cpu_ticks() {
  local user=0 kernel=0 switches=0 pid stat fields
  for pid in $(process_tree "$1"); do
    stat=$(<"/proc/$pid/stat") || continue
    read -r -a fields <<<"${stat##*) }"
    user=$((user + fields[11]))
    kernel=$((kernel + fields[12]))
    switches=$((switches + $(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches:/ { n += $2 } END { print n + 0 }')))
  done
  echo "$user $kernel $switches"
}

# CPU 0's busy and total ticks (/proc/stat), to tell how much of it other processes took.
cpu0_ticks() {
  awk '$1 == "cpu0" { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat
}

rss_kb() {
  local total=0 pid kb
  for pid in $(process_tree "$1"); do
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

stop_process() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=()
  for i in "${started[@]}"; do [ "$i" = "$pid" ] || kept+=("$i"); done
  started=("${kept[@]+"${kept[@]}"}")
}

# Waits until URL answers anything over HTTP, while PID lives.
wait_listening() {
  local pid=$1 url=$2 log=$3 i
  # Under valgrind a .NET server takes a minute or more to start.
  for i in $(seq 1 $((instructions ? 3000 : 300))); do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "the process behind $url exited"; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" = 000 ] || return 0
    sleep 0.1
  done
  cat "$log" >&2
  fail "$url did not answer within $((instructions ? 300 : 30)) s"
}

nginx_temp_paths() {
  local dir=$1
  local kind
  for kind in client_body proxy fastcgi uwsgi scgi; do echo "  ${kind}_temp_path $dir/${kind};"; done
}

start_nginx() { # NAME CPU PORT SERVER_BLOCK → sets server_pid
  local name=$1 cpu=$2 port=$3 server=$4
  local dir=$run/$name
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
$(nginx_temp_paths "$dir")
  keepalive_requests 1000000;
  keepalive_timeout 300s;
$server
}
EOF
  taskset -c "$cpu" "$nginx_bin" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  server_pid=$!
  started+=("$server_pid")
  wait_listening "$server_pid" "http://127.0.0.1:$port/" "$dir/error.log"
}

# --- backend -------------------------------------------------------------------------------------
backend_port=$(free_port)
backend_body='{"version":{"edition":"bench","api":"v2"},"error":false,"message":"","results":[{"ok":true}]}'
echo "== nginx backend on 127.0.0.1:$backend_port (CPU 1)"
start_nginx backend 1 "$backend_port" "  server {
    listen 127.0.0.1:$backend_port;
    default_type application/json;
    location / { return 200 '$backend_body'; }
  }"
backend_pid=$server_pid

# --- keys and tokens -----------------------------------------------------------------------------
audience=authproxy-bench
subject=bench
graph=social
declare -A issuer=([hs256]=https://hs.bench.example [rs256]=https://rsa.bench.example [es256]=https://ec.bench.example)
declare -A signing_key=([hs256]=hmac.secret [rs256]=rsa.key [es256]=ec.key)
declare -A alg=([hs256]=HS256 [rs256]=RS256 [es256]=ES256)

mkdir -p "$cache"
chmod 700 "$cache"
if [ ! -s "$cache/rsa.pub.pem" ] || [ ! -s "$cache/ec.pub.pem" ] || [ ! -s "$cache/hmac.secret" ]; then
  echo "== making keys in $cache"
  rm -f "$cache"/*.txt
  (umask 077
   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$cache/rsa.key" 2>/dev/null
   openssl pkey -in "$cache/rsa.key" -pubout -out "$cache/rsa.pub.pem"
   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$cache/ec.key"
   openssl pkey -in "$cache/ec.key" -pubout -out "$cache/ec.pub.pem"
   head -c 48 /dev/urandom | base64 -w0 >"$cache/hmac.secret")
fi

tokens_file() { # FAMILY COUNT → path, made when missing or older than 7 days
  local family=$1 count=$2
  local file=$cache/$family-$count.txt
  if [ -z "$(find "$file" -mtime -7 2>/dev/null)" ]; then
    echo "== making $count ${alg[$family]} token(s)" >&2
    dotnet "$tokens_dll" "${alg[$family]}" "$cache/${signing_key[$family]}" "${issuer[$family]}" "$audience" \
      "$subject" "$graph" $((14 * 86400)) "$count" "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}

declare -A arm_tokens=()
for arm in "${arms[@]}"; do
  case $arm in
    hs256|rs256|es256) arm_tokens[$arm]=$(tokens_file "$arm" 1) ;;
    rs256-revoked|rs256-limited) arm_tokens[$arm]=$(tokens_file rs256 1) ;;
    *-cold) arm_tokens[$arm]=$(tokens_file "${arm%-cold}" "$cold_tokens") ;;
  esac
done

# --- the servers under test (CPU 0) --------------------------------------------------------------
authproxy_dir=$run/authproxy
mkdir -p "$authproxy_dir"
cat >"$authproxy_dir/routes.json" <<EOF
{
  "ReverseProxy": {
    "Routes": {
      "public": { "ClusterId": "backend", "AuthorizationPolicy": "anonymous", "Match": { "Path": "/public/{graph}/{query}" } },
      "query": { "ClusterId": "backend", "AuthorizationPolicy": "graph-read", "Match": { "Path": "/restpp/query/{graph}/{query}" } },
      "limited": { "ClusterId": "backend", "AuthorizationPolicy": "graph-read-limited", "Match": { "Path": "/limited/{graph}/{query}" } }
    },
    "Clusters": {
      "backend": { "Destinations": { "main": { "Address": "http://127.0.0.1:$backend_port/" } } }
    }
  },
  "AuthPolicies": {
    "graph-read": { "Schemes": [ "Bearer" ], "Graph": "route:graph", "Privileges": [ "READ_DATA" ], "ErrorStyle": "Restpp" },
    "graph-read-limited": { "Schemes": [ "Bearer" ], "Graph": "route:graph", "Privileges": [ "READ_DATA" ], "ErrorStyle": "Restpp",
      "RateLimit": { "Permits": 1000000, "Window": "00:00:01", "By": "user" }, "Concurrency": { "Max": 100000, "By": "user" } }
  }
}
EOF
cat >"$authproxy_dir/users.json" <<EOF
{ "Users": { "$subject": { "Graphs": { "$graph": [ "READ_DATA" ] } } } }
EOF

# The servers get a clean environment for what changes their behaviour (OTLP export, environment name).
server_env=(env -u OTEL_EXPORTER_OTLP_ENDPOINT -u ASPNETCORE_ENVIRONMENT -u DOTNET_ENVIRONMENT
  -u ASPNETCORE_URLS -u ASPNETCORE_HTTP_PORTS "${dotnet_env[@]+"${dotnet_env[@]}"}")
# AuthProxy runs with the runtime settings of its container image (the Dockerfile's ENV).
authproxy_env=(DOTNET_JitHostMaxSlabCache=0)
# What runs a .NET server under callgrind: JIT-compiled code is written where it runs (no
# write-xor-execute double mapping, which valgrind cannot follow) and checked for
# self-modification everywhere, and the GC reserves 512 MB instead of its default range, which
# valgrind's address space does not hold. Its first generation is held to 2 MB, so that a window
# holds many small collections rather than none or one large one.
counter=()
if [ "$instructions" -eq 1 ]; then
  counter=(valgrind --tool=callgrind --smc-check=all --error-limit=no --dump-line=no
    --callgrind-out-file="$run/callgrind.%p")
  server_env+=(DOTNET_TieredCompilation=0 DOTNET_EnableWriteXorExecute=0 DOTNET_GCHeapHardLimit=0x20000000 DOTNET_GCgen0size=0x200000)
  # With --keep, every window's counts stay in the run's folder, by instruction address, beside the
  # runtime's map of the compiled methods' addresses (perf-PID.map), for callgrind_annotate or a script.
  if [ "$keep_run" -eq 1 ]; then
    counter+=(--dump-instr=yes)
    server_env+=(DOTNET_PerfMapEnabled=3 DOTNET_PerfMapJitDumpPath="$run")
  fi
fi

start_authproxy() { # PORT LOG [DIR] → sets started_pid
  local port=$1 log=$2 dir=${3:-$authproxy_dir}
  (cd "$dir" && exec taskset -c 0 "${server_env[@]}" "${authproxy_env[@]}" "${counter[@]}" dotnet "$authproxy_dll" \
    --urls="http://127.0.0.1:$port" --contentRoot="$dir" --routes routes.json --Users=@users.json \
    --Security:JWT:HMAC:Secret=@"$cache/hmac.secret" \
    --Security:JWT:Issuer="${issuer[hs256]}" --Security:JWT:Audience="$audience" \
    --Security:JWT:Providers:rsa:Issuer="${issuer[rs256]}" --Security:JWT:Providers:rsa:Audiences:0="$audience" \
    --Security:JWT:Providers:rsa:Keys:0=@"$cache/rsa.pub.pem" \
    --Security:JWT:Providers:ec:Issuer="${issuer[es256]}" --Security:JWT:Providers:ec:Audiences:0="$audience" \
    --Security:JWT:Providers:ec:Keys:0=@"$cache/ec.pub.pem" \
    --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft=Warning \
    --Logging:LogLevel:AuthProxy.Tokens.RevocationList=Information \
    --AuthProxy:ShutdownTimeout=00:00:02) >>"$log" 2>&1 &
  started_pid=$!
  started+=("$started_pid")
  wait_listening "$started_pid" "http://127.0.0.1:$port/healthz" "$log"
}

start_bareyarp() { # PORT LOG → sets started_pid
  local port=$1 log=$2
  taskset -c 0 "${server_env[@]}" "${counter[@]}" dotnet "$bareyarp_dll" --urls="http://127.0.0.1:$port" \
    --Backend="http://127.0.0.1:$backend_port/" --Logging:LogLevel:Default=Warning >>"$log" 2>&1 &
  started_pid=$!
  started+=("$started_pid")
  wait_listening "$started_pid" "http://127.0.0.1:$port/" "$log"
}

start_nginx_proxy() { # PORT LOG → sets started_pid
  local port=$1 log=$2
  start_nginx proxy 0 "$port" "  upstream backend {
    server 127.0.0.1:$backend_port;
    keepalive 256;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }"
  started_pid=$server_pid
  cat "$run/proxy/error.log" >>"$log" 2>/dev/null || true
}

# The revoked server: AuthProxy on its own store, which holds $revocations revoked third-party
# tokens (keys "sig:" + base64 of 32 random bytes, as RevocationKeys writes them), added to its
# SQLite file after a first start made the schema. Its start-up is timed from launch to /healthz.
revoked_dir=$run/revoked
revoked_start_ms=
prepare_revoked() {
  [ -d "$revoked_dir" ] && return
  mkdir -p "$revoked_dir"
  cp "$authproxy_dir/routes.json" "$authproxy_dir/users.json" "$revoked_dir/"
  local port
  port=$(free_port)
  start_authproxy "$port" "$run/revoked-schema.log" "$revoked_dir"
  stop_process "$started_pid"
  echo "== writing $revocations revocations into the revoked server's store"
  python3 - "$revoked_dir/data/authproxy.db" "$revocations" <<'PY'
import base64, os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
now = int(time.time() * 1000)
later = now + 30 * 86400 * 1000
rows = (("sig:" + base64.b64encode(os.urandom(32)).decode(), later, now) for _ in range(int(sys.argv[2])))
db.executemany("INSERT INTO revocations (token_hash, expires_at, revoked_at) VALUES (?, ?, ?)", rows)
db.commit()
PY
}

# Which server each arm runs against, and the path it asks for.
server_of() {
  case $1 in
    nginx) echo nginx ;;
    bare) echo bare ;;
    *-revoked) echo revoked ;;
    *) echo authproxy ;;
  esac
}
arm_path() {
  case $1 in
    anon) echo "/public/$graph/q" ;;
    rs256-limited) echo "/limited/$graph/q" ;;
    *) echo "/restpp/query/$graph/q" ;;
  esac
}

declare -A pid_of=() port_of=()
declare -A cursor=() sent=() token_count=()
for arm in "${!arm_tokens[@]}"; do
  token_count[$arm]=$(wc -l <"${arm_tokens[$arm]}")
done

start_server() { # NAME
  local name=$1 port arm
  port=$(free_port)
  case $name in
    nginx) start_nginx_proxy "$port" "$run/$name.log" ;;
    bare) start_bareyarp "$port" "$run/$name.log" ;;
    authproxy) start_authproxy "$port" "$run/$name.log" ;;
    revoked)
      prepare_revoked
      local launched
      launched=$(date +%s%N)
      start_authproxy "$port" "$run/$name.log" "$revoked_dir"
      revoked_start_ms=$((($(date +%s%N) - launched) / 1000000))
      ;;
  esac
  pid_of[$name]=$started_pid
  port_of[$name]=$port
  # A new process has seen no token yet; each cold arm starts at a random line of its file.
  for arm in "${!arm_tokens[@]}"; do
    [ "$(server_of "$arm")" = "$name" ] || continue
    sent[$arm]=0
    cursor[$arm]=$(shuf -i 0-$((token_count[$arm] - 1)) -n 1)
  done
}

stop_server() { # NAME
  stop_process "${pid_of[$1]}"
  unset "pid_of[$1]"
}

arm_url() { echo "http://127.0.0.1:${port_of[$(server_of "$1")]}$(arm_path "$1")"; }

# Every arm must really pass: a refusal would measure the wrong thing.
check_arm() { # ARM
  local arm=$1 url auth=() status
  url=$(arm_url "$arm")
  [ -z "${arm_tokens[$arm]+set}" ] || auth=(-H "Authorization: Bearer $(head -n 1 "${arm_tokens[$arm]}")")
  status=$(curl -s -o "$run/check.body" -w '%{http_code}' "${auth[@]+"${auth[@]}"}" "$url" || true)
  if [ "$status" != 200 ]; then
    echo "arm $arm: $url answered $status:" >&2
    cat "$run/check.body" >&2
    cat "$run/$(server_of "$arm").log" >&2
    fail "arm $arm does not pass"
  fi
}

# Puts SECONDS of the arm's load on its server, wrk's output in FILE. A cold arm goes on in its
# file where its last load stopped, so the server keeps getting tokens it has not seen.
load_arm() { # ARM SECONDS FILE
  local arm=$1 seconds=$2 file=$3 url script_args=()
  url=$(arm_url "$arm")
  [ -z "${arm_tokens[$arm]+set}" ] || script_args=(-- "${arm_tokens[$arm]}" 1 "${cursor[$arm]}")
  taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" --timeout 5s -s "$lua" "$url" "${script_args[@]+"${script_args[@]}"}" >"$file"
  if [ -n "${arm_tokens[$arm]+set}" ]; then
    # wrk reports the requests completed; up to one more a connection was sent.
    local completed
    completed=$(awk '/ requests in / { print $1 }' "$file")
    sent[$arm]=$((sent[$arm] + ${completed:-0} + connections))
    cursor[$arm]=$(((cursor[$arm] + ${completed:-0} + connections) % token_count[$arm]))
  fi
}

# Warms a server up with all its arms in turn, 5 s each, until SECONDS have passed: .NET needs
# its hot code recompiled (tiered compilation, dynamic PGO) before its cost per request settles.
warm_server() { # NAME SECONDS
  local name=$1 seconds=$2 elapsed=0 arm mine=() slice
  for arm in "${arms[@]}"; do [ "$(server_of "$arm")" != "$name" ] || mine+=("$arm"); done
  while :; do
    for arm in "${mine[@]}"; do
      slice=$((seconds - elapsed < 5 ? seconds - elapsed : 5))
      [ "$slice" -ge 1 ] || slice=1
      load_arm "$arm" "$slice" "$run/warm.txt"
      elapsed=$((elapsed + slice))
    done
    [ "$elapsed" -lt "$seconds" ] || break
  done
}

# --- signature reference -------------------------------------------------------------------------
# OpenSSL's own verification on CPU 0 (.NET verifies through OpenSSL on Linux): what a cold arm
# cannot avoid paying.
declare -A signature_us=()
if printf '%s\n' "${arms[@]}" | grep -q -- '-cold$'; then
  echo "== OpenSSL's own verification cost, CPU 0"
  signature_us[rs256]=$(taskset -c 0 openssl speed -mr -seconds 2 rsa2048 2>/dev/null | awk -F: '/^\+F2:/ { printf "%.1f", 1e6 / $5 }')
  signature_us[es256]=$(taskset -c 0 openssl speed -mr -seconds 2 ecdsap256 2>/dev/null | awk -F: '/^\+F4:/ { printf "%.1f", 1e6 / $5 }')
  signature_us[hs256]=$(taskset -c 0 openssl speed -mr -seconds 2 -bytes 256 -hmac sha256 2>/dev/null | awk -F: '/^\+F:/ { printf "%.2f", 1e6 * 256 / $4 }')
fi

# --- one measured window ------------------------------------------------------------------------
# Bytes the .NET process has allocated since it started, from its own /metrics (AuthProxy only).
allocated_bytes() { # SERVER
  case $1 in
    authproxy|revoked) curl -s "http://127.0.0.1:${port_of[$1]}/metrics" | awk '/^dotnet_gc_heap_total_allocated_bytes_total/ { printf "%.0f", $2 }' ;;
  esac
}

results=$run/results.tsv
: >"$results"

# Under callgrind: the instructions the process runs from zero_counts to count_instructions, read
# from the dump callgrind writes when asked (its "totals:" line). A server also works when no
# request comes (timers, the store's change feed, Kestrel's heartbeat): under callgrind a window
# holds a hundredth of the requests it would, so that work weighs a hundred times more. Each
# window is therefore preceded by an idle one of the same server, and the idle rate, per second,
# is taken off the loaded window's count.
zero_counts() { # PID
  [ "$instructions" -eq 0 ] || callgrind_control -z "$1" >/dev/null 2>&1
}
count_instructions() { # PID → instructions since zero_counts
  [ "$instructions" -eq 1 ] || return 0
  local pid=$1 dump
  callgrind_control -d "$pid" >/dev/null 2>&1
  dump=$(ls -t "$run/callgrind.$pid".* 2>/dev/null | head -n 1)
  [ -n "$dump" ] || fail "callgrind wrote no counts for process $pid"
  awk '/^totals:/ { print $2 }' "$dump"
  [ "$keep_run" -eq 1 ] || rm -f "$dump"
}

measure_arm() { # ARM ROUND
  local arm=$1 round=$2 name pid
  name=$(server_of "$arm")
  pid=${pid_of[$name]}
  local before after cpu0_before cpu0_after
  local allocated_before allocated_after
  allocated_before=$(allocated_bytes "$name")
  cpu0_before=($(cpu0_ticks))
  local -a ticks_before ticks_after
  local idle_rate=0 idle_ns loaded_ns counted
  if [ "$instructions" -eq 1 ]; then
    idle_ns=$(date +%s%N)
    zero_counts "$pid"
    sleep "$((duration < 10 ? duration : 10))"
    counted=$(count_instructions "$pid")
    idle_rate=$(awk -v c="$counted" -v ns=$(($(date +%s%N) - idle_ns)) 'BEGIN { printf "%.0f", c * 1e9 / ns }')
  fi
  ticks_before=($(cpu_ticks "$pid"))
  loaded_ns=$(date +%s%N)
  zero_counts "$pid"
  load_arm "$arm" "$duration" "$run/wrk-$arm-$round.txt"
  counted=$(count_instructions "$pid")
  loaded_ns=$(($(date +%s%N) - loaded_ns))
  ticks_after=($(cpu_ticks "$pid"))
  cpu0_after=($(cpu0_ticks))
  before=$((ticks_before[0] + ticks_before[1]))
  after=$((ticks_after[0] + ticks_after[1]))
  allocated_after=$(allocated_bytes "$name")
  local rss
  rss=$(rss_kb "$pid")

  local measured requests rps errors
  measured=$(<"$run/wrk-$arm-$round.txt")
  requests=$(awk '/ requests in / { print $1 }' <<<"$measured")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$measured")
  errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/[^0-9 ]/, ""); for (i = 1; i <= NF; i++) n += $i } END { print n + 0 }' <<<"$measured")
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || { echo "$measured" >&2; fail "arm $arm: wrk completed no requests"; }
  local cpu_us user_us kernel_us switches
  cpu_us=$(awk -v t=$((after - before)) -v hz="$clock_ticks" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
  user_us=$(awk -v t=$((ticks_after[0] - ticks_before[0])) -v hz="$clock_ticks" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
  kernel_us=$(awk -v t=$((ticks_after[1] - ticks_before[1])) -v hz="$clock_ticks" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
  # A thread that exits during the window takes its count with it: then the window has no figure.
  switches=$(awk -v t=$((ticks_after[2] - ticks_before[2])) -v n="$requests" 'BEGIN { if (t < 0) print "-"; else printf "%.2f", t / n }')
  # A cold window is cold while its process has not been sent more tokens than the file holds.
  local wrapped=0
  [[ $arm != *-cold ]] || [ "${sent[$arm]}" -le "${token_count[$arm]}" ] || wrapped=1
  local others
  others=$(awk -v t=$((after - before)) -v busy=$((cpu0_after[0] - cpu0_before[0])) -v all=$((cpu0_after[1] - cpu0_before[1])) \
    'BEGIN { printf "%.0f", (all > 0 ? 100 * (busy - t) / all : 0) }')
  local bytes=-
  [ -z "$allocated_before" ] || [ -z "$allocated_after" ] || bytes=$(awk -v a="$allocated_before" -v b="$allocated_after" -v n="$requests" 'BEGIN { printf "%.0f", (b - a) / n }')
  local per_request=- raw=-
  if [ -n "$counted" ]; then
    raw=$(awk -v c="$counted" -v n="$requests" 'BEGIN { printf "%.0f", c / n }')
    per_request=$(awk -v c="$counted" -v idle="$idle_rate" -v ns="$loaded_ns" -v n="$requests" 'BEGIN { printf "%.0f", (c - idle * ns / 1e9) / n }')
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$arm" "$rps" "$requests" "$cpu_us" "$rss" "$errors" "$wrapped" "$others" "$bytes" \
    "$user_us" "$kernel_us" "$switches" "$per_request" "$raw" "$idle_rate" >>"$results"
  if [ "$instructions" -eq 1 ]; then
    printf '   %-12s %9s instructions/request (%s before the idle rate of %s a second is taken off)  %7.0f requests  %4d MB RSS%s\n' \
      "$arm" "$per_request" "$raw" "$idle_rate" "$requests" $((rss / 1024)) "$([ "$errors" -eq 0 ] || echo "  ($errors errors)")"
    return
  fi
  printf '   %-12s %9.0f req/s  %6.1f CPU µs/request (user %.1f, kernel %.1f, %s switches)  %4d MB RSS  %3d%% of CPU 0 used by others%s\n' "$arm" "$rps" "$cpu_us" \
    "$user_us" "$kernel_us" "$switches" $((rss / 1024)) "$others" "$([ "$errors" -eq 0 ] || echo "  ($errors errors)")"
}

# --- rounds --------------------------------------------------------------------------------------
servers=()
for arm in "${arms[@]}"; do
  name=$(server_of "$arm")
  printf '%s\n' "${servers[@]+"${servers[@]}"}" | grep -qx "$name" || servers+=("$name")
done
# nginx needs no warm-up to speak of; a .NET server gets --warmup seconds, and at least
# $warmup_per_arm an arm, since each arm's own code (RSA, ECDSA, the cold path) must be recompiled too.
server_warmup() {
  local name=$1 count=0 arm
  if [ "$name" = nginx ]; then echo $((warmup < 5 ? warmup : 5)); return; fi
  for arm in "${arms[@]}"; do [ "$(server_of "$arm")" != "$name" ] || count=$((count + 1)); done
  echo $((warmup > count * warmup_per_arm ? warmup : count * warmup_per_arm))
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$fresh" -eq 1 ]; then
  echo "== a fresh process per arm and round: ${warmup} s warm-up, then ${duration} s measured; $connections connections; load average $load_before"
else
  for name in "${servers[@]}"; do
    echo "== starting $name (CPU 0), warming it up for $(server_warmup "$name") s"
    start_server "$name"
    for arm in "${arms[@]}"; do [ "$(server_of "$arm")" != "$name" ] || check_arm "$arm"; done
    warm_server "$name" "$(server_warmup "$name")"
  done
  echo "== $rounds round(s): ${settle} s of each arm's load, then ${duration} s measured; $connections connections; load average $load_before"
fi
for round in $(seq 1 "$rounds"); do
  mapfile -t order < <(shuf -e "${arms[@]}")
  echo "-- round $round: ${order[*]}"
  for arm in "${order[@]}"; do
    name=$(server_of "$arm")
    if [ "$fresh" -eq 1 ]; then
      start_server "$name"
      check_arm "$arm"
      [ "$warmup" -eq 0 ] || load_arm "$arm" "$warmup" "$run/warm.txt"
    else
      [ "$settle" -eq 0 ] || load_arm "$arm" "$settle" "$run/warm.txt"
    fi
    measure_arm "$arm" "$round"
    [ "$fresh" -eq 0 ] || stop_server "$name"
  done
done
soak_rss=()
soak_arm=
if [ "$soak" -gt 0 ]; then
  for arm in rs256 "${arms[@]}"; do
    printf '%s\n' "${arms[@]}" | grep -qx -- "$arm" && [ "$(server_of "$arm")" = authproxy ] && { soak_arm=$arm; break; }
  done
  if [ -z "$soak_arm" ] || [ "$fresh" -eq 1 ]; then
    echo "note: --soak needs an AuthProxy arm and no --fresh; no soak run" >&2
  else
    echo "== soak: $soak minute(s) of $soak_arm, RSS every 30 s"
    for i in $(seq 1 $((soak * 2))); do
      load_arm "$soak_arm" 30 "$run/soak.txt"
      soak_rss+=($(($(rss_kb "${pid_of[authproxy]}") / 1024)))
      echo "   $((i * 30)) s: ${soak_rss[-1]} MB"
    done
  fi
fi
loaded_line=
[ ! -f "$run/revoked.log" ] || loaded_line=$(grep -o 'Loaded [0-9]* revocation(s) and block list entries in [0-9]* ms' "$run/revoked.log" | tail -n 1 || true)
for name in "${!pid_of[@]}"; do stop_server "$name"; done
for name in "${servers[@]}"; do
  lines=$(wc -l <"$run/$name.log")
  [ "$lines" -le 20 ] || echo "note: $name logged $lines lines at Warning and above; logging is part of what was measured" >&2
done

# --- report --------------------------------------------------------------------------------------
mkdir -p "$out_dir"
stamp=$(date +%Y-%m-%d)
kind=hotpath
[ "$instructions" -eq 0 ] || kind=instructions
report=$out_dir/$kind-$stamp.md
[ ! -e "$report" ] || report=$out_dir/$kind-$stamp-$(date +%H%M%S).md

summary=$(
  for arm in "${all_arms[@]}"; do
    printf '%s\n' "${arms[@]}" | grep -qx -- "$arm" || continue
    awk -F'\t' -v arm="$arm" -v sig="${signature_us[${arm%-cold}]:-}" '
      $2 == arm {
        n++
        if (best_cpu == "" || $5 < best_cpu) { best_cpu = $5; split_of_best = sprintf("%.1f / %.1f / %s", $11, $12, $13) }
        if ($3 > best_rps) best_rps = $3
        if ($6 > rss) rss = $6
        errors += $7; wrapped += $8
        if ($10 != "-" && (bytes == "" || $10 + 0 < bytes + 0)) bytes = $10
      }
      END { if (n) printf "%s\t%s\t%.0f\t%d\t%d\t%d\t%s\t%s\t%s\n", arm, best_cpu, best_rps, rss / 1024, errors, wrapped, (sig == "" ? "-" : sig), (bytes == "" ? "-" : bytes), split_of_best }
    ' "$results"
  done
)
anon_cpu=$(awk -F'\t' '$1 == "anon" { print $2 }' <<<"$summary")
bare_cpu=$(awk -F'\t' '$1 == "bare" { print $2 }' <<<"$summary")
anon_bytes=$(awk -F'\t' '$1 == "anon" { print $8 }' <<<"$summary")
rs256_cpu=$(awk -F'\t' '$1 == "rs256" { print $2 }' <<<"$summary")

# awk functions both reports use: the median of v[1..n], which it sorts in place.
median_awk='
  function sorted_median(v, n,    i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }'

# The counted run's report: per arm the median of its windows' instructions per request, and the
# paired ratios (each window against the anonymous route's and the bare app's of the same round).
instructions_report() {
  echo "# Hot path, instructions per request, $(date '+%Y-%m-%d %H:%M %Z')"
  echo
  echo "\`scripts/hotpath.sh --instructions --rounds $rounds --duration $duration --warmup $warmup --settle $settle$([ "$fresh" -eq 0 ] || echo ' --fresh') --connections $connections --cold-tokens $cold_tokens$(for e in "${dotnet_env[@]+"${dotnet_env[@]}"}"; do printf ' --dotnet-env %s' "$e"; done) --arms $(IFS=,; echo "${arms[*]}")\`"
  echo
  echo "- commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench scripts 2>/dev/null || echo ' (with local changes)')"
  echo "- .NET $(dotnet --version), $(valgrind --version); $(uname -sr)"
  echo "- each .NET server under callgrind on CPU 0 with tiered compilation off; wrk (1 thread, $connections connections) and the nginx backend on CPU 1"
  echo "- a window's figure: the instructions the whole server process ran during it (all its threads, the runtime's GC and JIT included, the kernel not), less what the same process ran idle for as long (measured just before), divided by the requests wrk completed"
  echo
  echo "| arm | instructions / request, median (range) | × AuthProxy anonymous, paired median (range) | × bare YARP, paired median (range) | over anonymous | windows |"
  echo "|---|---:|---:|---:|---:|---:|"
  for arm in "${all_arms[@]}"; do
    printf '%s\n' "${arms[@]}" | grep -qx -- "$arm" || continue
    awk -F'\t' -v arm="$arm" -v title="${title[$arm]}" "$median_awk"'
      $14 != "-" { count[$1, $2] = $14; seen[$1] = 1 }
      function paired(base, difference,    r, n, v, m) {
        n = 0
        for (r in seen) if (((r, arm) in count) && ((r, base) in count) && count[r, base] > 0)
          v[++n] = difference ? count[r, arm] - count[r, base] : count[r, arm] / count[r, base]
        if (n == 0) return ""
        m = sorted_median(v, n)
        return difference ? sprintf("%+.0f", m) : sprintf("%.3f (%.3f to %.3f)", m, v[1], v[n])
      }
      END {
        n = 0
        for (r in seen) if ((r, arm) in count) own[++n] = count[r, arm]
        if (n == 0) exit
        m = sorted_median(own, n)
        printf "| %s | %.0f (%.0f to %.0f) | %s | %s | %s | %d |\n", title, m, own[1], own[n], paired("anon", 0), paired("bare", 0), paired("anon", 1), n
      }
    ' "$results"
  done
  echo
  echo "Every window:"
  echo
  echo "| round | arm | instructions / request | before the idle rate is taken off | idle instructions / s | requests | requests/s under callgrind | RSS MB | errors |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %.0f | %d | %s |\n", $1, $2, $14, $15, $16, $4, $3, $6 / 1024, $7 }' "$results"
}

# The timed run's report.
timing_report() {
  echo "# Hot path load benchmark, $(date '+%Y-%m-%d %H:%M %Z')"
  echo
  echo "\`scripts/hotpath.sh --rounds $rounds --duration $duration --warmup $warmup --settle $settle$([ "$fresh" -eq 0 ] || echo ' --fresh') --connections $connections --cold-tokens $cold_tokens$(for e in "${dotnet_env[@]+"${dotnet_env[@]}"}"; do printf ' --dotnet-env %s' "$e"; done) --arms $(IFS=,; echo "${arms[*]}")\`"
  echo
  echo "- commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench scripts 2>/dev/null || echo ' (with local changes)')"
  echo "- $(nproc) CPUs: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); $(uname -sr); load average before the run: $load_before"
  echo "- .NET $(dotnet --version), $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
  echo "- proxy under test on CPU 0; wrk (1 thread, $connections connections) and the nginx backend on CPU 1"
  [ ${#dotnet_env[@]} -eq 0 ] || echo "- every .NET server (AuthProxy and the bare app) ran with: ${dotnet_env[*]}"
  if [ "$fresh" -eq 1 ]; then
    echo "- a fresh server process per arm and round, warmed up ${warmup} s with that arm's load, then ${duration} s measured"
  else
    echo "- each server started once and warmed up with its arms in turn ($(for name in "${servers[@]}"; do printf '%s %s s, ' "$name" "$(server_warmup "$name")"; done | sed 's/, $//')); each arm then gets ${settle} s of its own load before each ${duration} s measured window"
  fi
  echo "- best of $rounds shuffled round(s): lowest CPU µs/request, highest requests/s; RSS the largest after any round"
  echo
  echo "| arm | CPU µs / request | user / kernel µs, switches / request | × AuthProxy anonymous | × bare YARP | over anonymous, µs | requests/s | RSS MB | allocated B / request | over anonymous, B |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r arm cpu rps rss errors wrapped sig bytes split; do
    [ -n "$arm" ] || continue
    awk -v title="${title[$arm]}" -v cpu="$cpu" -v rps="$rps" -v rss="$rss" -v anon="$anon_cpu" -v bare="$bare_cpu" -v errors="$errors" \
      -v bytes="$bytes" -v anon_bytes="${anon_bytes:--}" -v parts="$split" '
      function ratio(base) { return base == "" ? "" : sprintf("%.2f", cpu / base) }
      BEGIN {
        over = anon == "" ? "" : sprintf("%+.1f", cpu - anon)
        over_bytes = bytes == "-" || anon_bytes == "-" ? "" : sprintf("%+d", bytes - anon_bytes)
        note = errors > 0 ? " (" errors " errors)" : ""
        printf "| %s%s | %.1f | %s | %s | %s | %s | %.1fk | %d | %s | %s |\n", title, note, cpu, parts, ratio(anon), ratio(bare), over, rps / 1000, rss, (bytes == "-" ? "" : bytes), over_bytes
      }'
  done <<<"$summary"
  revoked_cpu=$(awk -F'\t' '$1 == "rs256-revoked" { print $2 }' <<<"$summary")
  if [ -n "$revoked_cpu" ]; then
    echo
    echo "Revocations at scale: the rs256-revoked arm's AuthProxy held $revocations revoked third-party tokens."
    [ -z "$loaded_line" ] || echo "It logged at start: \"$loaded_line\"; from launch to answering /healthz took ${revoked_start_ms} ms."
    [ -z "$rs256_cpu" ] || echo "Its hot RS256 request cost $(awk -v a="$revoked_cpu" -v b="$rs256_cpu" 'BEGIN { printf "%.2f", a / b }')× the same arm on an AuthProxy holding none (RSS: see the table)."
  fi
  if [ ${#soak_rss[@]} -gt 0 ]; then
    echo
    echo "Soak: $soak minute(s) more of the $soak_arm arm's load on the same process; RSS every 30 s, in MB: ${soak_rss[*]}."
  fi
  if [ ${#signature_us[@]} -gt 0 ]; then
    echo
    echo "OpenSSL's own verification on CPU 0 (\`openssl speed\`), what a cold token cannot avoid:"
    echo "RS256 (RSA 2048) ${signature_us[rs256]:-?} µs, ES256 (P-256) ${signature_us[es256]:-?} µs, HMAC-SHA256 of 256 bytes ${signature_us[hs256]:-?} µs."
    echo "Cold arms cycle through $cold_tokens distinct tokens; each load goes on in the file where the last one stopped, so a server is not sent a token twice until it has been sent them all."
    if awk -F'\t' '$6 > 0 { found = 1 } END { exit !found }' <<<"$summary"; then
      echo "Windows marked \"tokens reused\" below came after their server had been sent every token once: they stay cold for a"
      echo "verified-token cache holding fewer than $cold_tokens tokens; for a larger one, raise --cold-tokens."
    fi
  fi
  echo
  echo "Every round:"
  echo
  echo "| round | arm | CPU µs / request | user µs | kernel µs | context switches / request | requests/s | requests | RSS MB | errors | CPU 0 used by others | allocated B / request |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '{ printf "| %s | %s%s | %s | %s | %s | %s | %.0f | %s | %d | %s | %s%% | %s |\n", $1, $2, ($8 > 0 ? " (tokens reused)" : ""), $5, $11, $12, $13, $3, $4, $6 / 1024, $7, $9, $10 }' "$results"
  if [ "$rounds" -gt 1 ] && { [ -n "$anon_cpu" ] || [ -n "$bare_cpu" ]; }; then
    echo
    echo "Paired ratios: each arm against the anonymous route and the bare app measured in the same round (a"
    echo "minute apart at most), the median over the rounds, with the lowest and highest. Slow drift of a shared"
    echo "machine moves the arms of one round together, so these are steadier than ratios of the best rounds."
    echo
    echo "The user-time columns compare the CPU time spent in the process's own code alone (\`utime\`): the"
    echo "kernel's share (socket calls, and the scheduling that each context switch costs) moves with how the"
    echo "threads hand work to each other, which differs from one process and one minute to the next."
    echo
    echo "| arm | × AuthProxy anonymous, median (range) | × bare YARP, median (range) | user time × anonymous | user time × bare YARP |"
    echo "|---|---:|---:|---:|---:|"
    for arm in "${all_arms[@]}"; do
      printf '%s\n' "${arms[@]}" | grep -qx -- "$arm" || continue
      awk -F'\t' -v arm="$arm" -v title="${title[$arm]}" "$median_awk"'
        { cpu[$1, $2] = $5; user[$1, $2] = $11; seen[$1] = 1 }
        function paired(base, only_user,    r, n, v, m) {
          n = 0
          for (r in seen) if (((r, arm) in cpu) && ((r, base) in cpu) && cpu[r, base] > 0 && user[r, base] > 0)
            v[++n] = only_user ? user[r, arm] / user[r, base] : cpu[r, arm] / cpu[r, base]
          if (n == 0) return ""
          m = sorted_median(v, n)
          return sprintf("%.2f (%.2f to %.2f)", m, v[1], v[n])
        }
        END { printf "| %s | %s | %s | %s | %s |\n", title, paired("anon", 0), paired("bare", 0), paired("anon", 1), paired("bare", 1) }
      ' "$results"
    done
  fi
}

if [ "$instructions" -eq 1 ]; then
  instructions_report >"$report"
else
  timing_report >"$report"
fi

echo
cat "$report"
echo
echo "== written to ${report#"$root"/}"
if awk -F'\t' '$5 > 0 { found = 1 } END { exit !found }' <<<"$summary"; then
  echo "hotpath: some arms had non-2xx answers or socket errors; their numbers are not comparable" >&2
  exit 1
fi
