#include "train/ppo_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"
#include "core/run_dir.h"
#include "train/loop.h"

namespace own {
namespace fs = std::filesystem;

namespace {

constexpr const char* kCriticSubdir = "critic";
constexpr const char* kCurrentSubdir = "current";

OptimizerConfig constant_lr(float lr) {
  OptimizerConfig c;
  c.lr = lr;
  c.weight_decay = 0.0f;
  c.total_steps = 0;  // constant learning rates
  return c;
}

TrainState train_state_of(const AdamW& opt, int64_t step, uint64_t cursor, const nlohmann::json& extra) {
  TrainState st;
  st.step = step;
  st.data_cursor = cursor;
  st.extra = extra;
  st.extra["adam_step"] = opt.step;
  return st;
}

// one checkpoint in <tmp>/<name>, inside a set being written
void write_subdir(const std::string& tmp, const char* name, const Llama& m, const float* params, const TrainState* st) {
  checkpoint_write_subdir(tmp, name, m.config, m.layout, params, st);
}

// <dir>/<name> of the set a load reads (<dir>, or <dir>.old when a save was cut between its
// renames); empty when that set has none
std::string saved_subdir(const std::string& dir, const char* name) {
  const fs::path set = fs::exists(dir) ? fs::path(dir) : fs::path(dir + ".old");
  return fs::is_directory(set / name) ? (set / name).string() : std::string();
}

// params and optimizer state of a saved stage, AdamW's step count included; returns the
// TrainState's step/cursor/extra
TrainState load_state(const std::string& dir, Llama& m, AdamW& opt) {
  TrainState st = restore_with_optimizer(dir, m, opt);
  if (st.extra.contains("adam_step")) opt.step = st.extra["adam_step"].get<int64_t>();
  return st;
}

// the trained policy's weights from a set saved with the check on; the best (the set's own
// weights, now in m.policy) kept when this run judges too
void resume_judged(const std::string& current, const nlohmann::json& extra, PpoModels& m, PpoProgress& p) {
  const Checkpoint c = checkpoint_load(current);
  if (c.layout.total != m.policy.layout.total)
    input_error("{}: the trained policy has {} parameters, the best one {}; the checkpoint is damaged", current,
                c.layout.total, m.policy.layout.total);
  if (m.best.size > 0) {
    std::copy(m.policy.params.data, m.policy.params.data + m.best.size, m.best.data);
    if (!extra.contains("judge")) input_error("{}: has current/ but no judge bookkeeping in its train state", current);
    p.judged = extra["judge"].get<BestPolicy>();
  } else {
    fmt::print(stderr, "ppo: --judge-every 0: the saved best policy (step {}) is dropped; the checkpoint will hold "
                       "the trained policy\n", extra.value("judge", nlohmann::json::object()).value("best_step", -1));
  }
  std::copy(c.params.data, c.params.data + c.layout.total, m.policy.params.data);
}

}  // namespace

PpoModels::PpoModels(const PpoOptions& o, const Checkpoint& sft, const Checkpoint& rm, bool judging)
    : policy(Llama::from(sft)), ref(Llama::from(sft)), critic(Llama::from(rm)),
      popt(constant_lr(o.lr > 0 ? o.lr : default_lr(sft.config) / 30.0f), sft.layout.total),
      copt(constant_lr(o.critic_lr > 0 ? o.critic_lr : default_lr(rm.config) / 3.0f), rm.layout.total),
      best(judging ? sft.layout.total : 0) {
  for (Llama* m : {&policy, &ref, &critic}) m->reserve(o.minibatch, o.seq);
  policy.enable_grads();
  critic.enable_grads();
}

void PpoModels::keep_policy_as_best() {
  OWN_CHECK(best.size == policy.layout.total, "the best policy's buffer ({}) is not the policy's size ({})", best.size,
            policy.layout.total);
  std::copy(policy.params.data, policy.params.data + best.size, best.data);
}

void ppo_save(const std::string& dir, PpoModels& m, const PpoProgress& p) {
  nlohmann::json extra = {{"stage", "ppo"},
                          {"kl_coef", p.kl_coef},
                          {"nonfinite_skipped", p.result.nonfinite_skipped},
                          {"score_scale", p.score_scale},
                          {"stopped", p.stopped}};
  const bool judging = m.best.size > 0;
  if (judging) extra["judge"] = p.judged;
  TrainState ps = train_state_of(m.popt, p.step, p.cursor, extra), cs = train_state_of(m.copt, p.step, p.cursor, extra);
  MomentsLoan policy_moments(m.popt, ps), critic_moments(m.copt, cs);
  checkpoint_save_set(dir, [&](const std::string& tmp) {
    checkpoint_write_files(tmp, m.policy.config, m.policy.layout, judging ? m.best.data : m.policy.params.data, &ps);
    if (judging) write_subdir(tmp, kCurrentSubdir, m.policy, m.policy.params.data, nullptr);
    write_subdir(tmp, kCriticSubdir, m.critic, m.critic.params.data, &cs);
  });
}

void ppo_resume(const std::string& dir, const std::string& run_dir, PpoModels& m, PpoProgress& p) {
  const TrainState ps = load_state(dir, m.policy, m.popt);
  std::string critic = saved_subdir(dir, kCriticSubdir);
  if (critic.empty()) critic = RunDir(run_dir).ckpt("ppo_critic").string();  // where runs before the set kept it
  load_state(critic, m.critic, m.copt);
  const std::string current = saved_subdir(dir, kCurrentSubdir);
  if (!current.empty()) resume_judged(current, ps.extra, m, p);
  p.step = ps.step;
  p.cursor = ps.data_cursor;
  if (ps.extra.contains("kl_coef")) p.kl_coef = ps.extra["kl_coef"].get<float>();
  if (ps.extra.contains("nonfinite_skipped")) p.result.nonfinite_skipped = ps.extra["nonfinite_skipped"].get<int64_t>();
  if (ps.extra.contains("score_scale")) p.score_scale = ps.extra["score_scale"].get<ScoreScale>();
  if (ps.extra.contains("stopped")) p.stopped = ps.extra["stopped"].get<std::string>();
  fmt::print(stderr, "ppo: resumed from {} at step {}{}\n", dir, p.step,
             p.stopped.empty() ? "" : fmt::format(" (it stopped early: {}; nothing more to train)", p.stopped));
}

}  // namespace own
