#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the files where a surviving mutant is a security hole. Slow:
# run by hand, never by CI. Prints the mutation score per file, writes Stryker's HTML and JSON
# reports under tests/mutation/out/ (not committed), and updates tests/mutation/scores.tsv (one line
# a file, from its latest run) and tests/mutation/survivors.md (the surviving mutants of that run).
#
#   scripts/mutate.sh                          every group, one after the other
#   scripts/mutate.sh --files path-guard       one group (see --list)
#   scripts/mutate.sh --files Users/PasswordVerifier.cs --tests 'FullyQualifiedName~RememberedPasswordTests'
#   scripts/mutate.sh --concurrency 1 --cpus 1 --files passwords,revocation
#
# Options:
#   --files LIST        comma-separated groups or files (relative to src/AuthProxy); default: every group
#   --tests FILTER      a VSTest filter of its own, in place of the groups' (needed for a file outside them)
#   --concurrency N     Stryker's parallel test runners (default 1: the tests start real servers)
#   --cpus LIST         pin Stryker and its test runners to these CPUs (taskset -c LIST); default: no pinning
#   --coverage MODE     Stryker's coverage analysis: perTest (default), all, off
#   --list              print the groups, their files and their tests, and stop
# Everything runs under nice -n 15. Needs the .NET SDK and jq (installed as root when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out_root="$root/tests/mutation"

# Each group: its files (under src/AuthProxy) and the test classes that exercise them. Tests that
# start processes of their own (ReplicaTests, the shell blocks, Prometheus) are left out: a mutant
# is switched on inside the test process only, and they are slow.
declare -A group_files group_tests
groups=(token-validation policy identity-headers path-guard passwords revocation signing-keys token-services)
group_files[token-validation]="Authentication/TokenValidator.cs Authentication/SignatureVerifier.cs Authentication/CompactJwsReader.cs Keys/KeyVerifiers.cs"
group_tests[token-validation]="TokenValidatorTests JsonWebTokenHandlerTests EnforcementTests KeyConfusionTests TokenFormatTests JwtBearerSchemeTests RevocationEncodingTests VerifiedTokenCacheTests NarrowingTests KeyProviderTests KeyUrlTests OperatorMessageTests KeyVerifiersTests"
group_files[policy]="Policy/AuthPolicyHandler.cs Policy/PolicyDecisionMiddleware.cs"
group_tests[policy]="PolicyDecisionTests EnforcementTests GraphTwinTests GraphBodyTwinTests NarrowingTests LenientJsonTests BodyTypeTests AccessLogTests RememberedDecisionTests JwtBearerSchemeTests"
group_files[identity-headers]="Forwarding/IdentityTransform.cs Forwarding/IdentityHeaders.cs Forwarding/StripHeadersTransform.cs Forwarding/StrippedHeaders.cs"
group_tests[identity-headers]="IdentityHeadersTests StripHeadersTransformTests StrippedHeadersTests HeaderStrippingTests StripListReadmeTests JwtBearerSchemeTests EnforcementTests GraphTwinTests"
group_files[path-guard]="Routing/PathGuard.cs Routing/PathGuardMiddleware.cs"
group_tests[path-guard]="PathGuardTests PathTrickTests"
group_files[passwords]="Users/PasswordVerifier.cs Users/CredentialCheck.cs Users/PasswordHash.cs"
group_tests[passwords]="RememberedPasswordTests PasswordHashTests UsersFileHashTests LoginThrottleTests ThrottlingTests EnforcementTests GridGainTokenTests"
group_files[revocation]="Tokens/RevocationList.cs Tokens/TokenRevoker.cs"
group_tests[revocation]="RevocationListTests RevocationEncodingTests RevocationRecordTests TokenLifecycleTests GsqlTokenTests GridGainTokenTests PersonalTokenTests VerifiedTokenCacheTests TelemetryTests"
group_files[signing-keys]="Tokens/SigningKeyRing.cs"
group_tests[signing-keys]="SigningKeysAtRestTests SigningKeyRotationTests SharedStoreKeyTests StoreConformanceTests TokenLifecycleTests"
group_files[token-services]="Tokens/Gsql/GsqlTokenService.cs Tokens/Gsql/GsqlSecretService.cs Tokens/GridGain/GridGainAuthService.cs Tokens/DataHub/PersonalTokenService.cs"
group_tests[token-services]="TelemetryTests SecondReviewFindingTests GsqlTokenTests GsqlTokenRefusalTests GsqlSecretPermissionTests GridGainTokenTests GridGainRevokePermissionTests PersonalTokenTests PersonalTokenPermissionTests TokenServiceBoundsTests SecretOracleTests"

