#!/usr/bin/env bash
# One prepared GPU run: on a machine with an NVIDIA GPU and nothing else prepared, finds (or installs) the .NET
# SDK, builds Release, runs the CUDA test binding and the GPU benchmarks, and writes ONE Markdown report
# ($OUT/REPORT.md when $OUT is set, else benchmarks/gpu/REPORT.md): date, device, driver, phases, tests and
# every target number. Hard limit of its own: $GPUSPARSE_RUN_LIMIT seconds (default 470, under 8 minutes);
# each phase is time-boxed, and the report is written whatever fails.
# Exit status: 0 all phases passed, 1 a phase failed or timed out, 2 no NVIDIA GPU (the report says so).
# GPUSPARSE_RUN_FORCE=1 runs the phases without a GPU too (the CUDA tests then skip): a dry run of the script;
# GPUSPARSE_RUN_BUNDLE=1 uses benchmarks/gpu/bin (see benchmarks/gpu/bundle.sh) even where an SDK is installed.
set -u -o pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

limit=${GPUSPARSE_RUN_LIMIT:-470}
started=$(date +%s)
deadline=$((started + limit))
out_dir=${OUT:-$repo/benchmarks/gpu}
mkdir -p "$out_dir"
report="$out_dir/REPORT.md"
work=$(mktemp -d /tmp/gpusparse-run.XXXXXX)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
status=0
phases=()      # "name|result|seconds|note" rows of the phase table
failures=()    # phase names whose log tail goes into the report

log() { echo "run.sh: $*" >&2; }

# Seconds a phase may take: its own budget, never past the script's deadline (10 s kept for the report).
budget() {
  local left=$((deadline - $(date +%s) - 10))
  [ "$left" -lt "$1" ] && echo $((left > 0 ? left : 0)) || echo "$1"
}

# phase NAME BUDGET_SECONDS COMMAND...: runs COMMAND time-boxed, its output in $work/NAME.log, and records the row.
phase() {
  local name=$1 seconds
  seconds=$(budget "$2")
  shift 2
  if [ "$seconds" -le 0 ]; then
    phases+=("$name|skipped|0|no time left of the ${limit} s limit")
    status=1
    return 1
  fi
  log "$name (at most ${seconds} s)"
  # a shell function runs in a child bash (exported with export -f), since timeout runs programs only
  declare -F "$1" >/dev/null && set -- bash -c '"$@"' _ "$@"
  local t0 rc
  t0=$(date +%s)
  timeout --kill-after=5 "$seconds" "$@" > "$work/$name.log" 2>&1
  rc=$?
  local took=$(($(date +%s) - t0))
  if [ "$rc" -eq 0 ]; then
    phases+=("$name|ok|$took|")
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    phases+=("$name|**timed out**|$took|limit ${seconds} s")
    failures+=("$name")
    status=1
  else
    phases+=("$name|**failed** (exit $rc)|$took|")
    failures+=("$name")
    status=1
  fi
  return "$rc"
}

skip() { phases+=("$1|skipped|0|$2"); }

