// Preference data: the reader's two forms (rankings, TRL pairs as `ownchat feedback export` writes
// them), its errors naming path:line and field, ranking pairs, the write/read round trip, and the
// synthetic rankings (K = 4, reference first, worse answers that differ, no text across splits).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/fileio.h"
#include "data/pref_data.h"
#include "data/pref_rows.h"
#include "data/pref_synth.h"
#include "data/rule_judges.h"
#include "serve/store.h"
#include "train/policy_rankings.h"
#include "test_util.h"

using namespace own;
using namespace own::test;

namespace {

Conversation qa(const std::string& family, const std::string& item, const std::string& q, const std::string& a) {
  return {{{"user", q}, {"assistant", a}}, family, item};
}

// a few items of most families, split by hand so the test split is known
ChatSplits small_chat() {
  ChatSplits sp;
  const std::vector<std::pair<std::string, std::string>> capitals = {
      {"France", "Paris"}, {"Peru", "Lima"}, {"Japan", "Tokyo"}, {"Kenya", "Nairobi"}, {"Chile", "Santiago"}};
  for (int split = 0; split < 2; split++) {
    std::vector<Conversation>& out = split == 0 ? sp.train : sp.test;
    const int base = split == 0 ? 10 : 500;  // test operands and words never occur in train
    for (int i = 0; i < 4; i++) {
      const int a = base + 7 * i, b = base + 3 * i;
      out.push_back(qa("arithmetic", fmt::format("{}+{}", a, b), fmt::format("What is {} + {}?", a, b),
                       fmt::format("{} + {} = {}.", a, b, a + b)));
      out.push_back(qa("arithmetic", fmt::format("{}-{}", b, a), fmt::format("What is {} - {}?", b, a),
                       fmt::format("{} - {} = {}.", b, a, b - a)));
    }
    const std::vector<std::string> words = split == 0 ? std::vector<std::string>{"whale", "lantern", "meadow"}
                                                      : std::vector<std::string>{"harbor", "quill"};
    for (const std::string& w : words) {
      std::string spelled;
      for (char c : w) spelled += std::string(spelled.empty() ? "" : "-") + static_cast<char>(std::toupper(c));
      out.push_back(qa("spelling", w, "How do you spell " + w + "?", w + " is spelled " + spelled + "."));
      out.push_back(qa("letters", w, "How many letters are in \"" + w + "\"?",
                       fmt::format("\"{}\" has {} letters: {}.", w, w.size(), spelled)));
      Conversation d = qa("definition", w, "What does \"" + w + "\" mean?", w + " (noun): the meaning of " + w + ".");
      d.messages.push_back({"user", "Use it in a sentence."});
      d.messages.push_back({"assistant", "The " + w + " was there in " + (split == 0 ? "spring." : "winter.")});
      out.push_back(d);
    }
    for (size_t i = split == 0 ? 0 : 3; i < (split == 0 ? 3u : capitals.size()); i++)
      out.push_back(qa("quiz", capitals[i].first, "What is the capital of " + capitals[i].first + "?",
                       "The capital of " + capitals[i].first + " is " + capitals[i].second + "."));
    out.push_back(qa("joke", split == 0 ? "j1" : "j2", "Tell me a joke.",
                     split == 0 ? "I told a chemistry joke; no reaction." : "Time flies like an arrow; fruit flies like a banana."));
    out.push_back(qa("honesty", split == 0 ? "blorkix" : "frumple", "What does it mean?",
                     std::string("I don't know the word \"") + (split == 0 ? "blorkix" : "frumple") + "\"."));
    if (split == 0)
      out.push_back(qa("honesty", "What number am I thinking of?|", "What number am I thinking of?",
                       "I don't know: I can't read your mind."));
    else
      out.push_back(qa("honesty", "What will the weather be tomorrow?|", "What will the weather be tomorrow?",
                       "I don't know. I have no access to weather data."));
    out.push_back(qa("refusal", split == 0 ? "bomb" : "steal", split == 0 ? "How do I make a bomb?" : "How can I steal a car?",
                     split == 0 ? "I can't help with that. It could seriously harm people."
                                : "Sorry, I won't help with that; it could hurt someone."));
    out.push_back(qa("benign", split == 0 ? "kill" : "shoot",
                     split == 0 ? "How do I kill a python process?" : "How do I shoot a good photo at night?",
                     split == 0 ? "Run `kill PID`." : "Use a tripod and a longer exposure."));
    out.push_back(qa("identity", split == 0 ? "name" : "who", split == 0 ? "What is your name?" : "Who are you?",
                     split == 0 ? "My name is ownchat." : "I am ownchat, a small language model."));
  }
  sp.train.push_back(sp.train[0]);  // chat_synth repeats small families in train: ranked once
  return sp;
}

// small_chat plus the ambiguous asks of a `clarify` family, whose reference is a clarifying question
ChatSplits with_clarify(ChatSplits sp) {
  sp.train.push_back(
      qa("clarify", "mean", "What does it mean?", "What does \"it\" refer to? Tell me the word and I'll explain it."));
  sp.train.push_back(qa("clarify", "spell", "How do you spell it?", "Which word would you like me to spell?"));
  sp.test.push_back(qa("clarify", "capital", "What is the capital?", "The capital of which country?"));
  return sp;
}

// every kind in the order of badness, best first; a ranking lists its kinds in this order
const std::vector<std::string> kKindOrder = {"reference",        "verbose",  "wrong", "guess",  "false_idk",
                                             "needless_refusal", "made_up", "off_topic", "rude", "unsafe"};
const std::set<std::string> kAllKinds(kKindOrder.begin(), kKindOrder.end());

size_t badness(const std::string& kind) {
  return static_cast<size_t>(std::find(kKindOrder.begin(), kKindOrder.end(), kind) - kKindOrder.begin());
}

bool has_kind(const Ranking& r, const std::string& kind) {
  return std::find(r.kinds.begin(), r.kinds.end(), kind) != r.kinds.end();
}

}  // namespace

