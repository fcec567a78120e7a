#!/usr/bin/env bash
# Cold runs side by side: `gpusparse solve --backend cd --tol 1e-6` as a fresh process against scikit-learn's bare
# Cython coordinate-descent kernel as a fresh Python process, K = 10,000 Lasso problems of 64 × 32 (a 164 MB .npy
# from the shared portable generator), interleaved rounds; prints a Markdown table (benchmarks/RESULTS.md, "Cold runs").
#   benchmarks/compare_cold.sh [SHARED_DIR] [ROUNDS] [NAME=COMMAND ...]   (defaults: ../shared, 10 rounds)
# Each NAME=COMMAND adds a contender (e.g. another build of the CLI: "before=/path/to/GpuSparse.Cli").
# GpuSparse contenders: the build output as `dotnet build` makes it (what `dotnet run` runs), the same with the
# runtime's default tiering (what it was before; DOTNET_ variables override the runtimeconfig), and the `gpusparse`
# tool packed and installed from its .nupkg: as `dotnet tool install GpuSparse.Cli` installs it on linux-x64 (the
# precompiled GpuSparse.Cli.linux-x64 package) and the portable GpuSparse.Cli.any package other platforms get.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "${1:-$root/../shared}" && pwd)
rounds=${2:-10}
shift $(( $# < 2 ? $# : 2 ))
tol=1e-6

apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-sklearn python3-scipy >/dev/null

work=$(mktemp -d /tmp/compare_cold.XXXXXX)
cd "$root"
dotnet build src/GpuSparse.Cli -c Release -v quiet -nologo >/dev/null
dotnet pack src/GpuSparse.Cli -c Release -o "$work/feed" -v quiet -nologo >/dev/null
printf '<configuration><packageSources><clear /><add key="feed" value="%s" /></packageSources></configuration>\n' \
  "$work/feed" > "$work/nuget.config"
dotnet tool install GpuSparse.Cli --tool-path "$work/tool" --configfile "$work/nuget.config" >/dev/null
dotnet tool install GpuSparse.Cli.any --tool-path "$work/tool-any" --configfile "$work/nuget.config" >/dev/null

built=src/GpuSparse.Cli/bin/Release/net10.0/GpuSparse.Cli
/usr/bin/python3 benchmarks/compare_cold.py "$shared/peers" "$work" "$rounds" "$tol" \
  "gpusparse solve, dotnet build output=$root/$built" \
  "same at --tol 1e-7 (accuracy at least the peer's on the worst problem too)=$root/$built --tol 1e-7" \
  "same, runtime's default tiering (QuickJitForLoops, TieredPGO on)=env DOTNET_TC_QuickJitForLoops=1 DOTNET_TieredPGO=1 $root/$built" \
  "gpusparse tool installed from the .nupkg (linux-x64: GpuSparse.Cli.linux-x64, ReadyToRun)=$work/tool/gpusparse" \
  "same tool at --tol 1e-7 (accuracy at least the peer's on the worst problem too)=$work/tool/gpusparse --tol 1e-7" \
  "portable tool (GpuSparse.Cli.any, framework-dependent)=$work/tool-any/gpusparse" "$@" | tee "$work/table.md"
echo "table in $work/table.md" >&2
