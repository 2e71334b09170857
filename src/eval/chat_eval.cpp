#include "eval/chat_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/run_dir.h"
#include "core/rng.h"
#include "data/chat_data.h"
#include "data/rule_judges.h"
#include "infer/engine.h"
#include "infer/model.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "tokenizer/chat_template.h"

namespace own {
namespace fs = std::filesystem;

namespace {

struct Answer {
  std::string text;
  bool ended = false;  // finished with <|end|>
};

// greedy answers to the first user turn of each conversation, batched through the engine
std::vector<Answer> generate_answers(const Checkpoint& ck, const Tokenizer& tok, const std::vector<const Conversation*>& convs,
                                     int64_t max_tokens) {
  InferOptions io;
  io.n_slots = 16;
  io.context = std::min<int64_t>(ck.config.max_position_embeddings, 512);
  InferModel model(ck, io);
  Engine engine(model, &tok);
  const int32_t end = tok.special_id("<|end|>");
  std::vector<Answer> out(convs.size());
  for (size_t i = 0; i < convs.size(); i++) {
    GenerationRequest r;
    r.prompt = render_chat(tok, std::span(convs[i]->messages.data(), 1), true);
    r.max_tokens = max_tokens;
    r.sampling.temperature = 0.0f;
    r.stop_tokens = chat_stop_tokens(tok);
    r.on_event = [&out, i, end](const GenerationEvent& ev) {
      out[i].text += ev.text;
      if (ev.done && !ev.tokens.empty()) out[i].ended = ev.tokens.back().token == end && ev.finish == FinishReason::stop;
    };
    engine.submit(std::move(r));
  }
  engine.run_until_idle();
  return out;
}

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

}  // namespace

ChatScores chat_eval_scores(const Checkpoint& ck, const Tokenizer& tok, const std::vector<Conversation>& test,
                            const ChatEvalOptions& o) {
  std::map<std::string, std::vector<const Conversation*>> fam;
  for (const Conversation& c : test)
    if (static_cast<int64_t>(fam[c.family].size()) < o.per_family && c.messages.size() >= 2) fam[c.family].push_back(&c);
  Scores sc;
  auto family = [&](const std::string& f) -> const std::vector<const Conversation*>& {
    static const std::vector<const Conversation*> none;
    auto it = fam.find(f);
    return it == fam.end() ? none : it->second;
  };
  // generation-based metrics, one batched pass
  std::vector<const Conversation*> gen;
  for (const char* f : {"arithmetic", "spelling", "letters", "honesty", "definition", "refusal", "benign"})
    gen.insert(gen.end(), family(f).begin(), family(f).end());
  std::vector<Answer> answers = generate_answers(ck, tok, gen, o.max_tokens);
  std::map<std::string, std::pair<int64_t, int64_t>> em, idk, ref;
  int64_t ended = 0;
  double chars = 0;
  for (size_t i = 0; i < gen.size(); i++) {
    const Conversation& c = *gen[i];
    const std::string& a = answers[i].text;
    const std::string& want = c.messages[1].content;
    ended += answers[i].ended;
    chars += static_cast<double>(a.size());
    if (c.family == "arithmetic" || c.family == "spelling" || c.family == "letters") {
      em[c.family].first += a == want;
      em[c.family].second++;
    }
    if (c.family == "honesty" || c.family == "definition") {
      idk[c.family].first += says_idk(a);
      idk[c.family].second++;
    }
    if (c.family == "refusal" || c.family == "benign") {
      ref[c.family].first += refuses(a);
      ref[c.family].second++;
    }
  }
  for (const auto& [f, v] : em) sc.put("exact_match/" + f, static_cast<double>(v.first), v.second);
  if (idk.count("honesty")) sc.put("idk_rate/made_up_words", static_cast<double>(idk["honesty"].first), idk["honesty"].second);
  if (idk.count("definition")) sc.put("false_idk_rate/real_words", static_cast<double>(idk["definition"].first), idk["definition"].second);
  if (ref.count("refusal")) sc.put("refusal_rate/harmful", static_cast<double>(ref["refusal"].first), ref["refusal"].second);
  if (ref.count("benign")) sc.put("refusal_rate/benign", static_cast<double>(ref["benign"].first), ref["benign"].second);
  sc.put("format/ends_turn", static_cast<double>(ended), static_cast<int64_t>(gen.size()));
  sc.m["length/mean_chars"] = {gen.empty() ? 0.0 : chars / static_cast<double>(gen.size()), static_cast<int64_t>(gen.size())};

  // multiple choice by log-likelihood
  Scorer scorer(ck, tok, 4, 192);
  for (const char* f : {"definition", "faq", "quiz"}) {
    const auto& items = family(f);
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