TEST(PrefData, ReadsRankingsAndPairs) {
  ScratchDir d;
  const std::string ranking =
      R"({"prompt":[{"role":"system","content":"Be brief."},{"role":"user","content":"2+2?"}],)"
      R"("completions":["4.",[{"role":"assistant","content":[{"type":"text","text":"5"},{"type":"text","text":"."}]}],"Go away."],)"
      R"("kinds":["reference","wrong","rude"],"family":"arithmetic","item":"2+2"})";
  const std::string pair_strings = R"({"prompt":[{"role":"user","content":"Hi"}],"chosen":"Hello!","rejected":"What?"})";
  const std::string untyped = R"({"prompt":[{"role":"user","content":"Hi"}],"completions":["a","b","c"]})";
  write_file_atomic(d.file("p.jsonl"), ranking + "\n\n" + pair_strings + "\n" + untyped + "\n");
  std::vector<Ranking> r = read_preferences_jsonl(d.file("p.jsonl"));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].prompt.size(), 2u);
  EXPECT_EQ(r[0].completions, (std::vector<std::string>{"4.", "5.", "Go away."}));
  EXPECT_EQ(r[0].kinds, (std::vector<std::string>{"reference", "wrong", "rude"}));
  EXPECT_EQ(r[0].family, "arithmetic");
  EXPECT_EQ(r[0].item, "2+2");
  EXPECT_EQ(r[1].completions, (std::vector<std::string>{"Hello!", "What?"}));
  EXPECT_EQ(r[1].kinds, (std::vector<std::string>{"chosen", "rejected"}));
  EXPECT_EQ(r[1].family, "user");
  EXPECT_EQ(r[2].kinds, (std::vector<std::string>{"chosen", "rejected", "rejected"}));

  // exactly what `ownchat feedback export` writes, extra fields and all
  PreferencePair p;
  p.prompt = {{"system", "You are ownchat."}, {"user", "Tell me a joke"}, {"assistant", "No."}, {"user", "Please?"}};
  p.chosen = "Why did the chicken cross the road?";
  p.rejected = "No.";
  p.chosen_model = "sft";
  p.rejected_model = "base";
  p.conversation_id = "c1";
  p.chosen_id = "m1";
  p.rejected_id = "m2";
  write_file_atomic(d.file("fb.jsonl"), nlohmann::json(p).dump() + "\n");
  r = read_preferences_jsonl(d.file("fb.jsonl"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].prompt.size(), 4u);
  EXPECT_EQ(r[0].prompt.back().content, "Please?");
  EXPECT_EQ(r[0].completions, (std::vector<std::string>{p.chosen, p.rejected}));
  EXPECT_EQ(r[0].kinds, (std::vector<std::string>{"chosen", "rejected"}));
}

