#!/usr/bin/env bash
# Run the llama.cpp inference peer (llama-bench) on random-weight llama GGUFs
# and print a TSV: model, type, test, threads, median/min/max tok/s.
#
# llama.cpp is NOT part of this repo: build it yourself elsewhere and point
# LLAMA_CPP_DIR at its checkout (needs build/bin/llama-bench, build/bin/llama-quantize
# and gguf-py/).
#
# Usage: LLAMA_CPP_DIR=/path/to/llama.cpp bench/llamacpp_bench.sh [OUT_DIR]
#   OUT_DIR  where the GGUFs and raw JSON go (default runs/llamacpp)
#   env: THREADS (default 1,2)  REPS (default 3)  PP (default 512)  TG (default 128)
#        PYTHON (default /usr/bin/python3, needs numpy)
set -euo pipefail

: "${LLAMA_CPP_DIR:?set LLAMA_CPP_DIR to a built llama.cpp checkout}"
OUT=${1:-runs/llamacpp}
THREADS=${THREADS:-1,2}
REPS=${REPS:-3}
PP=${PP:-512}
TG=${TG:-128}
PYTHON=${PYTHON:-/usr/bin/python3}
BIN=$LLAMA_CPP_DIR/build/bin
HERE=$(cd "$(dirname "$0")" && pwd)

for exe in llama-bench llama-quantize; do
  [[ -x $BIN/$exe ]] || { echo "error: $BIN/$exe not found (build llama.cpp first)" >&2; exit 1; }
done
mkdir -p "$OUT"

# 1. Make the four GGUFs if absent: f32 from our writer, q8_0 via llama-quantize.
for m in llama-15m llama-110m; do
  f32=$OUT/$m-f32.gguf q8=$OUT/$m-q8_0.gguf
  [[ -s $f32 ]] || PYTHONPATH=$LLAMA_CPP_DIR/gguf-py "$PYTHON" "$HERE/llamacpp_gguf.py" --preset "$m" -o "$f32" >&2
  [[ -s $q8 ]] || "$BIN/llama-quantize" --pure "$f32" "$q8" Q8_0 >/dev/null 2>&1 \
    || { echo "error: llama-quantize failed for $f32" >&2; exit 1; }
done

# 2. Bench each file (JSON keeps the per-repetition samples), 3. summarize.
printf 'model\ttype\ttest\tthreads\tmedian_tok_s\tmin_tok_s\tmax_tok_s\n'
for m in llama-15m llama-110m; do
  for t in f32 q8_0; do
    json=$OUT/$m-$t.bench.json
    "$BIN/llama-bench" -m "$OUT/$m-$t.gguf" -p "$PP" -n "$TG" -t "$THREADS" -r "$REPS" -o json \
      > "$json" 2> "$OUT/$m-$t.bench.log"
    "$PYTHON" - "$json" "$m" "$t" <<'EOF'
import json, statistics, sys
path, model, typ = sys.argv[1:]
for r in json.load(open(path)):
    test = f"pp{r['n_prompt']}" if r["n_gen"] == 0 else f"tg{r['n_gen']}"
    s = r["samples_ts"]
    print(f"{model}\t{typ}\t{test}\t{r['n_threads']}\t{statistics.median(s):.1f}\t{min(s):.1f}\t{max(s):.1f}")
EOF
  done
done
