#!/usr/bin/env bash
# Every test: builds if needed (via setup.sh), then runs the whole suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
cd "$BUILD_DIR"
ctest --output-on-failure -j 1 --timeout 1200
