#include "train/rm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/check.h"
#include "data/pref_rows.h"
#include "data/ranking_source.h"
#include "train/loop.h"
#include "train/ranking_objective.h"
#include "train/stage.h"

namespace own {
namespace fs = std::filesystem;

RmResult train_rm(const RmOptions& o) {
  const PreferenceSplits data = load_preference_splits(o.run_dir, o.user_data, o.val_rankings);
  StageStart st = stage_start(o.run_dir, "rm", o.init, "sft", o.resume);
  if (o.seq > st.ck.config.max_position_embeddings)
    input_error("--seq {} exceeds the model's context {}", o.seq, st.ck.config.max_position_embeddings);
  ModelConfig cfg = st.ck.config;
  cfg.num_labels = 1;
  Llama model(cfg);
  // the trunk (and LM head) keep their offsets: the score head comes last in the buffer; a
  // fresh head starts at zero, so the first steps move the head before the trunk
  OWN_CHECK(st.ck.layout.total <= model.layout.total, "rm layout");
  std::copy(st.ck.params.data, st.ck.params.data + st.ck.layout.total, model.params.data);
  model.reserve(o.batch, o.seq);

  RmResult result;
  PreferenceRows rows = preference_rows("rm", st.tok, data, o.seq);
  std::vector<RankingRows>& train_rows = rows.train;
  const std::vector<RankingRows>& val_rows = rows.val;
  result.too_long = rows.too_long;
  result.train_rankings = static_cast<int64_t>(train_rows.size());
  const int32_t pad = st.tok.special_id("<|pad|>");

  OptimizerConfig oc;
  oc.lr = o.lr > 0 ? o.lr : default_lr(cfg) / 3.0f;
  oc.weight_decay = o.weight_decay;
  oc.warmup_steps = std::max<int64_t>(1, o.steps / 20);
  oc.min_lr_frac = 0.0f;
  TrainLoopOptions lo = stage_loop_options(o.run_dir, "rm", st.out, o.steps, o.save_every, o.seed, o.stop_at);
  RankingSource source(std::move(train_rows), pad, o.seed);
  RankingObjective objective(source);
  Trainer trainer(model, oc, lo);
  if (st.resuming) trainer.resume(source);
  std::fprintf(stderr, "rm: %lld train rankings, %zu val, from %s, lr %.2e\n", static_cast<long long>(source.size()),
               val_rows.size(), st.from.c_str(), static_cast<double>(oc.lr));

  // validation scores with the model's own weights, batch by batch, through a scorer that shares
  // nothing with training but the parameters (copied in)
  RewardScorer scorer(Checkpoint{cfg, model.layout, FloatBuffer(model.layout.total)}, o.batch, o.seq, pad);
  auto validate = [&]() {
    std::copy(model.params.data, model.params.data + model.layout.total, scorer.model().params.data);
    scorer.model().config.score_bias = model.config.score_bias;
    return ranking_accuracy(scorer, val_rows);
  };
  result.val_accuracy_start = validate().accuracy;
  trainer.hook_every = o.eval_every;
  trainer.hook = [&](Trainer& t, int64_t step) {
    RankingAccuracy a = validate();
    // normalise: the reference answers average 0 (the score head has no bias; the config carries it)
    model.config.score_bias -= static_cast<float>(a.reference_reward);
    for (auto& [kind, r] : a.reward_by_kind) r -= a.reference_reward;
    a.reference_reward = 0;
    result.val = a;
    t.log_metric(step, "train_acc", objective.take_accuracy());
    t.log_metric(step, "val_acc", a.accuracy);
    for (const auto& [kind, okn] : a.by_kind)
      t.log_metric(step, "val_acc/" + kind, okn.first / static_cast<double>(okn.second));
    for (const auto& [kind, r] : a.reward_by_kind) t.log_metric(step, "reward/" + kind, r);
    t.progress_note = fmt::format("val acc {:.3f}", a.accuracy);
  };
  TrainResult tr = run_interruptible(trainer, source, objective);
  result.steps = tr.end_step;
  result.interrupted = tr.interrupted;
  return result;
}

}  // namespace own