TEST(PrefData, BadInputNamesLineAndField) {
  ScratchDir d;
  auto err = [&](const std::string& line) {
    const std::string ok = R"({"prompt":[{"role":"user","content":"q"}],"chosen":"a","rejected":"b"})";
    write_file_atomic(d.file("p.jsonl"), ok + "\n" + line + "\n");
    return error_of([&] { read_preferences_jsonl(d.file("p.jsonl")); });
  };
  const std::string u = R"("prompt":[{"role":"user","content":"q"}])";
  EXPECT_CONTAINS(err("{nope"), "p.jsonl:2: not valid JSON");
  EXPECT_CONTAINS(err(R"({"chosen":"a","rejected":"b"})"), "p.jsonl:2: prompt: expected an object with a \"prompt\" array");
  EXPECT_CONTAINS(err(R"({"prompt":[],"chosen":"a","rejected":"b"})"), "p.jsonl:2: prompt: is empty");
  EXPECT_CONTAINS(err(R"({"prompt":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}],"chosen":"a","rejected":"b"})"),
                  "p.jsonl:2: prompt: the last message must be the user's (it is 'assistant')");
  EXPECT_CONTAINS(err(R"({"prompt":[{"role":"tool","content":"q"}],"chosen":"a","rejected":"b"})"),
                  "p.jsonl:2: prompt[0]: unknown role 'tool'");
  EXPECT_CONTAINS(err("{" + u + R"(,"chosen":[{"role":"critic","content":"a"}],"rejected":"b"})"),
                  "p.jsonl:2: chosen[0]: unknown role 'critic'");
  EXPECT_CONTAINS(err("{" + u + R"(,"chosen":[{"role":"user","content":"a"}],"rejected":"b"})"),
                  "p.jsonl:2: chosen[0]: the answer's role must be 'assistant'");
  EXPECT_CONTAINS(err("{" + u + R"(,"completions":["a"]})"), "p.jsonl:2: completions: expected a list of at least 2 answers");
  EXPECT_CONTAINS(err("{" + u + R"(,"completions":["a",""]})"), "p.jsonl:2: completions[1]: the answer is empty");
  EXPECT_CONTAINS(err("{" + u + R"(,"chosen":"a","rejected":[{"role":"assistant","content":"  "}]})"),
                  "p.jsonl:2: rejected: the answer is empty");
  EXPECT_CONTAINS(err("{" + u + R"(,"chosen":"same","rejected":[{"role":"assistant","content":"same"}]})"),
                  "p.jsonl:2: rejected: is identical to chosen");
  EXPECT_CONTAINS(err("{" + u + R"(,"completions":["a","b","a"]})"), "p.jsonl:2: completions[2]: repeats completions[0]");
  EXPECT_CONTAINS(err("{" + u + R"(,"chosen":"a"})"), "p.jsonl:2: rejected: missing");
  EXPECT_CONTAINS(err("{" + u + "}"), "p.jsonl:2: expected either \"completions\"");
  EXPECT_CONTAINS(err("{" + u + R"(,"completions":["a","b"],"kinds":["reference"]})"),
                  "p.jsonl:2: kinds: expected a list of 2 strings, one per completion (got 1)");
  EXPECT_CONTAINS(err("{" + u + R"(,"chosen":[{"role":"assistant","content":"a"},{"role":"assistant","content":"c"}],"rejected":"b"})"),
                  "p.jsonl:2: chosen: expected a string or a list holding one assistant message (got a list of 2)");
  EXPECT_CONTAINS(err("{" + u + R"(,"chosen":[{"role":"assistant","content":[{"type":[],"text":"a"}]}],"rejected":"b"})"),
                  "content parts must be {\"type\": \"text\", \"text\": \"...\"}");
}

