// data/feedback_pairs: preference pairs from rated turns, without a database (the store's own
// test, store_test.cpp Feedback.*, reads the turns from SQLite).
#include "data/feedback_pairs.h"

#include <gtest/gtest.h>

#include <vector>

namespace own {
namespace {

TEST(FeedbackPairs, EveryUpWithEveryDownTurnByTurn) {
  std::vector<RatedTurn> turns(2);
  turns[0].conversation_id = "c1";
  turns[0].prompt = {{"system", "Be terse."}, {"user", "2+2?"}};
  turns[0].answers = {{"a", "4", "sft", 1}, {"b", "5", "base", -1}, {"c", "four", "sft", 1}, {"d", "22", "base", -1}};
  turns[1].conversation_id = "c2";
  turns[1].prompt = {{"user", "hi"}};
  turns[1].answers = {{"e", "hello", "sft", 1}, {"f", "hey", "sft", 1}};  // same sign: no pair
  const std::vector<PreferencePair> pairs = feedback_pairs(turns);
  ASSERT_EQ(pairs.size(), 4u);
  const char* want[][2] = {{"a", "b"}, {"a", "d"}, {"c", "b"}, {"c", "d"}};
  for (size_t i = 0; i < pairs.size(); i++) {
    EXPECT_EQ(pairs[i].chosen_id, want[i][0]) << i;
    EXPECT_EQ(pairs[i].rejected_id, want[i][1]) << i;
    EXPECT_EQ(pairs[i].conversation_id, "c1");
    EXPECT_EQ(pairs[i].prompt.size(), 2u);
  }
  EXPECT_EQ(pairs[1].chosen, "4");
  EXPECT_EQ(pairs[1].rejected, "22");
  EXPECT_EQ(pairs[1].chosen_model, "sft");
  EXPECT_EQ(pairs[1].rejected_model, "base");
  EXPECT_TRUE(feedback_pairs({}).empty());
}

}  // namespace
}  // namespace own