# ---- the report, rewritten after every phase so that a kill at any point leaves a complete file ----------------
device_name="n/a"; driver="n/a"; cuda_version="n/a"; device_details=""
tests_summary="not run"; failed_tests=""
write_report() {
  {
    echo "# GPU run report"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
    echo "| host | $(hostname 2>/dev/null || echo n/a), $(nproc 2>/dev/null || echo '?') cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null) |"
    echo "| commit | $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo n/a) |"
    echo "| device | $device_name |"
    echo "| driver | $driver (CUDA $cuda_version) |"
    [ -n "$device_details" ] && echo "| device details | $device_details |"
    echo "| .NET SDK | ${sdk_version:-n/a} |"
    echo "| wall time | $(($(date +%s) - started)) s of the ${limit} s limit |"
    echo
    echo "## Phases"
    echo
    echo "| phase | result | seconds | note |"
    echo "|---|---|---:|---|"
    local row
    for row in "${phases[@]}"; do
      echo "| ${row//|/ | } |"
    done
    echo
    echo "## CUDA test binding"
    echo
    echo "\`dotnet test tests/GpuSparse.Tests -c Release --filter FullyQualifiedName~Cuda\`: $tests_summary"
    [ -n "$failed_tests" ] && { echo; echo '```'; echo "$failed_tests"; echo '```'; }
    echo
    echo "## Targets (issue 16)"
    echo
    echo "The rows of \`GpuTargetBenchmarks\` (one per target: time per solve or per call, problems/s, the goal and"
    echo "whether it is met) and \`ResidentSessionBenchmarks\` (warm call, bytes allocated). A target without a row was not measured."
    echo "The engine is the backend's default (\`DeviceEngine.Auto\`): the 64 × 32 rows run the warp-per-problem Gram CD kernel, the"
    echo "50 × 200 row on CUDA the block-per-problem register kernel (\`RegisterFistaKernel\`, X in registers, checks on-chip; its CUDA"
    echo "binding is \`IlgpuCudaRegisterAgreementTests\` above); on the CPU accelerator's default device it does not fit and runs the shared-memory block kernel."
    [ "${GPUSPARSE_BENCH_GPU_TARGETS:-}" = all ] || echo "**Scaled-down cases (no GPU: K = 32 and 8 on the ILGPU CPU accelerator): these rows only show that the script works; they are not the targets.**"
    echo
    echo "| target | goal | measured |"
    echo "|---|---|---|"
    target_row "Lasso 64 × 32 float64, gap ≤ 1e-6, host → host, K = 1,000,000" "≥ 1,000,000 problems/s" GpuTargetBenchmarks LassoHostToHost
    target_row "Lasso 64 × 32 float64, gap ≤ 1e-6, resident, K = 1,000,000" "≥ 10,000,000 problems/s" GpuTargetBenchmarks LassoResident
    target_row "Elastic net 50 × 200 float32, λ = 1e-3, l1_ratio 0.5, tol 1e-4, resident, K = 20,000" "≤ 20 ms" GpuTargetBenchmarks ElasticNetResident
    target_row "Share of the binding resource in the iteration kernels (resident targets: the cost model's demand over the least kernel time)" "≥ 60 %" GpuTargetBenchmarks "LassoResident ElasticNetResident" '^(kernel [(]min[)]|binding share)$'
    # the rows of the session's backend (BenchmarkDotNet writes the parameter as given: cuda, or cpu on a dry run), every engine
    local resident_backend=cpu
    [ "${GPUSPARSE_BENCH_GPU_TARGETS:-}" = all ] && resident_backend=cuda
    target_row "Resident session K = 1,000, warm call" "≤ 50 µs host overhead, 0 B allocated" ResidentSessionBenchmarks "$resident_backend"
    target_row "The warm call's fixed latencies, which the cost model assumes (launch 5 µs, copy 3 µs, wait 8 µs: 19 µs for one launch, two copies and one wait)" "(a calibration, no goal)" DeviceLatencyBenchmarks "LaunchAndWait UploadAndWait Wait Launches Uploads" '^(Mean|Error)$'
    echo
    echo "## BenchmarkDotNet tables"
    echo
    if ls "$work"/bdn/results/*-report-github.md >/dev/null 2>&1; then
      local table
      for table in "$work"/bdn/results/*-report-github.md; do
        echo "### $(basename "$table" -report-github.md)"
        echo
        cat "$table"
        echo
      done
    else
      echo "No benchmark ran."
      echo
    fi
    local name
    for name in "${failures[@]}"; do
      echo "## Log tail: $name"
      echo
      echo '```'
      tail -40 "$work/$name.log" 2>/dev/null
      echo '```'
      echo
    done
  } > "$report.tmp" && mv "$report.tmp" "$report"
}

# target_row TEXT GOAL CLASS KEY [COLUMNS]: the chosen cells (COLUMNS, a regular expression of column names; by default
# Engine, Mean, Error, problems/s, goal, met, kernel (min), binding share, Allocated) of the rows with a cell equal to KEY
# (or to any KEY of a space-separated list, each row then labelled with its KEY) in CLASS's BenchmarkDotNet table, else
# "not measured".
target_row() {
  local file measured="" columns=${5:-'^(Engine|Mean|Error|problems/s|goal|met|kernel [(]min[)]|binding share|Allocated)$'}
  for file in "$work"/bdn/results/*"$3"*-report-github.md; do
    [ -f "$file" ] || continue
    measured=$(awk -F'|' -v keys="$4" -v columns="$columns" '
      BEGIN { n = split(keys, key, " ") }
      /^\|/ && !header && /Method/ { for (i = 2; i < NF; i++) { h[i] = $i; gsub(/^ +| +$/, "", h[i]) } header = 1; next }
      /^\|/ && header {
        hit = ""
        for (i = 2; i < NF; i++) {
          cell[i] = $i; gsub(/\*\*/, "", cell[i]); gsub(/^ +| +$/, "", cell[i])
          for (k = 1; k <= n; k++) if (cell[i] == key[k]) hit = key[k]
        }
        if (hit == "") next
        row = ""
        for (i = 2; i < NF; i++) if (h[i] ~ columns) row = row (row == "" ? "" : ", ") h[i] " " cell[i]
        out = out (out == "" ? "" : "; ") (n > 1 ? hit ": " : "") row
      }
      END { print out }' "$file")
    [ -n "$measured" ] && break
  done
  echo "| $1 | $2 | ${measured:-not measured} |"
}

