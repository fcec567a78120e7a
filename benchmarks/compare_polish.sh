#!/usr/bin/env bash
# GroupPolish's cost before and after a change, in one script run: GroupPolishBenchmarks (group-Lasso batches on
# cpu and cd, the polish on and off) built from BEFORE (a commit that has the benchmark) and from this work tree,
# run back to back with the same BenchmarkDotNet job; prints both tables (benchmarks/RESULTS.md, "GroupPolish cost").
#   benchmarks/compare_polish.sh BEFORE [BenchmarkDotNet arguments ...]   (default job: 2 warmups, 7 iterations)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
before=${1:?usage: compare_polish.sh BEFORE-COMMIT [BenchmarkDotNet arguments]}
shift
job=("$@")
[ ${#job[@]} -gt 0 ] || job=(--launchCount 1 --warmupCount 2 --iterationCount 7)
work=$(mktemp -d /tmp/compare_polish.XXXXXX)
git clone -q "$root" "$work/before"
git -C "$work/before" checkout -q "$before"
for tree in "$work/before" "$root"; do
  dotnet build "$tree/benchmarks/GpuSparse.Benchmarks" -c Release -v quiet -nologo >/dev/null
done
for side in before after; do
  tree=$root
  [ "$side" = before ] && tree=$work/before
  echo "## $side ($(git -C "$tree" rev-parse --short HEAD)$( [ "$side" = after ] && ! git -C "$tree" diff --quiet HEAD && echo ' + uncommitted'))"
  (cd "$tree/benchmarks/GpuSparse.Benchmarks" && dotnet bin/Release/net10.0/GpuSparse.Benchmarks.dll \
    --filter '*GroupPolishBenchmarks*' --artifacts "$work/$side" "${job[@]}" >"$work/$side.log" 2>&1)
  grep -h '^// \(cpu\|cd\) ' "$work/$side.log" | sort -u
  cat "$work/$side/results/"*GroupPolishBenchmarks-report-github.md
done
echo "logs in $work" >&2
