#include "data/pref_synth.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/fileio.h"
#include "core/rng.h"
#include "data/clean.h"
#include "data/families_in_turn.h"
#include "data/pref_worse.h"

namespace own {

namespace {

constexpr size_t kAnswers = 4;  // K: the reference and three worse answers

// The split's conversations that can be ranked (a user turn, then the assistant's answer), each once.
std::vector<const Conversation*> rankable(const std::vector<Conversation>& split) {
  std::vector<const Conversation*> out;
  std::set<uint64_t> seen;
  for (const Conversation& c : split) {
    const size_t n = c.messages.size();
    if (n < 2 || c.messages[n - 1].role != "assistant" || c.messages[n - 2].role != "user") continue;
    if (trim(c.messages[n - 1].content).empty()) continue;
    if (seen.insert(text_hash(chat_jsonl_line(c))).second) out.push_back(&c);
  }
  return out;
}

// at most `cap` conversations (0: all), one family after another in turn, each in split order
std::vector<const Conversation*> capped(const std::vector<const Conversation*>& convs, int64_t cap) {
  if (cap <= 0 || static_cast<int64_t>(convs.size()) <= cap) return convs;
  return families_in_turn(convs, cap, [](const Conversation* c) { return c->family; });
}

std::vector<Ranking> rank_split(const std::vector<Conversation>& split, const PrefSynthOptions& o, int64_t& skipped) {
  const std::vector<const Conversation*> convs = rankable(split);
  AnswerPool pool;
  pool.all = convs;
  for (const Conversation* c : convs) pool.by_family[c->family].push_back(c);
  std::vector<Ranking> out;
  for (const Conversation* c : capped(convs, o.max_per_split)) {
    // one stream per item: a ranking does not change when the cap or the other items do
    Rng rng(text_hash(fmt::format("{}\x1f{}\x1f{}", o.seed, c->family, c->item)));
    auto worse = worse_answers(*c, pool, kAnswers - 1, rng);
    if (worse.size() < kAnswers - 1) {
      skipped++;
      continue;
    }
    Ranking r;
    r.prompt.assign(c->messages.begin(), c->messages.end() - 1);
    r.completions = {c->messages.back().content};
    r.kinds = {"reference"};
    for (auto& [kind, answer] : worse) {
      r.kinds.push_back(kind);
      r.completions.push_back(std::move(answer));
    }
    r.family = c->family;
    r.item = c->item;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

PrefSplits synthesize_preferences(const ChatSplits& chat, const PrefSynthOptions& o) {
  PrefSplits sp;
  sp.train = rank_split(chat.train, o, sp.skipped);
  sp.val = rank_split(chat.val, o, sp.skipped);
  sp.test = rank_split(chat.test, o, sp.skipped);
  Rng r(o.seed ^ 0x9e7f5eedull);  // training order: families interleaved
  shuffle(sp.train, r);
  for (const auto* split : {&sp.train, &sp.val, &sp.test})
    for (const Ranking& rk : *split)
      for (const std::string& k : rk.kinds) {
        sp.per_kind[k]++;
        if (split == &sp.train) sp.train_per_kind[k]++;
      }
  return sp;
}

PrefSplits build_preference_data(const ChatSplits& chat, const PrefSynthOptions& o) {
  PrefSplits sp = synthesize_preferences(chat, o);
  const std::filesystem::path out = std::filesystem::path(o.run_dir) / "data" / "prefs";
  std::filesystem::create_directories(out.parent_path());
  // the splits, the pairs and stats.json are one set, swapped in as one directory
  replace_dir_atomic(out.string(), [&](const std::string& tmp) {
    const std::filesystem::path dir(tmp);
    write_rankings_jsonl((dir / "train.jsonl").string(), sp.train);
    write_rankings_jsonl((dir / "val.jsonl").string(), sp.val);
    write_rankings_jsonl((dir / "test.jsonl").string(), sp.test);
    write_pairs_jsonl((dir / "pairs_train.jsonl").string(), sp.train);
    std::map<std::string, int64_t> per_family;
    for (const Ranking& rk : sp.train) per_family[rk.family]++;
    const size_t pairs = kAnswers * (kAnswers - 1) / 2;
    nlohmann::json stats = {{"train", sp.train.size()},      {"val", sp.val.size()},
                            {"test", sp.test.size()},        {"k", kAnswers},
                            {"pairs_train", sp.train.size() * pairs}, {"per_kind", sp.per_kind},
                            {"train_per_family", per_family}, {"train_per_kind", sp.train_per_kind},
                            {"skipped", sp.skipped},
                            {"seed", o.seed},                {"max_per_split", o.max_per_split}};
    write_file_atomic((dir / "stats.json").string(), stats.dump(2) + "\n");
  });
  return sp;
}

}  // namespace own
