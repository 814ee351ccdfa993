#!/usr/bin/env bash
# Runs every test in the solution and ends with one line: "tests: N passed, N failed".
# Installs what the tests need first; needs only the .NET SDK to start with.
set -uo pipefail
cd "$(dirname "$0")/.."

# The upstream TLS tests run OpenSSL's own server (openssl s_server) as a backend that refuses
# client certificates with TLS alerts.
if ! command -v openssl >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq openssl >/dev/null
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
