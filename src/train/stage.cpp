#include "train/stage.h"

#include <filesystem>

#include "core/check.h"
#include "tokenizer/chat_template.h"

namespace own {
namespace fs = std::filesystem;

StageStart stage_start(const std::string& run_dir, const std::string& stage, const std::string& init,
                       const std::string& default_init_stage, bool resume) {
  const fs::path run(run_dir);
  StageStart s{Tokenizer::load((run / "tokenizer.json").string()), {}, (run / "ckpt" / stage).string(), {}, false};
  if (!has_chat_tokens(s.tok)) input_error("{}/tokenizer.json lacks the chat special tokens", run_dir);
  const bool exists = fs::exists(s.out) || fs::exists(s.out + ".old");
  if (exists && !resume)
    input_error("{} already exists; pass --resume to continue it, or use another --run", s.out);
  s.resuming = exists;
  s.from = exists ? s.out : init.empty() ? (run / "ckpt" / default_init_stage).string() : init;
  if (!fs::exists(s.from) && !fs::exists(s.from + ".old"))
    input_error("{} is missing; train it first (`ownchat train {} --run {}`) or pass --init", s.from,
                default_init_stage, run_dir);
  s.ck = checkpoint_load(s.from);
  if (s.ck.config.vocab_size < s.tok.vocab_size())
    input_error("{}: the model's vocabulary ({}) is smaller than the tokenizer's ({})", s.from,
                s.ck.config.vocab_size, s.tok.vocab_size());
  return s;
}

TrainLoopOptions stage_loop_options(const std::string& run_dir, const std::string& stage, const std::string& out,
                                    int64_t steps, int64_t save_every, uint64_t seed, int64_t stop_at) {
  TrainLoopOptions lo;
  lo.stage = stage;
  lo.ckpt_dir = out;
  lo.metrics_path = (fs::path(run_dir) / "metrics.jsonl").string();
  lo.steps = steps;
  lo.save_every = save_every;
  lo.seed = seed;
  lo.stop_flag = sigint_flag();
  lo.stop_at = stop_at;
  fs::create_directories(fs::path(run_dir) / "ckpt");
  return lo;
}

}  // namespace own