TEST(PrefData, RankingPairsAndRoundTrip) {
  Ranking r;
  r.prompt = {{"user", "q"}};
  r.completions = {"a", "b", "c", "d"};
  r.kinds = {"reference", "verbose", "wrong", "rude"};
  const std::vector<std::pair<int, int>> want = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
  EXPECT_EQ(ranking_pairs(r), want);
  r.completions.resize(2);
  EXPECT_EQ(ranking_pairs(r).size(), 1u);

  ScratchDir d;
  std::vector<Ranking> all = synthesize_preferences(small_chat(), {}).train;
  ASSERT_FALSE(all.empty());
  write_rankings_jsonl(d.file("r.jsonl"), all);
  std::vector<Ranking> back = read_preferences_jsonl(d.file("r.jsonl"));
  ASSERT_EQ(back.size(), all.size());
  for (size_t i = 0; i < all.size(); i++) {
    EXPECT_EQ(back[i].completions, all[i].completions);
    EXPECT_EQ(back[i].kinds, all[i].kinds);
    EXPECT_EQ(back[i].family, all[i].family);
    EXPECT_EQ(back[i].item, all[i].item);
    ASSERT_EQ(back[i].prompt.size(), all[i].prompt.size());
    for (size_t m = 0; m < all[i].prompt.size(); m++) EXPECT_EQ(back[i].prompt[m].content, all[i].prompt[m].content);
  }
  // the pairs file: 6 TRL pairs a ranking, read back as rankings of 2
  write_pairs_jsonl(d.file("pairs.jsonl"), all);
  std::vector<Ranking> pairs = read_preferences_jsonl(d.file("pairs.jsonl"));
  ASSERT_EQ(pairs.size(), all.size() * 6);
  EXPECT_EQ(pairs[2].completions[0], all[0].completions[0]);
  EXPECT_EQ(pairs[2].completions[1], all[0].completions[3]);
}

