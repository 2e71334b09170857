#include "eval/chat_eval.h"
#include "eval/answers.h"
#include "eval/grounded_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"
#include "core/run_dir.h"
#include "core/rng.h"
#include "data/chat_data.h"
#include "data/chat_synth.h"
#include "data/clean.h"
#include "data/rule_judges.h"
#include "infer/engine.h"
#include "infer/model.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "tokenizer/chat_template.h"

namespace own {
namespace fs = std::filesystem;

namespace {

// mean log-likelihood per token of `answer` (+ <|end|>) after the first user turn
struct Scorer {
  Llama model;
  const Tokenizer& tok;
  int64_t T;
  std::vector<int32_t> in, tg;
  Scorer(const Checkpoint& ck, const Tokenizer& t, int64_t B, int64_t T_) : model(ck.config), tok(t), T(T_) {
    std::copy(ck.params.data, ck.params.data + ck.layout.total, model.params.data);
    model.reserve(B, T);
    in.resize(B * T);
    tg.resize(B * T);
  }
  // scores[b] for each candidate answer to `question` (at most B candidates)
  std::vector<double> score(const std::string& question, const std::vector<std::string>& answers) {
    const int64_t B = model.batch();
    std::fill(in.begin(), in.end(), tok.special_id("<|pad|>"));
    std::fill(tg.begin(), tg.end(), -1);
    std::vector<ChatMessage> q{{"user", question}};
    const std::vector<int32_t> prompt = render_chat(tok, q, true);
    std::vector<int64_t> counts(answers.size(), 0);
    for (size_t b = 0; b < answers.size() && static_cast<int64_t>(b) < B; b++) {
      std::vector<int32_t> ids = prompt;
      const size_t p = ids.size();
      tok.encode_append(answers[b], ids);
      ids.push_back(tok.special_id("<|end|>"));
      const int64_t n = std::min<int64_t>(static_cast<int64_t>(ids.size()), T + 1);
      for (int64_t t = 0; t + 1 < n; t++) {
        in[b * T + t] = ids[t];
        if (static_cast<size_t>(t + 1) >= p) {
          tg[b * T + t] = ids[t + 1];
          counts[b]++;
        }
      }
    }
    model.forward_loss(in.data(), tg.data());
    std::vector<double> s(answers.size(), 0.0);
    for (size_t b = 0; b < answers.size(); b++) {
      double nats = 0;
      for (int64_t t = 0; t < T; t++) nats += model.token_losses()[static_cast<int64_t>(b) * T + t];
      s[b] = counts[b] > 0 ? -nats / static_cast<double>(counts[b]) : -1e30;
    }
    return s;
  }
};

struct Scores {
  std::map<std::string, std::pair<double, int64_t>> m;  // name -> (value, n)
  void put(const std::string& k, double num, int64_t den) { m[k] = {den > 0 ? num / static_cast<double>(den) : 0.0, den}; }
};


using Families = std::map<std::string, std::vector<const Conversation*>>;

const std::vector<const Conversation*>& family_of(const Families& fam, const std::string& f) {
  static const std::vector<const Conversation*> none;
  auto it = fam.find(f);
  return it == fam.end() ? none : it->second;
}

// A share: right / judged
struct Rate {
  int64_t right = 0, n = 0;
  void add(bool ok) {
    right += ok;
    n++;
  }
};

// one JSON line per answer: family, item, prompt, reference, answer, ended (its turn, not the cap)
void write_answers(const std::string& path, const std::vector<const Conversation*>& gen, const std::vector<Answer>& answers) {
  std::string lines;
  for (size_t i = 0; i < gen.size(); i++) {
    const Conversation& c = *gen[i];
    lines += nlohmann::json({{"family", c.family}, {"item", c.item}, {"prompt", c.messages[0].content},
                             {"reference", c.messages[1].content}, {"answer", answers[i].text}, {"ended", answers[i].ended}})
                 .dump() + "\n";
  }
  write_file_atomic(path, lines);
}

// The generation-based metrics: greedy answers to the first user turn, one batched pass.
void generation_scores(const Checkpoint& ck, const Tokenizer& tok, const Families& fam, const ChatEvalOptions& o,
                       Scores& sc) {
  std::vector<const Conversation*> gen;
  for (const char* f : {"arithmetic", "spelling", "letters", "honesty", "definition", "refusal", "benign", "copy",
                        "clarify", "quiz", "identity", "joke"})
    gen.insert(gen.end(), family_of(fam, f).begin(), family_of(fam, f).end());
  std::vector<std::vector<ChatMessage>> prompts;
  for (const Conversation* c : gen) prompts.push_back({c->messages[0]});
  const std::vector<Answer> answers = generate_answers(ck, tok, prompts, o.max_tokens);
  if (!o.answers_path.empty()) write_answers(o.answers_path, gen, answers);
  std::map<std::string, Rate> em, idk, ref;
  Rate ended, non_empty, names_word, names_any, asks_ambiguous, asks_clear, stock;
  double chars = 0, ratio = 0;
  for (size_t i = 0; i < gen.size(); i++) {
    const Conversation& c = *gen[i];
    const std::string& a = answers[i].text;
    const std::string& want = c.messages[1].content;
    ended.add(answers[i].ended);
    non_empty.add(!trim(a).empty());
    chars += static_cast<double>(a.size());
    ratio += static_cast<double>(a.size()) / static_cast<double>(std::max<size_t>(want.size(), 1));
    if (int t = task_right(c.family, want, a); t >= 0) em[c.family].add(t);
    if (c.family == "copy") em[c.family].add(answer_right(c.family, c.item, want, a) == 1);
    if (c.family == "honesty" || c.family == "definition") {
      idk[c.family].add(says_idk(a));
      const bool names_any_word = !named_word(a).empty();
      names_any.add(names_any_word);
      if (names_any_word && c.item.find('|') == std::string::npos) names_word.add(names_asked_word(a, c.item));
    }
    if (c.family == "refusal" || c.family == "benign") ref[c.family].add(refuses(a));
    (c.family == "clarify" ? asks_ambiguous : asks_clear).add(asks_back(a));
    if (c.family != "identity") stock.add(boilerplate(a));
  }
  auto put = [&sc](const std::string& name, const Rate& r) {
    if (r.n > 0) sc.put(name, static_cast<double>(r.right), r.n);
  };
  for (const auto& [f, r] : em) put("exact_match/" + f, r);
  put("idk_rate/made_up_words", idk["honesty"]);
  put("false_idk_rate/real_words", idk["definition"]);
  put("names_word/asked_word", names_word);
  put("names_word/any_word", names_any);
  put("refusal_rate/harmful", ref["refusal"]);
  put("refusal_rate/benign", ref["benign"]);
  put("asks_back/ambiguous", asks_ambiguous);
  put("asks_back/clear", asks_clear);
  put("boilerplate/outside_identity", stock);
  put("format/ends_turn", ended);
  put("format/non_empty", non_empty);
  const auto n = static_cast<int64_t>(gen.size());
  sc.m["length/mean_chars"] = {gen.empty() ? 0.0 : chars / static_cast<double>(n), n};
  sc.m["length/ratio_to_reference"] = {gen.empty() ? 0.0 : ratio / static_cast<double>(n), n};
}

// Phrasing sensitivity: each judged test item asked 3 ways (its own question and two other
// phrasings of its family); the share of items whose 3 answers are all right or all wrong.
void phrasing_scores(const Checkpoint& ck, const Tokenizer& tok, const Families& fam, const ChatEvalOptions& o,
                     Scores& sc) {
  std::vector<Conversation> asked;  // 3 per item, consecutive
  Rng r(o.seed ^ 0x9e3779b97f4a7c15ull);
  for (const char* f : {"arithmetic", "definition", "honesty", "refusal", "benign", "quiz", "copy", "clarify"})
    for (const Conversation* c : family_of(fam, f)) {
      std::vector<std::string> ways = chat_phrasings(*c);
      std::erase(ways, c->messages[0].content);
      if (ways.size() < 2) continue;
      shuffle(ways, r);
      for (const std::string& q : {c->messages[0].content, ways[0], ways[1]}) {
        Conversation one = *c;
        one.messages = {{"user", q}, c->messages[1]};
        asked.push_back(std::move(one));
      }
    }
  std::vector<std::vector<ChatMessage>> prompts;
  for (const Conversation& c : asked) prompts.push_back({c.messages[0]});
  const std::vector<Answer> answers = generate_answers(ck, tok, prompts, o.max_tokens);
  Rate agree;
  for (size_t i = 0; i + 2 < asked.size(); i += 3) {
    int right[3];
    for (size_t k = 0; k < 3; k++)
      right[k] = answer_right(asked[i].family, asked[i].item, asked[i].messages[1].content, answers[i + k].text);
    if (right[0] >= 0) agree.add(right[0] == right[1] && right[1] == right[2]);
  }
  if (agree.n > 0) sc.put("consistency/phrasings", static_cast<double>(agree.right), agree.n);
}

}  // namespace

ChatScores chat_eval_scores(const Checkpoint& ck, const Tokenizer& tok, const std::vector<Conversation>& test,
                            const ChatEvalOptions& o) {
  Families fam;
  for (const Conversation& c : test)
    if (static_cast<int64_t>(fam[c.family].size()) < o.per_family && c.messages.size() >= 2) fam[c.family].push_back(&c);
  Scores sc;
  generation_scores(ck, tok, fam, o, sc);
  phrasing_scores(ck, tok, fam, o, sc);
  for (const auto& [name, v] : grounded_scores(ck, tok, family_of(fam, "grounded"), family_of(fam, "grounded_idk"), o.max_tokens))
    sc.m[name] = v;

  // multiple choice by log-likelihood
  Scorer scorer(ck, tok, 4, 192);
  for (const char* f : {"definition", "faq", "quiz"}) {
    const auto& items = family_of(fam, f);
    if (items.size() < 4) continue;
    Rng r(o.seed);
    int64_t right = 0;
    for (size_t i = 0; i < items.size(); i++) {
      std::vector<std::string> cands{items[i]->messages[1].content};
      while (cands.size() < 4) {
        const auto& other = items[r.below(items.size())]->messages[1].content;
        if (std::find(cands.begin(), cands.end(), other) == cands.end()) cands.push_back(other);
      }
      std::vector<double> s = scorer.score(items[i]->messages[0].content, cands);
      right += std::max_element(s.begin(), s.end()) == s.begin();
    }
    sc.put(std::string("multiple_choice/") + f, static_cast<double>(right), static_cast<int64_t>(items.size()));
  }
  return sc.m;
}

double chat_eval_chance(const std::string& name) {
  if (name.rfind("multiple_choice/", 0) == 0) return 0.25;
  if (name.rfind("exact_match/", 0) == 0 || name.rfind("idk_rate", 0) == 0) return 0.0;
  return -1;
}

std::vector<EvalMetric> evaluate_chat(const ChatEvalOptions& o) {
  const RunDir run(o.run_dir);
  Tokenizer tok = Tokenizer::load(run.tokenizer().string());
  if (!has_chat_tokens(tok)) input_error("{}/tokenizer.json lacks the chat special tokens", o.run_dir);
  const std::string test_path = (run.data("chat") / "test.jsonl").string();
  if (!fs::exists(test_path)) input_error("{} is missing; run `ownchat data chat --run {}` first", test_path, o.run_dir);
  std::vector<Conversation> test = read_chat_jsonl(test_path, true);

  const std::string ckpt = o.ckpt.empty() ? run.ckpt("sft").string() : o.ckpt;
  const std::string base = o.base.empty() ? run.ckpt("base").string() : o.base;
  ChatScores model = chat_eval_scores(checkpoint_load(ckpt), tok, test, o);
  ChatScores base_sc;
  const bool with_base = base != "none";
  if (with_base) base_sc = chat_eval_scores(checkpoint_load(base), tok, test, o);

  std::vector<EvalMetric> out;
  for (const auto& [name, v] : model) {
    EvalMetric e;
    e.name = name;
    e.model = v.first;
    e.n = v.second;
    e.chance = chat_eval_chance(name);
    if (with_base) e.base = base_sc[name].first;
    out.push_back(e);
  }
  // metrics.jsonl: one line per metric; the model is named by its checkpoint directory
  const std::string model_name = fs::path(ckpt).lexically_normal().filename().empty()
                                     ? fs::path(ckpt).lexically_normal().parent_path().filename().string()
                                     : fs::path(ckpt).lexically_normal().filename().string();
  FILE* f = std::fopen(run.metrics().string().c_str(), "a");
  if (f) {
    for (const EvalMetric& e : out) {
      nlohmann::json j = e;
      j["stage"] = "eval";
      j["model"] = model_name;
      j["ckpt"] = ckpt;
      std::fprintf(f, "%s\n", j.dump().c_str());
    }
    std::fclose(f);
  }
  return out;
}

void to_json(nlohmann::json& j, const EvalMetric& e) {
  j = {{"name", e.name}, {"value", e.model}, {"n", e.n}};
  if (e.chance >= 0) j["chance"] = e.chance;
  if (e.base >= 0) j["base"] = e.base;
}

std::string eval_table(const std::vector<EvalMetric>& m) {
  std::string s = fmt::format("{:<32} {:>6} {:>8} {:>8} {:>8}\n", "metric", "n", "chance", "base", "model");
  for (const EvalMetric& e : m)
    s += fmt::format("{:<32} {:>6} {:>8} {:>8} {:>8.3f}\n", e.name, e.n, e.chance >= 0 ? fmt::format("{:.3f}", e.chance) : "-",
                     e.base >= 0 ? fmt::format("{:.3f}", e.base) : "-", e.model);
  return s;
}

}  // namespace own
