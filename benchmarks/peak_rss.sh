#!/usr/bin/env bash
# Peak resident memory of one batch solve per backend, each in a fresh process (BenchmarkDotNet's memory diagnoser
# counts allocations, not resident pages): K Lasso problems of n × p (default 100,000 of 64 × 32, 1.6 GB of float64
# input) generated in process straight into the batch's arrays; prints one Markdown table.
#   benchmarks/peak_rss.sh [K [n p]]        (BACKENDS="cd reference" by default; "cpu" is the ILGPU CPU accelerator)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet build benchmarks/GpuSparse.Benchmarks -c Release -v quiet -nologo >/dev/null
harness=benchmarks/GpuSparse.Benchmarks/bin/Release/net10.0/GpuSparse.Benchmarks.dll
first=1
for backend in ${BACKENDS:-cd reference}; do
  # The harness prints a header and one row; the header once.
  if [ $first = 1 ]; then dotnet "$harness" peak-rss "$backend" "${@:-100000}"; first=0
  else dotnet "$harness" peak-rss "$backend" "${@:-100000}" | tail -n 1; fi
done