trap 'write_report; [ "${GPUSPARSE_RUN_KEEP:-0}" = 1 ] || rm -rf "$work"' EXIT

# ---- phase 1: the device ----------------------------------------------------------------------------------------
gpu=0
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L > "$work/nvidia-smi.log" 2>&1 && grep -q '^GPU ' "$work/nvidia-smi.log"; then
  gpu=1
  query=$(timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,pcie.link.gen.max,pcie.link.width.max,clocks.max.sm --format=csv,noheader 2>/dev/null | head -1)
  device_name=$(echo "$query" | cut -d, -f1 | sed 's/^ *//')
  driver=$(echo "$query" | cut -d, -f2 | sed 's/^ *//')
  device_details=$(echo "$query" | cut -d, -f3- | sed 's/^ *//; s/, */, PCIe gen /; s/, \([0-9]*\), /, ×\1, SM clock /')
  cuda_version=$(timeout 20 nvidia-smi 2>/dev/null | grep -o 'CUDA Version: [0-9.]*' | awk '{print $3}')
  phases+=("device|ok|0|$(grep -c '^GPU ' "$work/nvidia-smi.log") GPU(s)")
else
  device_name="no NVIDIA GPU (nvidia-smi $(command -v nvidia-smi >/dev/null 2>&1 && echo 'lists no device' || echo 'not found'))"
  phases+=("device|no NVIDIA GPU|0|")
  log "$device_name"
fi
write_report

if [ "$gpu" -eq 0 ] && [ "${GPUSPARSE_RUN_FORCE:-0}" != 1 ]; then
  for name in dotnet build tests benchmarks staging; do skip "$name" "no NVIDIA GPU"; done
  log "report skeleton written to $report"
  exit 2
fi

