#include "train/dpo.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "core/check.h"
#include "core/run_dir.h"
#include "data/pair_source.h"
#include "data/pref_rows.h"
#include "train/answer_logps.h"
#include "train/dpo_objective.h"
#include "train/loop.h"
#include "train/policy_rankings.h"
#include "train/pref_loss.h"
#include "train/stage.h"

namespace own {

namespace {

// log p of every pair's (chosen, rejected) answers under m: (2 * pairs), forward only
std::vector<double> pair_logps(Llama& m, const std::vector<AnswerPair>& pairs, int32_t pad) {
  std::vector<const AnswerRow*> rows;
  for (const AnswerPair& p : pairs) rows.insert(rows.end(), {p.chosen, p.rejected});
  return answer_logps(m, rows, pad);
}

// the pairs' DpoStats under the policy
DpoStats evaluate_pairs(Llama& policy, const std::vector<AnswerPair>& pairs, const std::vector<double>& ref_logp,
                        int32_t pad, double beta) {
  const std::vector<double> lp = pair_logps(policy, pairs, pad);
  DpoStats e;
  for (size_t k = 0; k < pairs.size(); k++) {
    const AnswerRow& c = *pairs[k].chosen;
    const int64_t chosen_tokens = static_cast<int64_t>(c.ids.size()) - c.answer_start;  // put_answer_row's targets
    const DpoPair d = dpo_pair(lp[2 * k], lp[2 * k + 1], ref_logp[2 * k], ref_logp[2 * k + 1], beta, 0.0, chosen_tokens);
    e.accuracy += pair_win(d.margin, 0.0);
    e.margin += d.margin;
    e.nll += d.nll;
  }
  const double n = static_cast<double>(std::max<size_t>(pairs.size(), 1));
  return {e.accuracy / n, e.margin / n, e.nll / n};
}

}  // namespace

DpoResult train_dpo(const DpoOptions& o) {
  if (!(o.beta > 0)) input_error("--beta must be > 0, got {}", o.beta);
  if (o.judge_prompts < 0 || o.judge_max_tokens < 1)
    input_error("--judge-prompts must be >= 0 (0: off) and --judge-max-tokens positive");
  if (!(o.sft_coef >= 0)) input_error("--sft-coef must be >= 0 (0: plain DPO), got {}", o.sft_coef);
  PreferenceSplits data = load_preference_splits(o.run_dir, o.user_data, 0);
  data.train = reference_pairs(data.train);
  data.val = reference_pairs(data.val);
  StageStart st = stage_start(o.run_dir, "dpo", o.init, "sft", o.resume);
  check_stage_seq(st, o.seq);
  if (st.ck.config.num_labels != 0) input_error("{}: a reward model cannot be a DPO policy; pass an SFT checkpoint", st.from);
  // the reference is the model DPO starts from: --init or RUN/ckpt/sft, also when resuming
  Llama model = Llama::from(st.ck);
  Llama ref = st.resuming ? Llama::from(checkpoint_load(o.init.empty() ? RunDir(o.run_dir).ckpt("sft").string() : o.init))
                          : Llama::from(st.ck);
  model.reserve(o.batch, o.seq);
  ref.reserve(o.batch, o.seq);

  DpoResult result;
  const PreferenceRows rows = preference_rows("dpo", st.tok, data, o.seq);  // the pairs point into these
  std::vector<AnswerPair> train_pairs = all_pairs(rows.train), val_pairs = all_pairs(rows.val);
  if (o.val_pairs > 0 && static_cast<int64_t>(val_pairs.size()) > o.val_pairs) val_pairs.resize(static_cast<size_t>(o.val_pairs));
  result.too_long = rows.too_long;
  result.train_pairs = static_cast<int64_t>(train_pairs.size());
  const int32_t pad = st.tok.special_id("<|pad|>");
  const std::vector<double> val_ref = pair_logps(ref, val_pairs, pad);  // once: the reference is frozen

  PairSource source(std::move(train_pairs), pad, o.seed);
  DpoObjective objective(source, ref, o.beta, o.sft_coef);
  StageSpec spec{o.run_dir, "dpo", o.steps, o.save_every, o.eval_every, o.stop_at, o.seed,
                 fine_tune_optimizer(st.ck.config, o.lr, 10.0f, o.weight_decay, o.steps), {}, {}};
  spec.grad_accum = o.grad_accum;
  std::optional<KeepBest> keep;
  if (o.judge_prompts > 0) keep.emplace(o.run_dir, "dpo", st.tok, o.judge_prompts, o.seq, o.judge_max_tokens);
  spec.keep_best = keep ? &*keep : nullptr;
  spec.on_start = [&] {
    fmt::print(stderr, "dpo: {} train pairs, {} val, from {}, beta {:.3g}, sft coef {:.3g}, lr {:.2e}\n", source.size(),
               val_pairs.size(), st.from, o.beta, o.sft_coef, spec.optimizer.lr);
    result.val_accuracy_start = evaluate_pairs(model, val_pairs, val_ref, pad, o.beta).accuracy;
    if (keep) keep->start(ref);  // the SFT policy, also when resuming
  };
  spec.validate = [&](Trainer& t, int64_t step) {
    const DpoStats train = objective.take_stats();
    const DpoStats v = evaluate_pairs(model, val_pairs, val_ref, pad, o.beta);
    result.val_accuracy = v.accuracy;
    result.val_margin = v.margin;
    result.val_nll = v.nll;
    const std::pair<const char*, double> logged[] = {{"reward_acc", train.accuracy}, {"reward_margin", train.margin},
                                                     {"chosen_nll", train.nll},      {"val_acc", v.accuracy},
                                                     {"val_margin", v.margin},       {"val_chosen_nll", v.nll}};
    for (const auto& [name, value] : logged) t.log_metric(step, name, value);
    t.progress_note = fmt::format("val acc {:.3f} margin {:.3f} chosen nll {:.3f}", v.accuracy, v.margin, v.nll);
  };
  const TrainResult tr = run_stage(spec, st, model, source, objective);
  result.steps = tr.end_step;
  result.interrupted = tr.interrupted;
  if (keep) result.kept = keep->kept();
  return result;
}

}  // namespace own
