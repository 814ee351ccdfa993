#!/usr/bin/env bash
# Runs every test in the solution and ends with one line: "tests: N passed, N failed".
# Installs what the tests need first; needs only the .NET SDK to start with.
set -uo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL's server binaries, for the tests that run AuthProxy replicas on a real PostgreSQL
# (the tests start a private cluster of their own; nothing is configured system-wide).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing postgresql (Debian package) for the store tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL's server binaries are missing: run 'sudo apt-get install -y postgresql' first" >&2
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
