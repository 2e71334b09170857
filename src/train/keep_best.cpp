#include "train/keep_best.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/run_dir.h"
#include "train/loop.h"

namespace own {

KeepBest::KeepBest(const std::string& run_dir, const std::string& stage, const Tokenizer& tok, int64_t judge_prompts,
                   int64_t seq, int64_t max_tokens)
    : stage_(stage),
      metrics_(RunDir(run_dir).metrics().string()),
      judge_((RunDir(run_dir).data("chat") / "val.jsonl").string(), tok, judge_prompts, seq - max_tokens, max_tokens) {}

void KeepBest::start(const Llama& start_policy) {
  const Checkpoint ck = start_policy.snapshot();
  const JudgeScore start = judge_.judge(ck);
  judged_.observe(0, start, 0, 0);
  best_ = FloatBuffer(ck.layout.total);
  std::copy(ck.params.data, ck.params.data + ck.layout.total, best_.data);
  log_judge_score(metrics_, stage_, 0, start);
  fmt::print(stderr, "{}: val rule-judge score of the policy it starts from {:.3f} ({} prompts, {} families)\n", stage_,
             start.score, judge_.prompts(), judge_.families());
}

void KeepBest::check(const Llama& policy, int64_t step) {
  const Checkpoint ck = policy.snapshot();
  const JudgeScore s = judge_.judge(ck);
  log_judge_score(metrics_, stage_, step, s);
  const bool best = judged_.observe(step, s, 0, 0);
  if (best) std::copy(ck.params.data, ck.params.data + ck.layout.total, best_.data);
  fmt::print(stderr, "{}: step {}: {}\n", stage_, step, judged_.describe(s, best));
}

void KeepBest::finish(const std::string& out, const Llama& trained, int64_t end_step) {
  // nothing judged since the start (a resumed run that had no steps left): the checkpoint stays
  if (judged_.checks < 2 || judged_.best_step == end_step) return;
  TrainState state;
  const bool has_state = checkpoint_has_train_state(out);
  if (has_state) checkpoint_load_train_state(out, trained.layout, state);
  checkpoint_save_set(out, [&](const std::string& tmp) {
    checkpoint_write_files(tmp, trained.config, trained.layout, best_.data, has_state ? &state : nullptr);
    checkpoint_write_subdir(tmp, "current", trained.config, trained.layout, trained.params.data, nullptr);
  });
  fmt::print(stderr, "{}: {} holds the policy of step {}{}, the best by the val rule judges ({:.3f}; the start "
                     "{:.3f}); the trained policy, step {}, is in {}/current\n", stage_, out, judged_.best_step,
             judged_.best_step == 0 ? " (the policy it started from)" : "", judged_.best_score, judged_.first_score,
             end_step, out);
  append_metric(metrics_, stage_, end_step, "best_step", static_cast<double>(judged_.best_step));
}

}  // namespace own