files_arg="" tests_arg="" concurrency=1 cpus="" coverage=perTest list=0
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files_arg="$2"; shift 2 ;;
    --tests) tests_arg="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --cpus) cpus="$2"; shift 2 ;;
    --coverage) coverage="$2"; shift 2 ;;
    --list) list=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$list" -eq 1 ]; then
  for g in "${groups[@]}"; do
    printf '%s\n  files: %s\n  tests: %s\n' "$g" "${group_files[$g]}" "${group_tests[$g]}"
  done
  exit 0
fi

case "$concurrency" in ''|*[!0-9]*|0) echo "--concurrency must be a positive number" >&2; exit 2 ;; esac
case "$coverage" in perTest|all|off) ;; *) echo "--coverage must be perTest, all or off" >&2; exit 2 ;; esac

if ! command -v jq > /dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq > /dev/null
  else
    echo "missing: jq (apt-get install -y jq)" >&2; exit 2
  fi
fi

# What to mutate (files) and which tests to run (classes), in the order asked.
selected=()
if [ -z "$files_arg" ]; then
  selected=("${groups[@]}")
else
  IFS=',' read -r -a selected <<<"$files_arg"
fi

files=() classes=()
for item in "${selected[@]}"; do
  if [ -n "${group_files[$item]+x}" ]; then
    read -r -a more <<<"${group_files[$item]}"; files+=("${more[@]}")
    read -r -a more <<<"${group_tests[$item]}"; classes+=("${more[@]}")
  elif [ -f "src/AuthProxy/$item" ]; then
    files+=("$item")
    for g in "${groups[@]}"; do
      case " ${group_files[$g]} " in *" $item "*) read -r -a more <<<"${group_tests[$g]}"; classes+=("${more[@]}") ;; esac
    done
  else
    echo "not a group or a file under src/AuthProxy: $item (see --list)" >&2; exit 2
  fi
done

if [ -n "$tests_arg" ]; then
  filter="$tests_arg"
elif [ "${#classes[@]}" -gt 0 ]; then
  # ".Class." matches the class in whatever test folder (namespace) it lives.
  filter=$(printf '%s\n' "${classes[@]}" | sort -u | sed 's/^/FullyQualifiedName~./; s/$/./' | paste -sd '|')
else
  echo "no tests known for ${files[*]}: give them with --tests" >&2; exit 2
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
run_dir="$out_root/out/$stamp"
mkdir -p "$run_dir"
mutate_json=$(printf '%s\n' "${files[@]}" | sort -u | jq -R '"**/src/AuthProxy/" + .' | jq -s .)
jq -n --argjson mutate "$mutate_json" --arg filter "$filter" --arg coverage "$coverage" --argjson concurrency "$concurrency" '{
  "stryker-config": {
    "project": "AuthProxy.csproj",
    "test-projects": ["AuthProxy.Tests.csproj"],
    "configuration": "Release",
    "mutate": $mutate,
    "test-case-filter": $filter,
    "coverage-analysis": $coverage,
    "concurrency": $concurrency,
    "mutation-level": "Complete",
    "additional-timeout": 10000,
    "reporters": ["html", "json", "progress"],
    "ignore-methods": ["Log.*", "*Logger.Log*", "ArgumentNullException.ThrowIfNull", "*.ZeroMemory"],
    "thresholds": { "high": 100, "low": 90, "break": 0 }
  }
}' > "$run_dir/stryker-config.json"

echo "mutating: $(printf '%s ' "${files[@]}")"
echo "tests:    $filter"
echo "output:   $run_dir"

