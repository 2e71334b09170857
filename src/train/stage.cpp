#include "train/stage.h"

#include <filesystem>

#include "core/check.h"
#include "core/gguf.h"
#include "core/run_dir.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/hf_json.h"

namespace own {
namespace fs = std::filesystem;

StageStart stage_start(const std::string& run_dir, const std::string& stage, const std::string& init,
                       const std::string& default_init_stage, bool resume) {
  const RunDir run(run_dir);
  StageStart s{Tokenizer::load(run.tokenizer().string()), {}, run.ckpt(stage).string(), {}, false};
  if (!has_chat_tokens(s.tok)) input_error("{}/tokenizer.json lacks the chat special tokens", run_dir);
  const bool exists = fs::exists(s.out) || fs::exists(s.out + ".old");
  if (exists && !resume)
    input_error("{} already exists; pass --resume to continue it, or use another --run", s.out);
  s.resuming = exists;
  s.from = exists ? s.out : init.empty() ? run.ckpt(default_init_stage).string() : init;
  if (!fs::exists(s.from) && !fs::exists(s.from + ".old"))
    input_error("{} is missing; train it first (`ownchat train {} --run {}`) or pass --init", s.from,
                default_init_stage, run_dir);
  s.ck = checkpoint_load(s.from);
  // a GGUF brings its own vocabulary: the run's data is tokenized with RUN/tokenizer.json, so they must agree
  if (is_gguf_path(s.from) && tokenizer_json_string(Tokenizer::load(s.from)) != tokenizer_json_string(s.tok))
    input_error("{}: its vocabulary is not the one of {} that the run's data was tokenized with; use a run whose "
                "tokenizer is this model's",
                s.from, run.tokenizer().string());
  if (s.ck.config.vocab_size < s.tok.vocab_size())
    input_error("{}: the model's vocabulary ({}) is smaller than the tokenizer's ({})", s.from,
                s.ck.config.vocab_size, s.tok.vocab_size());
  return s;
}

void check_stage_seq(const StageStart& st, int64_t seq) {
  if (seq > st.ck.config.max_position_embeddings)
    input_error("--seq {} exceeds the model's context {}", seq, st.ck.config.max_position_embeddings);
}

TrainLoopOptions stage_loop_options(const std::string& run_dir, const std::string& stage, const std::string& out,
                                    int64_t steps, int64_t save_every, uint64_t seed, int64_t stop_at) {
  const RunDir run(run_dir);
  TrainLoopOptions lo;
  lo.stage = stage;
  lo.ckpt_dir = out;
  lo.metrics_path = run.metrics().string();
  lo.steps = steps;
  lo.save_every = save_every;
  lo.seed = seed;
  lo.stop_flag = sigint_flag();
  lo.stop_at = stop_at;
  fs::create_directories(run.ckpt_root());
  return lo;
}

OptimizerConfig fine_tune_optimizer(const ModelConfig& base, float lr, float default_divisor, float weight_decay,
                                    int64_t steps) {
  OptimizerConfig oc;
  oc.lr = lr > 0 ? lr : default_lr(base) / default_divisor;
  oc.weight_decay = weight_decay;
  oc.warmup_steps = std::max<int64_t>(1, steps / 20);
  oc.min_lr_frac = 0.0f;
  return oc;
}

TrainResult run_stage(const StageSpec& spec, const StageStart& st, Llama& model, BatchSource& data,
                      Objective& objective) {
  TrainLoopOptions lo =
      stage_loop_options(spec.run_dir, spec.stage, st.out, spec.steps, spec.save_every, spec.seed, spec.stop_at);
  lo.time_budget_s = spec.minutes * 60.0;
  lo.grad_accum = spec.grad_accum;
  Trainer trainer(model, spec.optimizer, lo);
  if (st.resuming) trainer.resume(data);
  if (spec.on_start) spec.on_start();
  trainer.hook_every = spec.eval_every;
  trainer.hook = [&](Trainer& t, int64_t step) {
    if (spec.validate) spec.validate(t, step);
    if (spec.keep_best) spec.keep_best->check(model, step);
  };
  const TrainResult tr = run_interruptible(trainer, data, objective);
  // only once the run is complete: a --stop-at run resumes from the trained weights
  if (spec.keep_best && !tr.interrupted && tr.end_step >= trainer.options().steps)
    spec.keep_best->finish(st.out, model, tr.end_step);
  return tr;
}

}  // namespace own
