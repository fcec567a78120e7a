#!/usr/bin/env bash
# PTX check: compiles every kernel specialisation the backend can launch (KernelCatalog.All) with ILGPU's PTX
# backend for sm_90, assembles each with `ptxas -arch=sm_90 -v`, writes benchmarks/gpu/PTX.md and ends with
# "ptx: N kernels assembled for sm_90, S spill bytes". Exits non-zero when a kernel fails or S > 0.
# No GPU or driver is needed. ptxas comes from Debian's nvidia-cuda-toolkit (component non-free), downloaded
# with a private apt configuration (the machine's sources and package state are left as they are) and
# unpacked once into $GPUSPARSE_CUDA_CACHE (default /tmp/gpusparse-cuda). $GPUSPARSE_PTXAS overrides all that.
# GPUSPARSE_PTX_MAX_REGISTERS=N caps ptxas at N registers (forces spills: shows the check failing); the report
# then goes to $GPUSPARSE_PTX_DIR, not benchmarks/gpu/PTX.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

cache=${GPUSPARSE_CUDA_CACHE:-/tmp/gpusparse-cuda}
ptx_dir=${GPUSPARSE_PTX_DIR:-/tmp/gpusparse-ptx}
report=benchmarks/gpu/PTX.md

# CUDA ≥ 11.8 is the first whose ptxas knows sm_90 (Hopper).
ptxas_supports_sm90() {
  local help
  help=$("$1" --help 2>/dev/null || true)
  [[ $help == *sm_90* ]]
}

# The mirror the machine already uses for the main component of Debian release $1 (deb822 .sources stanzas or
# one-line sources.list entries), so that no other host is contacted.
debian_mirror() {
  local codename=$1 uri
  uri=$(awk -v release="$codename" '
    function flush() { if (uri != "" && (" " suites " ") ~ (" " release " ") && (" " components " ") ~ / main /) { print uri; exit } uri = suites = components = "" }
    FNR == 1 { flush() }
    /^[[:space:]]*$/ { flush(); next }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { $1 = ""; suites = $0 }
    /^Components:/ { $1 = ""; components = $0 }
    END { flush() }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$uri" ]; then
    uri=$(awk -v release="$codename" '$1 == "deb" { for (i = 2; i < NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i + 1) == release) { print $i; exit } break } }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  fi
  echo "$uri"
}

fetch_ptxas() {
  local codename mirror apt_dir deb
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  mirror=$(debian_mirror "$codename")
  if [ -z "$codename" ] || [ -z "$mirror" ]; then
    echo "ptx-check: cannot find the Debian release or mirror in /etc/os-release and /etc/apt/sources.list*;" \
      "install CUDA ≥ 11.8 and set GPUSPARSE_PTXAS" >&2
    return 1
  fi
  apt_dir="$cache/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/etc"
  cat > "$apt_dir/etc/non-free.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $codename $codename-updates
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  local apt_options=(-o "Dir::Etc::SourceList=$apt_dir/etc/non-free.sources" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o "Dir::Cache::archives=$apt_dir/archives"
    -o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  echo "ptx-check: fetching nvidia-cuda-toolkit from $mirror $codename non-free" >&2
  apt-get "${apt_options[@]}" -qq update >&2
  apt-cache "${apt_options[@]}" policy nvidia-cuda-toolkit | sed -n '1,3p' >&2
  (cd "$apt_dir/archives" && apt-get "${apt_options[@]}" -qq download nvidia-cuda-toolkit >&2)
  deb=$(ls "$apt_dir"/archives/nvidia-cuda-toolkit_*.deb | head -1)
  # ptxas and nvdisasm are in nvidia-cuda-toolkit itself (dpkg -c: ./usr/bin/ptxas, ./usr/bin/nvdisasm);
  # only those two are unpacked (the package holds 170 MB).
  mkdir -p "$cache/root"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$cache/root" ./usr/bin/ptxas ./usr/bin/nvdisasm
  rm -f "$deb"
}

ptxas=${GPUSPARSE_PTXAS:-}
if [ -z "$ptxas" ]; then
  ptxas="$cache/root/usr/bin/ptxas"
  if [ ! -x "$ptxas" ]; then
    if command -v ptxas >/dev/null 2>&1 && ptxas_supports_sm90 "$(command -v ptxas)"; then
      ptxas=$(command -v ptxas)
    else
      fetch_ptxas
    fi
  fi
fi
if ! ptxas_supports_sm90 "$ptxas"; then
  echo "ptx-check: $ptxas ($("$ptxas" --version | tail -1)) cannot target sm_90: CUDA ≥ 11.8 is needed" >&2
  exit 1
fi
echo "ptx-check: $("$ptxas" --version | grep -o 'release [0-9.]*, V[0-9.]*') at $ptxas" >&2

limit=()
if [ -n "${GPUSPARSE_PTX_MAX_REGISTERS:-}" ]; then
  limit=(--max-registers "$GPUSPARSE_PTX_MAX_REGISTERS")
  report="$ptx_dir/PTX.md"
fi
dotnet build benchmarks/GpuSparse.PtxCheck -c Release -v quiet -nologo >&2
rm -rf "$ptx_dir"
mkdir -p "$ptx_dir"
dotnet benchmarks/GpuSparse.PtxCheck/bin/Release/net10.0/GpuSparse.PtxCheck.dll ptx \
  --ptxas "$ptxas" --ptx-dir "$ptx_dir" --report "$report" "${limit[@]}"
