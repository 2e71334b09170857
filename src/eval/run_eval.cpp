#include "eval/run_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/check.h"
#include "core/run_dir.h"
#include "data/chat_data.h"
#include "data/pref_data.h"
#include "data/pref_rows.h"
#include "data/rule_judges.h"
#include "eval/chat_eval.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "tokenizer/chat_template.h"
#include "train/answer_logps.h"
#include "train/pref_loss.h"
#include "train/ranking_accuracy.h"
#include "train/reward_scorer.h"
#include "train/rollout.h"

namespace own {
namespace fs = std::filesystem;

namespace {

constexpr const char* kAligned[] = {"ppo", "dpo", "bon"};

// A held-out prompt with its reference answer and family (the first ranking of each prompt)
struct HeldOut {
  std::vector<ChatMessage> prompt;
  std::string reference, family, item;
};

std::vector<HeldOut> held_out_prompts(const std::vector<Ranking>& test, const Tokenizer& tok, int64_t max_prompt_tokens) {
  std::vector<HeldOut> out;
  std::set<std::string> seen;
  for (const Ranking& r : test) {
    if (!seen.insert(prompt_key(r.prompt)).second) continue;
    if (static_cast<int64_t>(render_chat(tok, r.prompt, true).size()) > max_prompt_tokens) continue;
    out.push_back({r.prompt, r.completions[0], r.family, r.item});
  }
  return out;
}

// the rule judges on a held-out prompt
int task_right(const HeldOut& h, const std::string& a) { return own::task_right(h.family, h.reference, a); }
int refusal_right(const HeldOut& h, const std::string& a) { return own::refusal_right(h.family, a); }
int idk_right(const HeldOut& h, const std::string& a) { return own::idk_right(h.family, a); }
int answer_right(const HeldOut& h, const std::string& a) { return own::answer_right(h.family, h.item, h.reference, a); }

// the win rate of `a` over `b` (ties count half) under a judge: +1 a better, -1 b better, 0 tie
struct WinRate {
  double score = 0;
  int64_t n = 0;
  void add(int cmp) {
    score += pair_win(cmp, 0);
    n++;
  }
  double value() const { return n > 0 ? score / static_cast<double>(n) : NAN; }
};

Llama load_llama(const Checkpoint& ck, int64_t B, int64_t T) {
  Llama m = Llama::from(ck);
  m.reserve(B, T);
  return m;
}

// The table being filled: a row per metric, a column per model
class EvalTable {
 public:
  explicit EvalTable(RunEval& e) : e_(e) {}
  void put(const std::string& model, const std::string& name, double value, int64_t n, double chance) {
    auto [it, fresh] = row_of_.try_emplace(name, e_.rows.size());
    if (fresh) e_.rows.push_back({name, chance, n, std::vector<double>(e_.models.size(), NAN)});
    e_.rows[it->second].values[column(model)] = value;
    e_.rows[it->second].n = std::max(e_.rows[it->second].n, n);
  }

