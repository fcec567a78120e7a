#!/usr/bin/env bash
# Peak resident memory (VmHWM, from /usr/bin/time -v) of `gpusparse solve` on a (K, n, p) float64 X on disk, read and
# solved in windows with results streamed to the files: K problems of n × p (default 64 × 32), 1000 distinct problems
# repeated. The inputs go to a scratch folder in ${TMPDIR:-/tmp} only when its disk holds them twice over; they and the
# results are deleted afterwards. Prints one Markdown row per K:
#   benchmarks/stream_rss.sh K... [-- n p]          (BACKEND=cd by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=() n=64 p=32
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then n=$2 p=$3; break; fi
  sizes+=("$1"); shift
done
dotnet build "$root/src/GpuSparse.Cli" -c Release -v quiet -nologo >/dev/null
cli=$(ls "$root"/src/GpuSparse.Cli/bin/Release/net*/GpuSparse.Cli | head -1)
echo "| K | n × p | X on disk | backend | wall s | solve s | problems/s (wall) | peak RSS | result arrays (coef + intercept) |"
echo "|---:|---|---:|---|---:|---:|---:|---:|---:|"
for k in "${sizes[@]}"; do
  bytes=$(( k * (n * p + n + 1) * 8 ))
  free=$(( $(df --output=avail -B1 "${TMPDIR:-/tmp}" | tail -1) ))
  if [ $(( 2 * bytes )) -gt "$free" ]; then
    echo "| $k | $n × $p | $((bytes >> 20)) MiB | skipped: ${TMPDIR:-/tmp} has $((free >> 20)) MiB free | | | | | |"; continue
  fi
  work=$(mktemp -d "${TMPDIR:-/tmp}/gpusparse-rss-XXXXXX")
  trap 'rm -rf "$work"' EXIT
  python3 "$root/tests/slurm/make_inputs.py" "$work" "$k" "$n" "$p" 1000
  /usr/bin/time -v -o "$work/time.txt" "$cli" solve --x "$work/X.npy" --y "$work/y.npy" --alpha "$work/alpha.npy" \
    --backend "${BACKEND:-cd}" --format json --out "$work/out" >"$work/row.json" 2>"$work/stderr.txt"
  rss_kb=$(sed -nE 's/.*Maximum resident set size \(kbytes\): ([0-9]+).*/\1/p' "$work/time.txt")
  wall=$(sed -nE 's/.*Elapsed \(wall clock\) time.*: ([0-9:.]+)$/\1/p' "$work/time.txt" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  seconds=$(sed -nE 's/.*"seconds": ([0-9.eE+-]+).*/\1/p' "$work/row.json")
  awk -v k="$k" -v n="$n" -v p="$p" -v bytes="$bytes" -v backend="${BACKEND:-cd}" -v wall="$wall" -v solve="$seconds" -v rss="$rss_kb" \
    'BEGIN { printf "| %d | %d × %d | %.2f GB | %s | %.1f | %.1f | %.0f | %d MB | %d MB |\n", k, n, p, bytes / 1e9, backend, wall, solve, k / wall, rss / 1024, k * (p + 1) * 8 / 1e6 }'
  rm -rf "$work"
done
