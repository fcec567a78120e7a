#!/usr/bin/env bash
# Packs what benchmarks/gpu/run.sh needs on a GPU machine that has no .NET SDK and no network (the lent H200's
# image): the .NET runtime and the SDK's test runner (vstest.console and its dependencies), and the Release
# builds of the tests and the benchmarks (native assets for linux-x64 only), into benchmarks/gpu/bin/ (~45 MB;
# ignored by .gitignore's bin/, so the device tool can carry it: carry ["benchmarks/gpu/bin"]). Run it here,
# after the last commit you want measured; run.sh uses the bundle when it finds no SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle=benchmarks/gpu/bin
limit_bytes=$((60 * 1024 * 1024))

dotnet build GpuSparse.sln -c Release -nologo -v quiet
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
sdk_version=$(dotnet --version)
sdk="$dotnet_root/sdk/$sdk_version"
runtime_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" {print $2}' | grep '^10\.' | tail -1)
[ -d "$sdk" ] && [ -n "$runtime_version" ] || { echo "bundle: no SDK $sdk_version or .NET 10 runtime under $dotnet_root" >&2; exit 1; }

staging=$(mktemp -d /tmp/gpusparse-bundle.XXXXXX)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/dotnet/shared" "$staging/vstest" "$staging/app/tests" "$staging/app/benchmarks"
cp -r "$dotnet_root/dotnet" "$dotnet_root/host" "$staging/dotnet/"
mkdir -p "$staging/dotnet/shared/Microsoft.NETCore.App"
cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" "$staging/dotnet/shared/Microsoft.NETCore.App/"
# vstest.console runs on the bare runtime with these files of the SDK (found by running it on a copy)
(cd "$sdk" && cp -r vstest.console.* testhost* Microsoft.TestPlatform.*.dll Microsoft.VisualStudio.TestPlatform.*.dll \
  Newtonsoft.Json.dll NuGet.Frameworks.dll Microsoft.Extensions.DependencyModel.dll Microsoft.Extensions.FileSystemGlobbing.dll \
  Extensions "$staging/vstest/")
copy_build() {
  (cd "$1" && tar --exclude='./runtimes/*' -cf - .) | tar -xf - -C "$2"
  if [ -d "$1/runtimes/linux-x64" ]; then
    mkdir -p "$2/runtimes"
    cp -r "$1/runtimes/linux-x64" "$2/runtimes/"
  fi
}
copy_build tests/GpuSparse.Tests/bin/Release/net10.0 "$staging/app/tests"
copy_build benchmarks/GpuSparse.Benchmarks/bin/Release/net10.0 "$staging/app/benchmarks"
git rev-parse --short HEAD > "$staging/app/commit" 2>/dev/null || echo unknown > "$staging/app/commit"
git status --porcelain --untracked-files=no | grep -q . && echo "(with uncommitted changes)" >> "$staging/app/commit"

rm -rf "$bundle/dotnet.tar.xz" "$bundle/app.tar.xz" "$bundle/unpacked"
mkdir -p "$bundle"
tar -C "$staging" -cJf "$bundle/dotnet.tar.xz" dotnet vstest
tar -C "$staging" -cJf "$bundle/app.tar.xz" app
size=$(du -cb "$bundle"/*.tar.xz | tail -1 | cut -f1)
git check-ignore -q "$bundle/app.tar.xz" || echo "bundle: $bundle is not ignored by git: the device tool will not carry it" >&2
echo "bundle: $bundle/ holds $((size / 1024 / 1024)) MiB (runtime $runtime_version, vstest from SDK $sdk_version, builds of $(head -1 "$staging/app/commit"))"
[ "$size" -le "$limit_bytes" ] || { echo "bundle: over the 60 MiB the device tool carries with the tree" >&2; exit 1; }
