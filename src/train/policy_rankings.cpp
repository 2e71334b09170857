#include "train/policy_rankings.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>

#include "core/check.h"
#include "core/run_dir.h"
#include "data/families_in_turn.h"
#include "data/pref_worse.h"
#include "data/rule_judges.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "train/rollout.h"

namespace own {
namespace fs = std::filesystem;

namespace {

// a definition-like family: an attempt that names another word than the one asked is off topic
bool defines_a_word(const std::string& family) {
  return family == "definition" || family == "devil" || family == "jargon";
}

// Up to n conversations of a split, the families in turn (each in file order), one per prompt,
// whose first ask renders to at most max_prompt_tokens.
std::vector<const Conversation*> spread_prompts(const std::vector<Conversation>& split, const Tokenizer& tok, int64_t n,
                                                int64_t max_prompt_tokens) {
  std::vector<const Conversation*> usable;
  std::set<std::string> seen;
  for (const Conversation& c : split) {
    const std::vector<ChatMessage> ask = first_ask(c);
    if (ask.empty() || !seen.insert(prompt_key(ask)).second) continue;
    if (static_cast<int64_t>(render_chat(tok, ask, true).size()) > max_prompt_tokens) continue;
    usable.push_back(&c);
  }
  return families_in_turn(usable, n, [](const Conversation* c) { return c->family; });
}

}  // namespace

std::optional<Ranking> rank_policy_answers(const Conversation& c, const std::vector<std::string>& answers, Rng& rng) {
  const std::vector<ChatMessage> ask = first_ask(c);
  if (ask.empty()) return std::nullopt;
  const std::string& reference = c.messages[ask.size()].content;
  const std::string& question = ask.back().content;
  auto [decline_kind, decline] = false_decline(c, rng);
  const bool has_answer = !decline.empty();  // declining is wrong here, and worse than attempting
  enum Tier { kRight, kAttempt, kDecline, kOffTopic, kTiers };
  std::array<std::pair<std::string, std::string>, kTiers> pick;  // (kind, answer) per tier, the first sampled
  for (const std::string& a : answers) {
    if (a.find_first_not_of(" \n\t") == std::string::npos || a == reference) continue;
    const bool idk = says_idk(a), refusal = refuses(a);
    bool right = judge_answer(c.family, c.item, reference, question, a) == 1;
    if (c.family == "definition") right = right && content_overlap(a, reference, question) >= 0.5;
    const std::string kind = right ? "policy_right" : idk ? "policy_idk" : refusal ? "policy_refusal" : "policy_answer";
    Tier t = kAttempt;  // where declining is right, every wrong answer is alike
    if (right) t = kRight;
    else if (has_answer && (idk || refusal)) t = kDecline;
    else if (has_answer && defines_a_word(c.family) && !names_asked_word(a, c.item)) t = kOffTopic;
    if (pick[t].second.empty()) pick[t] = {t == kOffTopic ? "policy_off_topic" : kind, a};
  }
  // no decline sampled: a written one, so a sampled attempt still ranks above declining
  if (has_answer && pick[kDecline].second.empty() && !(pick[kRight].second.empty() && pick[kAttempt].second.empty()))
    pick[kDecline] = {decline_kind, decline};
  Ranking r{ask, {reference}, {"reference"}, c.family, c.item};
  for (auto& [kind, answer] : pick) {
    if (answer.empty() || std::find(r.completions.begin(), r.completions.end(), answer) != r.completions.end()) continue;
    r.completions.push_back(std::move(answer));
    r.kinds.push_back(std::move(kind));
  }
  if (r.completions.size() < 2) return std::nullopt;
  return r;
}

std::vector<Ranking> reference_pairs(const std::vector<Ranking>& rankings) {
  auto sampled = [](const std::string& kind) { return kind.rfind("policy_", 0) == 0; };
  std::vector<Ranking> out;
  for (const Ranking& r : rankings) {
    if (std::none_of(r.kinds.begin(), r.kinds.end(), sampled)) {
      out.push_back(r);
      continue;
    }
    for (size_t k = 1; k < r.completions.size(); k++)
      if (r.kinds[k] != "policy_right")  // a right answer is not pushed down
        out.push_back({r.prompt, {r.completions[0], r.completions[k]}, {r.kinds[0], r.kinds[k]}, r.family, r.item});
  }
  return out;
}

PolicyRankingResult build_policy_rankings(const PolicyRankingOptions& o) {
  if (o.prompts < 1 || o.held_out < 0 || o.per_prompt < 1 || o.max_tokens < 1 || o.seq <= o.max_tokens)
    input_error("--prompts, --per-prompt and --max-tokens must be positive, --held-out at least 0, --seq above "
                "--max-tokens");
  const RunDir run(o.run_dir);
  const std::string ckpt = o.ckpt.empty() ? run.ckpt("sft").string() : o.ckpt;
  if (!fs::exists(fs::path(ckpt) / "config.json"))
    input_error("{} is not a checkpoint; train SFT first (`ownchat train sft --run {}`) or pass --ckpt", ckpt, o.run_dir);
  const Tokenizer tok = Tokenizer::load(run.tokenizer().string());
  const Checkpoint policy = checkpoint_load(ckpt);
  PolicyRankingResult result;
  const fs::path out_dir = run.data("prefs") / "policy";
  fs::create_directories(out_dir);
  const std::string splits[] = {"train", "val", "test"};
  for (uint64_t s = 0; s < 3; s++) {
    const std::string& split = splits[s];
    const fs::path path = run.data("chat") / (split + ".jsonl");
    if (!fs::exists(path)) input_error("{} is missing; run `ownchat data chat --run {}` first", path.string(), o.run_dir);
    const std::vector<Conversation> convs = read_chat_jsonl(path.string(), true);
    const int64_t n = s == 0 ? o.prompts : o.held_out;
    const std::vector<const Conversation*> picked = spread_prompts(convs, tok, n, o.seq - o.max_tokens);
    std::vector<std::vector<ChatMessage>> prompts;
    for (const Conversation* c : picked) prompts.push_back(first_ask(*c));
    RolloutOptions ro;
    ro.per_prompt = o.per_prompt;
    ro.max_tokens = o.max_tokens;
    ro.temperature = o.temperature;
    ro.seed = o.seed * 3 + s;
    fmt::print(stderr, "policy-prefs: {} answers from {} to {} prompts\n", split, ckpt, prompts.size());
    const std::vector<Rollout> answers = sample_answers(policy, tok, prompts, ro);
    Rng rng(o.seed * 3 + s);
    std::vector<Ranking> rankings;
    for (size_t i = 0; i < picked.size(); i++) {
      std::vector<std::string> mine;
      for (int64_t k = 0; k < o.per_prompt; k++) mine.push_back(answers[i * static_cast<size_t>(o.per_prompt) + k].text);
      std::optional<Ranking> r = rank_policy_answers(*picked[i], mine, rng);
      if (!r) continue;
      for (size_t k = 1; k < r->kinds.size(); k++) result.by_kind[r->kinds[k]]++;
      rankings.push_back(std::move(*r));
    }
    result.answers[split] = static_cast<int64_t>(answers.size());
    result.rankings[split] = static_cast<int64_t>(rankings.size());
    write_rankings_jsonl((out_dir / (split + ".jsonl")).string(), rankings);
  }
  return result;
}

}  // namespace own
