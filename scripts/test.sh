#!/usr/bin/env bash
# Every test: builds if needed (via setup.sh), then runs the whole suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
cd "$BUILD_DIR"
# OpenMP threads sleep rather than spin while waiting: the tests run servers, clients and training
# side by side on few cores, where spinning threads starve each other (~10x slower)
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
ctest --output-on-failure -j 1 --timeout 1200
