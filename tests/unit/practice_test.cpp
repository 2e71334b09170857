// Practice text (data/practice.h): what it teaches is right (sums, copies, recalls, spellings), it
// never holds a chat test or val item, it is deterministic, and `data build --practice` puts the
// asked share into train and none into val.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "core/fileio.h"
#include "data/chat_arithmetic.h"
#include "data/chat_synth.h"
#include "data/corpus.h"
#include "data/practice.h"
#include "test_util.h"

using namespace own;
using namespace own::test;
namespace fs = std::filesystem;

namespace {

const char* kRealText = "The whale swam past the old ship, and Ahab watched the grey sea: harpoon, rope and sail.";

std::vector<std::string> practice(uint64_t seed, int64_t bytes) {
  WordPool pool(1000);
  pool.add_text(kRealText);
  std::vector<std::string> docs;
  practice_documents(pool.words(), seed, bytes, [&](std::string&& d) { docs.push_back(std::move(d)); });
  return docs;
}

std::vector<std::string> lines_of(const std::vector<std::string>& docs) {
  std::vector<std::string> out;
  for (const std::string& d : docs) {
    size_t a = 0;
    for (size_t b; (b = d.find('\n', a)) != std::string::npos; a = b + 1) out.push_back(d.substr(a, b - a));
    out.push_back(d.substr(a));
  }
  return out;
}

}  // namespace

TEST(Practice, WordPoolTakesPlainLowercaseWordsOnce) {
  WordPool pool(100);
  pool.add_text("the cat, the Cat; x2 dog_s ab caté catalogue catalogues abcdefghijklm whale");
  EXPECT_EQ(pool.words(), (std::vector<std::string>{"the", "cat", "catalogue", "catalogues", "whale"}));
  WordPool small(2);
  small.add_text("one two three four");
  EXPECT_EQ(small.words().size(), 2u);
}

TEST(Practice, EveryDrillIsRightAndNoHeldOutItemAppears) {
  const std::vector<std::string> docs = practice(7, 200'000);
  int64_t bytes = 0;
  for (const std::string& d : docs) bytes += static_cast<int64_t>(d.size());
  EXPECT_GE(bytes, 200'000);
  EXPECT_LT(bytes, 200'000 + 2'000);  // stops within one document of the budget

  const std::regex worked(R"(.*So (\d+) ([+-]) (\d+) = (-?\d+)\.)");
  const std::regex bare(R"((\d+) ([+-]) (\d+) = (-?\d+)\.?)");
  const std::regex again(R"((.+)\. Again: (.+)\.)");
  const std::regex spelled(R"(([a-z]+)(?: is spelled |: )([a-z](?:[- ][a-z])*)\.?)");
  const std::regex recall_so(R"((.*)\. So (\S+) = (\S+)\.)");
  std::map<std::string, int> seen;
  const std::regex word(R"(\b[a-z]{3,}\b)");
  const std::set<std::string> drill_words = {"again", "repeat", "after", "copy", "she", "said", "repeated", "the",
                                             "words", "were", "wrote", "down", "spelled", "what"};
  std::set<std::string> real;
  {
    WordPool pool(1000);
    pool.add_text(kRealText);
    real.insert(pool.words().begin(), pool.words().end());
  }
  for (const std::string& line : lines_of(docs)) {
    std::smatch m;
    if (std::regex_match(line, m, worked) || std::regex_match(line, m, bare)) {
      const int a = std::stoi(m[1]), b = std::stoi(m[3]);
      const char op = m[2].str()[0];
      EXPECT_EQ(std::stol(m[4]), op == '+' ? a + b : a - b) << line;
      EXPECT_STREQ(chat_split_of("arithmetic", fmt::format("{}{}{}", a, op, b)), "train") << line;
      if (line.find("So ") != std::string::npos) {
        EXPECT_EQ(line, worked_arithmetic(a, op, b));
      }
      seen["arithmetic"]++;
      continue;  // digits and the method's own words only
    } else if (std::regex_match(line, m, again)) {
      EXPECT_EQ(m[1], m[2]) << line;
      seen["copy"]++;
    } else if (std::regex_match(line, m, spelled)) {
      std::string letters = m[2];
      letters.erase(std::remove_if(letters.begin(), letters.end(), [](char c) { return c == ' ' || c == '-'; }),
                    letters.end());
      EXPECT_EQ(letters, m[1]) << line;
      seen["spell"]++;
    } else if (std::regex_match(line, m, recall_so)) {
      EXPECT_NE(m[1].str().find(m[2].str() + " = " + m[3].str()), std::string::npos) << line;
      seen["recall"]++;
    }
    // made-up words are only ever the chat data's train ones: no val or test honesty word
    std::smatch w;
    for (auto it = line.cbegin(); std::regex_search(it, line.cend(), w, word); it = w[0].second)
      if (!real.count(w[0]) && !drill_words.count(w[0])) {
        EXPECT_STREQ(chat_split_of("honesty", w[0]), "train") << w[0] << " in " << line;
      }
  }
  for (const char* kind : {"arithmetic", "copy", "spell", "recall"}) EXPECT_GT(seen[kind], 20) << kind;

  EXPECT_EQ(practice(7, 50'000), practice(7, 50'000));  // a pure function of its inputs
  EXPECT_NE(practice(7, 50'000), practice(8, 50'000));
}

TEST(Practice, DataBuildPutsTheShareIntoTrainOnly) {
  fs::path src = fs::path(::testing::TempDir()) / "practice_src";
  fs::remove_all(src);
  fs::create_directories(src);
  for (int i = 0; i < 200; ++i)
    std::ofstream(src / fmt::format("d{}.txt", i)) << fmt::format("Document {} tells of the whale and the sea.\n", i);
  fs::path run = fs::path(::testing::TempDir()) / "practice_run";
  CmdResult r = run_binary("data build --run " + run.string() + " --sources " + src.string() + " --practice 0.25");
  ASSERT_EQ(r.status, 0) << r.output;
  auto stats = nlohmann::json::parse(read_file((run / "data/corpus/stats.json").string()));
  const auto& sources = stats["sources"];
  ASSERT_EQ(sources.back()["name"], "practice");
  const double practice_bytes = sources.back()["train_bytes"], total = stats["total"]["train_bytes"];
  EXPECT_NEAR(practice_bytes / total, 0.25, 0.05);
  EXPECT_EQ(sources.back()["val_bytes"], 0);
  std::ifstream val(run / "data/corpus/val.jsonl");
  for (std::string line; std::getline(val, line);) EXPECT_EQ(line.find("\"practice\""), std::string::npos);

  r = run_binary("data build --run " + run.string() + " --sources " + src.string() + " --practice 0.9");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--practice"), std::string::npos) << r.output;
}