 private:
  size_t column(const std::string& model) const {
    return static_cast<size_t>(std::find(e_.models.begin(), e_.models.end(), model) - e_.models.begin());
  }
  RunEval& e_;
  std::map<std::string, size_t> row_of_;
};

// What the evaluations of one run share
struct EvalRun {
  const RunEvalOptions& o;
  RunDir run;
  Tokenizer tok;
  bool has(const std::string& stage) const { return fs::exists(run.ckpt(stage) / "config.json"); }
  Checkpoint ckpt(const std::string& stage) const { return checkpoint_load(run.ckpt(stage).string()); }
};

// 1. the chat evals of every generating model
void chat_evals(const EvalRun& r, const RunEval& e, EvalTable& table) {
  ChatEvalOptions co;
  co.per_family = r.o.per_family;
  co.max_tokens = r.o.max_tokens;
  co.seed = r.o.seed;
  const std::vector<Conversation> test = read_chat_jsonl((r.run.data("chat") / "test.jsonl").string(), true);
  for (const std::string& m : e.models) {
    if (m == "rm") continue;
    fmt::print(stderr, "eval: chat evals of {}\n", m);
    for (const auto& [name, v] : chat_eval_scores(r.ckpt(m), r.tok, test, co))
      table.put(m, name, v.first, v.second, chat_eval_chance(name));
  }
}

// 2. the reward model's accuracy on the held-out rankings
// (name: rm/test_acc for the synthetic rankings, rm/policy_acc for those of SFT's own answers)
void reward_model_accuracy(const EvalRun& r, RewardScorer& rm, const std::vector<Ranking>& rankings,
                           const std::string& name, EvalTable& table) {
  int64_t too_long = 0;
  const std::vector<RankingRows> rows = ranking_rows(r.tok, rankings, rm.model().seq(), &too_long);
  const RankingAccuracy acc = ranking_accuracy(rm, rows);
  table.put("rm", name, acc.accuracy, acc.pairs, 0.5);
  for (const auto& [kind, okn] : acc.by_kind) table.put("rm", name + "/" + kind, kind_accuracy(okn), okn.second, 0.5);
}

// win rates of a model's greedy answers against SFT's to the same prompts
void win_rates(const std::string& m, const std::vector<HeldOut>& held, const std::vector<Rollout>& a_answers,
               const std::vector<Rollout>& b_answers, const std::vector<float>& a_rewards,
               const std::vector<float>& b_rewards, EvalTable& table) {
  WinRate by_rm, task, refusal, idk, rules, length;
  for (size_t i = 0; i < held.size(); i++) {
    const std::string& a = a_answers[i].text;
    const std::string& b = b_answers[i].text;
    const float ra = a_rewards[i], rb = b_rewards[i];
    by_rm.add(ra > rb ? 1 : ra < rb ? -1 : 0);
    auto judge = [&](WinRate& w, int (*rule)(const HeldOut&, const std::string&)) {
      const int x = rule(held[i], a), y = rule(held[i], b);
      if (x >= 0) w.add(x - y);
    };
    judge(task, task_right);
    judge(refusal, refusal_right);
    judge(idk, idk_right);
    judge(rules, answer_right);
    const double ref_len = static_cast<double>(held[i].reference.size());
    const double da = std::fabs(static_cast<double>(a.size()) - ref_len), db = std::fabs(static_cast<double>(b.size()) - ref_len);
    length.add(da < db ? 1 : da > db ? -1 : 0);
  }
  table.put(m, "align/win_rate_vs_sft/rm", by_rm.value(), by_rm.n, 0.5);
  table.put(m, "align/win_rate_vs_sft/task", task.value(), task.n, 0.5);
  table.put(m, "align/win_rate_vs_sft/refusal", refusal.value(), refusal.n, 0.5);
  table.put(m, "align/win_rate_vs_sft/idk", idk.value(), idk.n, 0.5);
  table.put(m, "align/win_rate_vs_sft/rules", rules.value(), rules.n, 0.5);
  table.put(m, "align/win_rate_vs_sft/length", length.value(), length.n, 0.5);
}

// KL(model || sft) on answers sampled from the model: mean of sum_t log p_model - log p_sft
double kl_vs_sft(const EvalRun& r, const Checkpoint& ck, Llama& sft_model, const std::vector<std::vector<ChatMessage>>& prompts,
                 RolloutOptions sampled, int32_t pad, int64_t* n) {
  const std::vector<Rollout> samples = sample_answers(ck, r.tok, prompts, sampled);
  Llama model = load_llama(ck, sft_model.batch(), sft_model.seq());
  std::vector<const AnswerRow*> rows;
  for (const Rollout& s : samples) rows.push_back(&s.row);
  const std::vector<double> lp = answer_logps(model, rows, pad), lq = answer_logps(sft_model, rows, pad);
  double kl = 0;
  for (size_t i = 0; i < samples.size(); i++) kl += lp[i] - lq[i];
  *n = static_cast<int64_t>(samples.size());
  return kl / static_cast<double>(std::max<size_t>(1, samples.size()));
}

// 3. the aligned models against SFT on the held-out prompts
void alignment(const EvalRun& r, const RunEval& e, RewardScorer& rm, const std::vector<Ranking>& rankings,
               EvalTable& table) {
  const int64_t B = rm.model().batch(), T = rm.model().seq();
  const int32_t pad = r.tok.special_id("<|pad|>");
  const std::vector<HeldOut> held = held_out_prompts(rankings, r.tok, T - r.o.max_tokens);
  std::vector<std::vector<ChatMessage>> prompts;
  for (const HeldOut& h : held) prompts.push_back(h.prompt);
  Llama sft_model = load_llama(r.ckpt("sft"), B, T);
  RolloutOptions greedy;
  greedy.max_tokens = r.o.max_tokens;
  greedy.temperature = 0.0f;
  std::map<std::string, std::vector<Rollout>> answers;
  std::map<std::string, std::vector<float>> rewards;
  for (const std::string& m : e.models) {
    if (m != "sft" && std::find(std::begin(kAligned), std::end(kAligned), m) == std::end(kAligned)) continue;
    fmt::print(stderr, "eval: {} held-out prompts for {}\n", prompts.size(), m);
    const Checkpoint ck = r.ckpt(m);
    answers[m] = sample_answers(ck, r.tok, prompts, greedy);
    std::vector<AnswerRow> rs;
    for (const Rollout& a : answers[m]) rs.push_back(a.row);
    rewards[m] = rm.score(rs);
    double mean = 0;
    for (float x : rewards[m]) mean += x;
    table.put(m, "align/rm_reward", mean / static_cast<double>(std::max<size_t>(1, rewards[m].size())),
              static_cast<int64_t>(prompts.size()), -1);
    if (m == "sft") continue;
    RolloutOptions sampled = greedy;
    sampled.temperature = 1.0f;
    sampled.seed = r.o.seed;
    int64_t n = 0;
    const double kl = kl_vs_sft(r, ck, sft_model, prompts, sampled, pad, &n);
    table.put(m, "align/kl_vs_sft", kl, n, -1);
    win_rates(m, held, answers[m], answers["sft"], rewards[m], rewards["sft"], table);
  }
}

// metrics.jsonl: one line per (model, metric)
void append_eval_metrics(const RunDir& run, const RunEval& e) {
  FILE* f = std::fopen(run.metrics().string().c_str(), "a");
  if (!f) input_error("{}/metrics.jsonl: cannot open for appending", run.root.string());
  for (const RunEvalRow& r : e.rows)
    for (size_t i = 0; i < e.models.size(); i++) {
      if (std::isnan(r.values[i])) continue;
      nlohmann::json j = {{"stage", "eval"}, {"model", e.models[i]}, {"name", r.name}, {"value", r.values[i]}, {"n", r.n}};
      if (r.chance >= 0) j["chance"] = r.chance;
      fmt::print(f, "{}\n", j.dump());
    }
  std::fclose(f);
}

}  // namespace

RunEval evaluate_run(const RunEvalOptions& o) {
  const EvalRun r{o, RunDir(o.run_dir), Tokenizer::load(RunDir(o.run_dir).tokenizer().string())};
  if (!has_chat_tokens(r.tok)) input_error("{}/tokenizer.json lacks the chat special tokens", o.run_dir);
  const std::string chat_test = (r.run.data("chat") / "test.jsonl").string();
  if (!fs::exists(chat_test)) input_error("{} is missing; run `ownchat data chat --run {}` first", chat_test, o.run_dir);
  if (!r.has("sft")) input_error("{}/ckpt/sft is missing; train it first (`ownchat train sft --run {}`)", o.run_dir, o.run_dir);

  RunEval e;
  for (const char* s : {"base", "sft", "rm", "ppo", "dpo", "bon"})
    if (r.has(s)) e.models.push_back(s);
  EvalTable table(e);
  chat_evals(r, e, table);
  const fs::path prefs_test = r.run.data("prefs") / "test.jsonl";
  if (r.has("rm") && fs::exists(prefs_test)) {
    const int64_t T = 256, B = 16;
    // the same held-out sample for the reward model's accuracy and the aligned models' prompts
    const std::vector<Ranking> rankings = spread_by_family(read_preferences_jsonl(prefs_test.string()), o.prompts);
    RewardScorer rm(r.ckpt("rm"), B, T, r.tok.special_id("<|pad|>"));
    reward_model_accuracy(r, rm, rankings, "rm/test_acc", table);
    const fs::path policy_test = r.run.data("prefs") / "policy" / "test.jsonl";
    if (fs::exists(policy_test))
      reward_model_accuracy(r, rm, read_preferences_jsonl(policy_test.string()), "rm/policy_acc", table);
    alignment(r, e, rm, rankings, table);
  }
  append_eval_metrics(r.run, e);
  return e;
}

std::string run_eval_table(const RunEval& e) {
  std::string s = fmt::format("{:<34} {:>6} {:>7}", "metric", "n", "chance");
  for (const std::string& m : e.models) s += fmt::format(" {:>8}", m);
  s += "\n";
  for (const RunEvalRow& r : e.rows) {
    s += fmt::format("{:<34} {:>6} {:>7}", r.name, r.n, r.chance >= 0 ? fmt::format("{:.3f}", r.chance) : "-");
    for (double v : r.values) s += std::isnan(v) ? fmt::format(" {:>8}", "-") : fmt::format(" {:>8.3f}", v);
    s += "\n";
  }
  return s;
}

}  // namespace own
