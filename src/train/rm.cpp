#include "train/rm.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/check.h"
#include "data/pref_rows.h"
#include "data/ranking_source.h"
#include "train/loop.h"
#include "train/ranking_objective.h"
#include "train/stage.h"

namespace own {

namespace {

// The SFT trunk with a score head: the trunk (and LM head) keep their offsets, the score head
// comes last in the buffer; a fresh head starts at zero, so the first steps move the head before
// the trunk.
Llama reward_model_from(const Checkpoint& sft) {
  ModelConfig cfg = sft.config;
  cfg.num_labels = 1;
  Llama model(cfg);
  OWN_CHECK(sft.layout.total <= model.layout.total, "rm layout");
  std::copy(sft.params.data, sft.params.data + sft.layout.total, model.params.data);
  return model;
}

// Validation scores with the model's own weights, batch by batch, through a scorer that shares
// nothing with training but the parameters (copied in). Each call shifts the model's score so
// the reference answers average 0 (the score head has no bias; the config carries it).
class RewardValidator {
 public:
  RewardValidator(Llama& model, const std::vector<RankingRows>& val, int64_t batch, int64_t seq, int32_t pad)
      : model_(model), val_(val),
        scorer_(Checkpoint{model.config, model.layout, FloatBuffer(model.layout.total)}, batch, seq, pad) {}
  RankingAccuracy accuracy() {
    std::copy(model_.params.data, model_.params.data + model_.layout.total, scorer_.model().params.data);
    scorer_.model().config.score_bias = model_.config.score_bias;
    return ranking_accuracy(scorer_, val_);
  }
  RankingAccuracy accuracy_normalised() {
    RankingAccuracy a = accuracy();
    model_.config.score_bias -= static_cast<float>(a.reference_reward);
    for (auto& [kind, r] : a.reward_by_kind) r -= a.reference_reward;
    a.reference_reward = 0;
    return a;
  }

 private:
  Llama& model_;
  const std::vector<RankingRows>& val_;
  RewardScorer scorer_;
};

void log_accuracy(Trainer& t, int64_t step, double train_acc, const RankingAccuracy& a) {
  t.log_metric(step, "train_acc", train_acc);
  t.log_metric(step, "val_acc", a.accuracy);
  for (const auto& [kind, okn] : a.by_kind) t.log_metric(step, "val_acc/" + kind, kind_accuracy(okn));
  for (const auto& [kind, r] : a.reward_by_kind) t.log_metric(step, "reward/" + kind, r);
  t.progress_note = fmt::format("val acc {:.3f}", a.accuracy);
}

}  // namespace

RmResult train_rm(const RmOptions& o) {
  const PreferenceSplits data = load_preference_splits(o.run_dir, o.user_data, o.val_rankings);
  StageStart st = stage_start(o.run_dir, "rm", o.init, "sft", o.resume);
  check_stage_seq(st, o.seq);
  Llama model = reward_model_from(st.ck);
  model.reserve(o.batch, o.seq);

  RmResult result;
  PreferenceRows rows = preference_rows("rm", st.tok, data, o.seq);
  result.too_long = rows.too_long;
  result.train_rankings = static_cast<int64_t>(rows.train.size());
  const int32_t pad = st.tok.special_id("<|pad|>");

  RankingSource source(std::move(rows.train), pad, o.seed);
  RankingObjective objective(source);
  RewardValidator validator(model, rows.val, o.batch, o.seq, pad);
  StageSpec spec{o.run_dir, "rm", o.steps, o.save_every, o.eval_every, o.stop_at, o.seed,
                 fine_tune_optimizer(model.config, o.lr, 3.0f, o.weight_decay, o.steps), {}, {}};
  spec.grad_accum = o.grad_accum;
  spec.on_start = [&] {
    fmt::print(stderr, "rm: {} train rankings, {} val, from {}, lr {:.2e}\n", source.size(), rows.val.size(), st.from,
               spec.optimizer.lr);
    result.val_accuracy_start = validator.accuracy().accuracy;
  };
  spec.validate = [&](Trainer& t, int64_t step) {
    result.val = validator.accuracy_normalised();
    log_accuracy(t, step, objective.take_accuracy(), result.val);
  };
  const TrainResult tr = run_stage(spec, st, model, source, objective);
  result.steps = tr.end_step;
  result.interrupted = tr.interrupted;
  return result;
}

}  // namespace own
