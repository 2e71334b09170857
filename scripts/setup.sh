#!/usr/bin/env bash
# Install every dependency ownchat needs on a fresh Debian 12 machine, then build.
# Idempotent: packages already present are skipped, and the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libdnnl-dev            # oneDNN: matmul primitives (fp32, bf16)
  ocl-icd-opencl-dev     # only "recommended" by libdnnl-dev, yet its CMake package requires OpenCL
  nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libcpp-httplib-dev libsqlite3-dev libgumbo-dev libssl-dev libpcre2-dev zlib1g-dev
  libgtest-dev googletest
  openmpi-bin libopenmpi-dev   # data-parallel training across processes and machines (mpirun)
  python3-torch python3-numpy   # the numerical oracle (system /usr/bin/python3)
  python3-jinja2                # renders the chat template as HF tools would (tests)
  libopenblas0-pthread          # so PyTorch (oracle, bench peer) does not run on reference BLAS
  # the default corpus: real English text shipped in Debian packages (src/data/manifest.cpp)
  fortunes fortunes-min bible-kjv-text jargon-text dict-gcide wordnet-base dict-devil dict-foldoc
  python3.11-doc perl-doc bsdgames
  chromium               # the web chat's tests: playwright-core drives Debian's browser (none is downloaded)
  # the checks .ci/run adds: fuzzing (libFuzzer under ASan), the fresh-machine check (a clean Debian root)
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  mmdebstrap
)

command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)  # keep a newer node the machine already has

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages, exactly as locked (no registry addresses in the lockfile: see .npmrc)
if ! cmp -s package-lock.json node_modules/.ownchat-lock 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.ownchat-lock
fi

BUILD_DIR=${BUILD_DIR:-build}
[ -f "$BUILD_DIR/build.ninja" ] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j "$(nproc)"
# the web chat (web/ -> one JS bundle, a stylesheet, index.html), served by `ownchat serve` from beside the binary
node web/build.mjs --out "$BUILD_DIR/web"
echo "setup: done; binary at $BUILD_DIR/ownchat"
