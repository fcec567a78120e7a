#!/usr/bin/env bash
# Side by side in one run: the peers' λ-sweep workloads (path100, cv5x100 of shared/peers/time_peers.py: scikit-learn
# lasso_path / LassoCV and R glmnet / cv.glmnet, Debian packages) and GpuSparse's SweepBenchmarks (BenchmarkDotNet);
# prints and writes a Markdown table: for every peer row, GpuSparse's fastest row at equal or better accuracy and the ratio.
#   benchmarks/compare_sweeps.sh [OUT.md] [SHARED_DIR]   (defaults: benchmarks/sweeps-compare.md, ../shared beside the repository)
# Environment: SETS= the data sets, comma-separated (default diabetes_442x10,synth_2000x500);
#   BACKENDS= GpuSparse backends (default cd; auto, reference, cpu, cuda); SKLEARN_ONLY=1 skips glmnet.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/benchmarks/sweeps-compare.md}")
shared=$(cd "${2:-$root/../shared}" && pwd)
sets=${SETS:-diabetes_442x10,synth_2000x500}
command="${SETS:+SETS=$SETS }${BACKENDS:+BACKENDS=$BACKENDS }${SKLEARN_ONLY:+SKLEARN_ONLY=1 }benchmarks/compare_sweeps.sh${1:+ $1}${2:+ $2}"
start=$SECONDS

apt-get update -qq
# r-cran-doparallel: time_glmnet.R's 2-core cv.glmnet row registers doParallel workers
apt-get install -y -qq --no-install-recommends python3-sklearn python3-scipy r-base-core r-cran-glmnet r-cran-doparallel >/dev/null

# time_peers.py writes results/ next to itself: run a copy so that the shared folder stays read-only.
work=$(mktemp -d /tmp/compare_sweeps.XXXXXX)
cp -r "$shared/peers" "$work/peers"
# Debian's reference BLAS, named explicitly: once libopenblas0-pthread is installed (below, or by an earlier run) it
# becomes the system's default libblas.so.3.
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas /usr/bin/python3 "$root/benchmarks/time_sweep_peers.py" "$work/peers" "$sets" \
  sweeps ${SKLEARN_ONLY:+--sklearn-only} | tee "$work/peers.log"
# scikit-learn again on OpenBLAS (shared/peers/time_peers.py's own recipe): its residual updates are BLAS calls,
# several times faster there on the larger set than on Debian's default reference BLAS.
apt-get install -y -qq --no-install-recommends libopenblas0-pthread >/dev/null
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 "$root/benchmarks/time_sweep_peers.py" \
  "$work/peers" "$sets" sweeps_openblas --sklearn-only | tee -a "$work/peers.log"

cd "$root"
rm -rf BenchmarkDotNet.Artifacts
GPUSPARSE_BENCH_SWEEP_SETS="$sets" GPUSPARSE_BENCH_BACKENDS=${BACKENDS:-cd} \
  dotnet run --project benchmarks/GpuSparse.Benchmarks -c Release -- --filter '*SweepBenchmarks*' --job short --inProcess --exporters csv \
  > "$work/bench.log"
grep -E '^\||// accuracy' "$work/bench.log"

mkdir -p "$(dirname "$out")"
/usr/bin/python3 benchmarks/compare_sweeps_table.py "$work/peers/results/timings_sweeps.json" \
  "$work/peers/results/timings_sweeps_openblas.json" \
  BenchmarkDotNet.Artifacts/results/GpuSparse.Benchmarks.Sweeps.SweepBenchmarks-report.csv "$command" | tee "$out"
echo "wrote $out in $((SECONDS - start)) s (peer log and BenchmarkDotNet log in $work)"