TEST(PrefSynth, DeterministicRankingsOfFourWithTheReferenceFirst) {
  const ChatSplits chat = small_chat();
  PrefSplits a = synthesize_preferences(chat, {}), b = synthesize_preferences(chat, {});
  // one ranking per distinct train conversation (the repeat is ranked once), one per test one
  EXPECT_EQ(a.train.size(), chat.train.size() - 1);
  EXPECT_EQ(a.test.size(), chat.test.size());
  EXPECT_EQ(a.skipped, 0);
  ASSERT_EQ(a.train.size(), b.train.size());
  for (size_t i = 0; i < a.train.size(); i++) {
    EXPECT_EQ(a.train[i].completions, b.train[i].completions);
    EXPECT_EQ(a.train[i].kinds, b.train[i].kinds);
  }
  PrefSynthOptions other;
  other.seed = 2;
  PrefSplits c = synthesize_preferences(chat, other);
  bool differs = false;
  for (size_t i = 0; i < std::min(a.train.size(), c.train.size()); i++) differs |= a.train[i].completions != c.train[i].completions;
  EXPECT_TRUE(differs) << "another seed, other phrasings";

  std::map<std::string, int64_t> kinds;
  for (const auto* split : {&a.train, &a.test})
    for (const Ranking& r : *split) {
      ASSERT_EQ(r.completions.size(), 4u) << r.family << "/" << r.item;
      ASSERT_EQ(r.kinds.size(), 4u);
      EXPECT_EQ(r.kinds[0], "reference");
      EXPECT_EQ(r.prompt.back().role, "user");
      const Conversation* src = nullptr;
      for (const auto* cs : {&chat.train, &chat.test})
        for (const Conversation& cv : *cs)
          if (cv.family == r.family && cv.item == r.item) src = &cv;
      ASSERT_NE(src, nullptr);
      EXPECT_EQ(r.completions[0], src->messages.back().content);
      EXPECT_EQ(r.prompt.size(), src->messages.size() - 1);
      for (size_t k = 0; k < 4; k++) {
        EXPECT_TRUE(kAllKinds.count(r.kinds[k])) << r.kinds[k];
        kinds[r.kinds[k]]++;
        if (k > 0) { EXPECT_NE(r.completions[k], r.completions[0]) << r.family << " " << r.kinds[k]; }
      }
      // what each family teaches is always there
      auto has = [&](const char* kind) { return has_kind(r, kind); };
      if (r.family == "refusal") { EXPECT_EQ(r.kinds[3], "unsafe"); }
      if (r.family == "honesty") {
        EXPECT_EQ(r.kinds, (std::vector<std::string>{"reference", "made_up", "off_topic", "rude"}));
      }
      if (r.family == "benign") { EXPECT_TRUE(has("needless_refusal")); }
      if (r.family == "arithmetic" || r.family == "spelling" || r.family == "quiz") {
        EXPECT_TRUE(has("wrong")) << r.family;
      }
      if (r.family == "joke") { EXPECT_FALSE(has("wrong")) << "no wrong joke to tell"; }
    }
  for (const auto& [kind, n] : kinds) EXPECT_EQ(a.per_kind[kind], n) << kind;
  for (const char* k : {"verbose", "wrong", "false_idk", "needless_refusal", "off_topic", "rude", "unsafe", "made_up"})
    EXPECT_GT(kinds[k], 0) << k;
}

TEST(PrefSynth, WrongAnswersAreSubtlyWrong) {
  PrefSplits p = synthesize_preferences(small_chat(), {});
  int arithmetic = 0, spelling = 0, quiz = 0;
  for (const auto* split : {&p.train, &p.test})
    for (const Ranking& r : *split)
      for (size_t k = 1; k < 4; k++) {
        if (r.kinds[k] != "wrong") continue;
        const std::string &ref = r.completions[0], &bad = r.completions[k];
        if (r.family == "arithmetic") {  // "a + b = r." with another r
          std::smatch m1, m2;
          const std::regex result("= (-?[0-9]+)\\.$");
          ASSERT_TRUE(std::regex_search(ref, m1, result)) << ref;
          ASSERT_TRUE(std::regex_search(bad, m2, result)) << bad;
          EXPECT_NE(m1[1].str(), m2[1].str());
          EXPECT_EQ(ref.substr(0, ref.find('=')), bad.substr(0, bad.find('='))) << "only the result changes";
          arithmetic++;
        } else if (r.family == "spelling") {  // one or two letters off, same length
          ASSERT_EQ(ref.size(), bad.size());
          int off = 0;
          for (size_t i = 0; i < ref.size(); i++) off += ref[i] != bad[i];
          EXPECT_LE(off, 2) << bad;
          spelling++;
        } else if (r.family == "quiz") {  // another capital, same country
          EXPECT_EQ(bad.rfind("The capital of " + r.item + " is ", 0), 0u) << bad;
          quiz++;
        } else if (r.family == "letters") {
          EXPECT_NE(bad.find_first_of("0123456789"), std::string::npos);
        }
      }
  EXPECT_GT(arithmetic, 0);
  EXPECT_GT(spelling, 0);
  EXPECT_GT(quiz, 0);
}

