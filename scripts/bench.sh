#!/usr/bin/env bash
# Runs AuthProxy's benchmarks (BenchmarkDotNet) and prints each table with ratios to its baseline.
#   scripts/bench.sh                 # every benchmark, default job (several minutes)
#   scripts/bench.sh --job short     # quicker, noisier
#   scripts/bench.sh --filter '*TokenValidation*'
#   scripts/bench.sh --load [hotpath options]   # the end-to-end load benchmark, scripts/hotpath.sh
# Results (Markdown, CSV, HTML) land in BenchmarkDotNet.Artifacts/results.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = --load ]; then
  shift
  exec bash scripts/hotpath.sh "$@"
fi

args=("$@")
if ! printf '%s\n' "${args[@]+"${args[@]}"}" | grep -q -- '--filter'; then
  args+=(--filter '*')
fi

dotnet run -c Release --project bench/AuthProxy.Benchmarks -- "${args[@]}"
