#!/usr/bin/env bash
# CI smoke of the benchmarks: every benchmark case on the smallest workload, one invocation each
# (BenchmarkDotNet's Dry job, in process): checks that they build, run and report accuracy; no timing value.
set -euo pipefail
cd "$(dirname "$0")/.."
GPUSPARSE_BENCH_WORKLOADS=K1000_n64_p32 GPUSPARSE_BENCH_SWEEP_SETS=diabetes_442x10 dotnet run --project benchmarks/GpuSparse.Benchmarks -c Release -- --filter '*' --job Dry --inProcess