runner=(nice -n 15)
if [ -n "$cpus" ]; then
  runner+=(taskset -c "$cpus")
fi

dotnet tool restore > /dev/null
status=0
(cd tests/AuthProxy.Tests && "${runner[@]}" dotnet stryker --config-file "$run_dir/stryker-config.json" --output "$run_dir" --skip-version-check) \
  2>&1 | tee "$run_dir/stryker.log" || status=$?

report="$run_dir/reports/mutation-report.json"
if [ ! -f "$report" ]; then
  echo "no report was written (Stryker exited with $status); see $run_dir/stryker.log" >&2
  exit 1
fi

# Score per file: killed and timed-out mutants over every mutant that compiled and was not ignored.
commit=$(git rev-parse --short HEAD)
wanted=$(printf '%s\n' "${files[@]}" | sort -u | jq -R . | jq -s .)
per_file=$(jq -r --arg root "$root/src/AuthProxy/" --argjson wanted "$wanted" '
  .files | to_entries[] |
  (.key | ltrimstr($root)) as $file | select($wanted | index($file)) |
  [.value.mutants[].status] as $s |
  ($s | map(select(. == "Killed")) | length) as $killed |
  ($s | map(select(. == "Timeout")) | length) as $timeout |
  ($s | map(select(. == "Survived")) | length) as $survived |
  ($s | map(select(. == "NoCoverage")) | length) as $nocoverage |
  ($killed + $timeout + $survived + $nocoverage) as $valid |
  [$file, $killed, $timeout, $survived, $nocoverage,
   (if $valid == 0 then "n/a" else ((($killed + $timeout) * 1000 / $valid | floor) / 10 | tostring) end)] | @tsv' "$report")

echo
printf '%-44s %7s %8s %9s %11s %7s\n' file killed timeout survived no-coverage score
while IFS=$'\t' read -r file killed timeout survived nocoverage score; do
  printf '%-44s %7s %8s %9s %11s %6s%%\n' "$file" "$killed" "$timeout" "$survived" "$nocoverage" "$score"
done <<<"$per_file"

# scores.tsv keeps each file's latest run; survivors.md lists what survived in the latest run of each file.
scores="$out_root/scores.tsv"
[ -f "$scores" ] || printf 'file\tkilled\ttimeout\tsurvived\tno_coverage\tscore\tcommit\n' > "$scores"
{
  head -1 "$scores"
  tail -n +2 "$scores" | while IFS=$'\t' read -r file rest; do
    grep -qxF "$file" <(cut -f1 <<<"$per_file") || printf '%s\t%s\n' "$file" "$rest"
  done
  while IFS=$'\t' read -r line; do printf '%s\t%s\n' "$line" "$commit"; done <<<"$per_file"
} | { read -r header; echo "$header"; sort; } > "$scores.new"
mv "$scores.new" "$scores"

survivors_file="$out_root/survivors"
mkdir -p "$survivors_file"
jq -r --arg root "$root/src/AuthProxy/" --argjson wanted "$wanted" '.files | to_entries[] | (.key | ltrimstr($root)) as $file | select($wanted | index($file)) | [$file, ([.value.mutants[] | select(.status == "Survived" or .status == "NoCoverage")] | length | tostring)] | @tsv' "$report" |
while IFS=$'\t' read -r file count; do
  target="$survivors_file/$(tr '/' '.' <<<"$file").md"
  {
    echo "# Surviving mutants of src/AuthProxy/$file"
    echo
    echo "Run at commit $commit: $count survived or not covered. Each is killed by a test or listed in ../equivalent-mutants.md."
    echo
    jq -r --arg key "$root/src/AuthProxy/$file" '.files[$key].mutants[] | select(.status == "Survived" or .status == "NoCoverage") |
      "- line \(.location.start.line): \(.mutatorName) (\(.status)): `\(.replacement | gsub("\n"; " ") | .[0:160])`"' "$report"
  } > "$target"
done

echo
echo "HTML report: $run_dir/reports/mutation-report.html"
echo "scores: $scores; survivors: $survivors_file/"
exit "$status"