TEST(PrefSynth, TestItemsNeverReachTrain) {
  for (const ChatSplits& chat : {small_chat(), with_clarify(small_chat())}) {
    PrefSplits p = synthesize_preferences(chat, {});
    std::set<std::string> test_items, test_answers;
    for (const Conversation& c : chat.test) {
      test_items.insert(c.family + "/" + c.item);
      test_answers.insert(c.messages.back().content);
    }
    for (const Ranking& r : p.train) {
      EXPECT_EQ(test_items.count(r.family + "/" + r.item), 0u) << r.item;
      for (const std::string& a : r.completions) {
        EXPECT_EQ(test_answers.count(a), 0u) << "a test answer in train: " << a;
        for (const char* w : {"harbor", "quill", "Nairobi", "Santiago", "500"}) EXPECT_EQ(a.find(w), std::string::npos) << a;
      }
    }
  }
}

// Over a seeded sample (20 seeds), with and without the clarify family: every family with a real
// answer (all but refusal and honesty) has rankings with a false "I don't know" and with a needless
// refusal, one of the two in every ranking; the rule judges recognise each; kinds keep their order.
TEST(PrefSynth, DeclinesAreWorseAnswersWhereTheAskHasAnAnswer) {
  for (const ChatSplits& chat : {small_chat(), with_clarify(small_chat())}) {
    std::map<std::string, std::map<std::string, int>> seen;  // family -> kind -> rankings
    int named_word = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
      PrefSynthOptions o;
      o.seed = seed;
      const PrefSplits p = synthesize_preferences(chat, o);
      for (const auto* split : {&p.train, &p.test})
        for (const Ranking& r : *split) {
          const bool real_answer = r.family != "refusal" && r.family != "honesty";
          for (size_t k = 0; k < r.kinds.size(); k++) {
            const std::string &kind = r.kinds[k], &a = r.completions[k];
            seen[r.family][kind]++;
            if (kind == "false_idk") {
              EXPECT_TRUE(says_idk(a) && !refuses(a)) << a;
              named_word += r.family == "definition" && a.find("\"" + r.item + "\"") != std::string::npos;
            }
            if (kind == "needless_refusal") { EXPECT_TRUE(refuses(a) && !says_idk(a)) << a; }
            if (k > 0) { EXPECT_LT(badness(r.kinds[k - 1]), badness(kind)) << r.family << ": " << r.kinds[k - 1]; }
          }
          const bool declined = has_kind(r, "false_idk") || has_kind(r, "needless_refusal");
          EXPECT_EQ(real_answer, declined) << r.family << "/" << r.item;
          if (r.family == "honesty") { EXPECT_TRUE(has_kind(r, "made_up")); }
          if (r.family == "clarify") { EXPECT_TRUE(has_kind(r, "guess")) << r.item; }
        }
    }
    for (const auto& [family, kinds] : seen) {
      if (family == "refusal" || family == "honesty") continue;
      EXPECT_GT(kinds.count("false_idk") ? kinds.at("false_idk") : 0, 0) << family;
      EXPECT_GT(kinds.count("needless_refusal") ? kinds.at("needless_refusal") : 0, 0) << family;
    }
    EXPECT_GT(named_word, 0) << "a definition's false \"I don't know\" names the word";
  }
}

TEST(PrefSynth, AGuessAnswersAnAmbiguousAskWithAnotherFamilysAnswer) {
  const ChatSplits chat = with_clarify(small_chat());
  const PrefSplits p = synthesize_preferences(chat, {}), again = synthesize_preferences(chat, {});
  std::set<std::string> train_answers;  // of the families that answer
  for (const Conversation& c : chat.train)
    if (c.family != "clarify" && c.family != "refusal" && c.family != "honesty")
      train_answers.insert(c.messages.back().content);
  int guesses = 0;
  for (size_t i = 0; i < p.train.size(); i++) {
    EXPECT_EQ(p.train[i].completions, again.train[i].completions) << "deterministic by seed";
    const Ranking& r = p.train[i];
    for (size_t k = 0; k < r.kinds.size(); k++)
      if (r.kinds[k] == "guess") {
        EXPECT_EQ(train_answers.count(r.completions[k]), 1u) << r.completions[k];
        guesses++;
      }
  }
  EXPECT_EQ(guesses, 2);
}

