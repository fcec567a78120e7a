#!/usr/bin/env bash
# Side by side in one run: scikit-learn (Debian packages, shared/peers/time_peers.py) and GpuSparse's
# BenchmarkDotNet rows on the same portable-generator workloads; writes benchmarks/RESULTS.md.
#   benchmarks/compare_peers.sh [SHARED_DIR]      (default: ../shared relative to the repository root)
# Environment: WITH_GLMNET=1 also times R glmnet (slow); SETS= the peer sets (default the three batch sets).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "${1:-$root/../shared}" && pwd)
sets=${SETS:-K1000_n64_p32,K10000_n64_p32,K100_n500_p200}
command="benchmarks/compare_peers.sh${1:+ $1}"

apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-sklearn python3-scipy r-base-core r-cran-glmnet >/dev/null

# time_peers.py writes results/ next to itself: run a copy so that the shared folder stays read-only.
work=$(mktemp -d /tmp/compare_peers.XXXXXX)
cp -r "$shared/peers" "$work/peers"
# Its contention guard waits (up to 30 min per row) for an idle machine; this machine is shared by other
# engineers, so the wait is skipped and contention is reported per row instead (busy / foreign cores).
# Debian's reference BLAS, named explicitly: once libopenblas0-pthread is installed (compare_sweeps.sh does) it is
# the system's default libblas.so.3.
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas /usr/bin/python3 - "$work/peers" "$sets" ${WITH_GLMNET:+glmnet} <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import time_peers
time_peers.wait_quiet = lambda *a, **k: 0.0
sys.argv = ["time_peers.py", "--label", "compare", "--sets", sys.argv[2]] + ([] if len(sys.argv) > 3 else ["--sklearn-only"])
time_peers.main()
PY

cd "$root"
rm -rf BenchmarkDotNet.Artifacts
GPUSPARSE_BENCH_WORKLOADS="$sets" GPUSPARSE_BENCH_BACKENDS=${BACKENDS:-cd} \
  dotnet run --project benchmarks/GpuSparse.Benchmarks -c Release -- --filter '*' --job short --inProcess --exporters csv \
  | tee "$work/bench.log"

/usr/bin/python3 benchmarks/compare_table.py "$work/peers/results/timings_compare.json" \
  BenchmarkDotNet.Artifacts/results/GpuSparse.Benchmarks.BatchSolveBenchmarks-report.csv "$command" > benchmarks/RESULTS.md
echo "wrote benchmarks/RESULTS.md (peer log and BenchmarkDotNet log in $work)"
