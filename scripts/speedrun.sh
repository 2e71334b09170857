#!/usr/bin/env bash
# Your own ChatGPT from nothing, in one go: builds ownchat if needed, then
#   ownchat speedrun --preset cpu --run runs/speedrun     (any flags you give replace these)
# Each stage is one ownchat command, printed before it runs, so the output teaches the pipeline
# (`ownchat speedrun --dry-run`: the plan only). The stages, with the data size, time and metric to
# expect from each on 2 cores, are one table (src/pipeline/stage_table.cpp), printed by
#   scripts/speedrun.sh --table [--preset smoke]
# Interrupted (Ctrl-C)? Run it again: finished stages are skipped, training continues.
# `--preset smoke` is the tiny-model version that scripts/test.sh runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -x "$BUILD_DIR/ownchat" ]; then
  [ -f "$BUILD_DIR/build.ninja" ] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD_DIR" --target ownchat
fi
[ $# -gt 0 ] || set -- --preset cpu --run runs/speedrun
exec "$BUILD_DIR/ownchat" speedrun "$@"
