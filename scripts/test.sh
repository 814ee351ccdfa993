#!/usr/bin/env bash
# Runs every test in the solution and ends with one line: "tests: N passed, N failed".
# Installs what the tests need first; needs only the .NET SDK to start with.
set -uo pipefail
cd "$(dirname "$0")/.."

# What the tests need beyond the SDK, installed when missing (CI runs this as root on a fresh Debian
# machine): PostgreSQL's server binaries, for the store and replica tests (they start a private
# cluster of their own; nothing is configured system-wide); Prometheus, which evaluates the Grafana
# dashboard's queries; and openssl and curl, which the README's shell blocks use. Installed only
# when missing, so a second run installs nothing.
need=()
ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || need+=(postgresql)
command -v prometheus > /dev/null || need+=(prometheus)
command -v openssl > /dev/null || need+=(openssl)
command -v curl > /dev/null || need+=(curl)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
    echo "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
  else
    echo "missing: ${need[*]}; install them (apt-get install -y --no-install-recommends ${need[*]}) or run this as root;" \
      "the tests that use them fail without them" >&2
  fi
fi

results="$(pwd)/TestResults"
rm -rf "$results"

dotnet test AuthProxy.sln -c Release --nologo \
  --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results"
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run failed before or outside the tests (build error, crashed host): count it as a failure.
  failed=1
fi

echo "tests: ${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