# ---- phase 2: the .NET SDK (global.json pins 10.0.100, latest feature band) --------------------------------------
find_dotnet() {
  local candidate
  for candidate in "$(command -v dotnet 2>/dev/null)" "${DOTNET_ROOT:-}/dotnet" "$HOME/.dotnet/dotnet" /usr/share/dotnet/dotnet /usr/lib/dotnet/dotnet; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && (cd "$repo" && "$candidate" --version >/dev/null 2>&1); then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
install_dotnet() {
  command -v apt-get >/dev/null 2>&1 || { echo "no dotnet SDK on PATH and no apt-get to install dotnet-sdk-10.0"; return 1; }
  [ "$(id -u)" -eq 0 ] || { echo "no dotnet SDK on PATH and not root: cannot apt-get install dotnet-sdk-10.0"; return 1; }
  apt-get update -qq && apt-get install -y -qq dotnet-sdk-10.0
}
export -f install_dotnet
# Offline machines (the lent H200 has no SDK and no network): benchmarks/gpu/bundle.sh, run where both exist,
# packs the runtime, the SDK's test runner and the Release builds into benchmarks/gpu/bin, carried along.
# unpacked inside the repository (ignored): BenchmarkDotNet refuses to run assemblies from a temp folder
export bundle="$repo/benchmarks/gpu/bin" unpacked="$repo/benchmarks/gpu/bin/unpacked"
unpack_bundle() {
  rm -rf "$unpacked" && mkdir -p "$unpacked" && tar -C "$unpacked" -xJf "$bundle/dotnet.tar.xz" && tar -C "$unpacked" -xJf "$bundle/app.tar.xz"
}
export -f unpack_bundle
mode=sdk
dotnet_bin=""
[ "${GPUSPARSE_RUN_BUNDLE:-0}" = 1 ] || dotnet_bin=$(find_dotnet || true)
if [ -z "$dotnet_bin" ] && [ -f "$bundle/dotnet.tar.xz" ] && [ -f "$bundle/app.tar.xz" ]; then
  if phase dotnet 90 unpack_bundle; then
    mode=bundle
    dotnet_bin="$unpacked/dotnet/dotnet"
    export DOTNET_ROOT="$unpacked/dotnet"
    phases[-1]="${phases[-1]%|*}|no SDK: the runtime and builds of benchmarks/gpu/bin (commit $(head -1 "$unpacked/app/commit"))"
  fi
elif [ -z "$dotnet_bin" ]; then
  phase dotnet 150 install_dotnet
  dotnet_bin=$(find_dotnet || true)
fi
if [ -z "$dotnet_bin" ]; then
  [ "${phases[-1]%%|*}" = dotnet ] || phases+=("dotnet|**failed**|0|")
  phases[-1]="${phases[-1]%|*}|no .NET SDK 10 found (PATH, \$DOTNET_ROOT, ~/.dotnet) and apt-get install dotnet-sdk-10.0 failed: run benchmarks/gpu/bundle.sh where the SDK is and carry benchmarks/gpu/bin"
  failures+=(dotnet)
  for name in build tests benchmarks staging; do skip "$name" "no .NET SDK"; done
  log "cannot find or install the .NET SDK 10; see $report"
  exit 1
fi
if [ "$mode" = bundle ]; then
  sdk_version="none: runtime $(ls "$unpacked/dotnet/shared/Microsoft.NETCore.App") from the bundle"
else
  sdk_version=$(cd "$repo" && "$dotnet_bin" --version 2>/dev/null)
  [ "${phases[-1]%%|*}" = dotnet ] || phases+=("dotnet|ok|0|$dotnet_bin")
fi
write_report

# ---- phase 3: build ----------------------------------------------------------------------------------------------
if [ "$mode" = bundle ]; then
  skip build "prebuilt in the bundle (commit $(head -1 "$unpacked/app/commit"))"
  tests_dll="$unpacked/app/tests/GpuSparse.Tests.dll"
  bench_dll="$unpacked/app/benchmarks/GpuSparse.Benchmarks.dll"
else
  if ! phase build 200 "$dotnet_bin" build "$repo/GpuSparse.sln" -c Release -nologo; then
    grep -qiE 'NU1301|Unable to load the service index|Name or service not known' "$work/build.log" \
      && phases[-1]="${phases[-1]%|*}|NuGet unreachable: run benchmarks/gpu/bundle.sh where it is reachable and carry benchmarks/gpu/bin"
    for name in tests benchmarks staging; do skip "$name" "build failed"; done
    exit 1
  fi
  bench_dll="$repo/benchmarks/GpuSparse.Benchmarks/bin/Release/net10.0/GpuSparse.Benchmarks.dll"
fi
write_report

# ---- phase 4: the CUDA test binding --------------------------------------------------------------------------------
if [ "$mode" = bundle ]; then
  phase tests 120 "$dotnet_bin" exec "$unpacked/vstest/vstest.console.dll" "$tests_dll" --TestCaseFilter:FullyQualifiedName~Cuda
else
  phase tests 120 "$dotnet_bin" test "$repo/tests/GpuSparse.Tests" -c Release --no-build --filter FullyQualifiedName~Cuda
fi
tests_summary=$(grep -E '(Passed|Failed)! +- +Failed: ' "$work/tests.log" | tail -1 | sed -E 's/^ *//')
[ -n "$tests_summary" ] || tests_summary="no summary (see the phase table)"
failed_tests=$(grep -E '^\s+Failed [A-Za-z]' "$work/tests.log" | head -30)
write_report

# ---- phase 5: the GPU benchmarks (in process, short jobs) --------------------------------------------------------
# Full-size targets only on a GPU (K = 1,000,000 needs ~17 GB of host memory); the scaled ones on a forced dry run.
[ "$gpu" -eq 1 ] && export GPUSPARSE_BENCH_GPU_TARGETS=all
# the cost model's demand on each resident target's binding resource (written with MODEL.md), for the binding-share column
export GPUSPARSE_MODEL_SHARES="$repo/benchmarks/gpu/SHARES.tsv"
phase benchmarks 300 "$dotnet_bin" "$bench_dll" --filter '*GpuTargetBenchmarks*' '*ResidentSessionBenchmarks*' '*DeviceLatencyBenchmarks*' \
  --job Short --inProcess --exporters GitHub --artifacts "$work/bdn"
write_report
# The host staging rows last, in what time is left: StagingBenchmarks declares its own job, which runs out of
# process and so needs the SDK (skipped with the bundle). The filter names the class exactly: ResidentStagingBenchmarks
# (host-side rows at K = 100,000) would match a wildcard and take the phase's whole budget.
if [ "$mode" = sdk ]; then
  phase staging 240 "$dotnet_bin" "$bench_dll" --filter 'GpuSparse.Benchmarks.StagingBenchmarks.*' --exporters GitHub --artifacts "$work/bdn"
else
  skip staging "StagingBenchmarks runs out of process: needs the SDK"
fi
log "report written to $report"
exit "$status"