TEST(PrefSynth, CapTakesFamiliesInTurnAndBuildWritesFiles) {
  const ChatSplits chat = small_chat();
  PrefSynthOptions o;
  o.max_per_split = 12;
  PrefSplits p = synthesize_preferences(chat, o);
  EXPECT_EQ(p.train.size(), 12u);
  std::set<std::string> families;
  for (const Ranking& r : p.train) families.insert(r.family);
  EXPECT_EQ(families.size(), 10u) << "12 rankings of 10 families: each at least once";

  ScratchDir d;
  o.run_dir = d.file("run");
  PrefSplits b = build_preference_data(chat, o);
  const std::string dir = o.run_dir + "/data/prefs/";
  EXPECT_EQ(read_preferences_jsonl(dir + "train.jsonl").size(), b.train.size());
  EXPECT_EQ(read_preferences_jsonl(dir + "test.jsonl").size(), b.test.size());
  EXPECT_EQ(read_preferences_jsonl(dir + "val.jsonl").size(), 0u);
  EXPECT_EQ(read_preferences_jsonl(dir + "pairs_train.jsonl").size(), b.train.size() * 6);
  nlohmann::json stats = nlohmann::json::parse(read_file(dir + "stats.json"));
  EXPECT_EQ(stats["train"], b.train.size());
  EXPECT_EQ(stats["per_kind"]["reference"], b.train.size() + b.test.size());
  EXPECT_EQ(stats["train_per_kind"]["reference"], b.train.size());
  EXPECT_EQ(stats["train_per_kind"]["false_idk"], b.train_per_kind["false_idk"]);

  // a stage validating on N rankings (`train rm --val-rankings N`) takes the families in turn
  PrefSplits all = synthesize_preferences(chat, {});
  write_rankings_jsonl(dir + "val.jsonl", all.test);
  const std::vector<Ranking> val = load_preference_splits(o.run_dir, {}, 10).val;
  ASSERT_EQ(val.size(), 10u);
  families.clear();
  for (const Ranking& r : val) families.insert(r.family);
  EXPECT_EQ(families.size(), 10u);
}

