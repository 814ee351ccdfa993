#!/usr/bin/env bash
# Runs AuthProxy's benchmarks (BenchmarkDotNet) and prints each table with ratios to its baseline.
#   scripts/bench.sh                 # every benchmark, default job (several minutes)
#   scripts/bench.sh --job short     # quicker, noisier
#   scripts/bench.sh --filter '*TokenValidation*'
# Results (Markdown, CSV, HTML) land in BenchmarkDotNet.Artifacts/results.
set -euo pipefail
cd "$(dirname "$0")/.."

args=("$@")
if ! printf '%s\n' "${args[@]+"${args[@]}"}" | grep -q -- '--filter'; then
  args+=(--filter '*')
fi

dotnet run -c Release --project bench/AuthProxy.Benchmarks -- "${args[@]}"
