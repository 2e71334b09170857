#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with clang in build-fuzz/ and runs each
# for SECONDS_PER_TARGET (default 60) over its committed corpus, tests/fuzz/corpus/<target>/.
# New inputs go to a scratch directory, never into the committed corpus; a crash input is kept
# in build-fuzz/findings/<target>/ (commit it to the corpus as crash-<what> once fixed).
# Prints per target the executions run and whether it found anything; exits non-zero on any find.
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
cxx="${OWN_FUZZ_CXX:-clang++-14}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

cmake -S "$root" -B "$build" -G Ninja -DOWN_FUZZ=ON -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" >/dev/null
ninja -C "$build" -j"${OWN_FUZZ_JOBS:-2}" >/dev/null

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=0
for src in "$root"/tests/fuzz/fuzz_*.cpp; do
  target="$(basename "$src" .cpp)"
  name="${target#fuzz_}"
  corpus="$root/tests/fuzz/corpus/$name"
  findings="$build/findings/$name"
  mkdir -p "$scratch/$name" "$findings"
  log="$build/findings/$name.log"
  # ASan's default (abort on leaks at exit) stays on; rss/malloc limits turn a runaway
  # allocation into a finding instead of an OOM kill of the machine
  set +e
  "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -max_len=131072 -print_final_stats=1 -artifact_prefix="$findings/" "$scratch/$name" "$corpus" >"$log" 2>&1
  rc=$?
  set -e
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  if [[ $rc -eq 0 ]]; then
    echo "fuzz $name: ${execs:-?} executions, nothing found"
  else
    failed=1
    echo "fuzz $name: ${execs:-?} executions, FOUND a problem (exit $rc); inputs in $findings, log $log"
    grep -m3 -E 'ERROR|SUMMARY|fuzz property broken|runtime error|internal error' "$log" | sed 's/^/    /' || true
  fi
done
exit $failed