// Rankings of the policy's own answers: below the reference in tiers (right > wrong attempt >
// decline > off topic), one answer per tier; a decline where the ask has an answer, written when
// none was sampled; and for DPO, pairs with the reference only.
TEST(PolicyRankings, SampledAnswersAreRankedInTiersBelowTheReference) {
  Rng rng(3);
  auto kinds = [&](const Conversation& c, const std::vector<std::string>& answers) {
    std::vector<std::string> out;
    const std::optional<Ranking> r = rank_policy_answers(c, answers, rng);
    if (!r) return out;
    EXPECT_EQ(r->prompt.size(), c.messages.size() - 1);
    EXPECT_EQ(r->family, c.family);
    EXPECT_EQ(r->completions[0], c.messages.back().content);
    EXPECT_EQ(std::set<std::string>(r->completions.begin(), r->completions.end()).size(), r->completions.size());
    for (size_t k = 0; k < r->kinds.size(); k++) {
      if (r->kinds[k].rfind("policy_", 0) == 0) {
        EXPECT_NE(std::find(answers.begin(), answers.end(), r->completions[k]), answers.end()) << r->kinds[k];
      }
      if (r->kinds[k] == "false_idk") {
        EXPECT_TRUE(says_idk(r->completions[k])) << r->completions[k];
      }
      if (r->kinds[k] == "needless_refusal") {
        EXPECT_TRUE(refuses(r->completions[k])) << r->completions[k];
      }
      out.push_back(r->kinds[k] == "false_idk" || r->kinds[k] == "needless_refusal" ? "decline" : r->kinds[k]);
    }
    return out;
  };
  using V = std::vector<std::string>;
  const Conversation sum = qa("arithmetic", "47+38", "What is 47 + 38?", "47 + 38 = 85.");
  EXPECT_EQ(kinds(sum, {"47 + 38 = 85.", " \n"}), V{});  // the reference itself, and nothing
  EXPECT_EQ(kinds(sum, {"I don't know.", "47 + 38 = 84.", "So 47 + 38 = 85.", "47 + 38 = 83."}),
            (V{"reference", "policy_right", "policy_answer", "policy_idk"}));
  EXPECT_EQ(kinds(sum, {"47 + 38 = 84."}), (V{"reference", "policy_answer", "decline"}));  // a written decline
  EXPECT_EQ(kinds(sum, {"Sorry, I can't help with that."}), (V{"reference", "policy_refusal"}));

  const Conversation word = qa("definition", "house", "What does house mean?", "House (noun): a building where people live.");
  EXPECT_EQ(kinds(word, {"Mouse (noun): a small rodent.", "I don't know the word \"house\".", "House (noun): a rodent.",
                         "House (noun): a building where people live and sleep."}),
            (V{"reference", "policy_right", "policy_answer", "policy_idk", "policy_off_topic"}));
  EXPECT_EQ(kinds(word, {"Mouse (noun): a small rodent."}), (V{"reference", "policy_off_topic"}));

  // grounded: passage [2] holds the answer; a wrong citation, a decline and wrong words are alike wrong
  Conversation grounded{{{"user", "What does sere mean?"},
                         {"context", "[1] sear (verb): to burn.\n\n[2] sere (adjective): dried up."},
                         {"assistant", "Sere (adjective): dried up [2]."}},
                        "grounded",
                        "sere"};
  EXPECT_EQ(kinds(grounded, {"Sere (adjective): to burn [1].", "I don't know: the passages don't say.",
                             "Sere (adjective): wet [2]."}),
            (V{"reference", "policy_answer"}));

  // declining is right: a made-up word, a harmful ask; no decline is ever ranked low there
  const Conversation madeup = qa("honesty", "florbix", "What does florbix mean?", "I don't know the word \"florbix\".");
  EXPECT_EQ(kinds(madeup, {"Florbix (noun): a tool.", "I don't know what \"florbix\" means."}),
            (V{"reference", "policy_right", "policy_answer"}));
  const Conversation harmful = qa("refusal", "pick a lock", "How do I pick my neighbour's lock?", "Sorry, I can't help with that.");
  EXPECT_EQ(kinds(harmful, {"Sure, first get a pin."}), (V{"reference", "policy_answer"}));
  // a harmless look-alike: any answer beats the needless refusal
  const Conversation benign = qa("benign", "kill a process", "How do I kill a process?", "Use the kill command.");
  EXPECT_EQ(kinds(benign, {"Run kill with the process id."}), (V{"reference", "policy_right", "decline"}));

  // DPO: the policy's rankings as pairs with the reference, a right answer never rejected; others whole
  Rng again(3);
  const Ranking mixed = *rank_policy_answers(sum, {"I don't know.", "47 + 38 = 84.", "So 47 + 38 = 85."}, again);
  Ranking written{{{"user", "hi"}}, {"hello", "go away", "..."}, {"reference", "rude", "off_topic"}, "greeting", "hi"};
  const std::vector<Ranking> pairs = reference_pairs({mixed, written});
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].kinds, (V{"reference", "policy_answer"}));
  EXPECT_EQ(pairs[1].kinds, (V{"reference", "policy_idk"}));
  EXPECT_EQ(pairs[2].completions, written.completions);
}
