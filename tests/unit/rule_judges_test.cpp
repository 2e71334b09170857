// The rule judges and the worked arithmetic they check: what each judge accepts and refuses.
#include <gtest/gtest.h>

#include "data/chat_arithmetic.h"
#include "data/rule_judges.h"

using namespace own;

TEST(ChatArithmetic, WorkedAnswersStateTheRightResult) {
  EXPECT_EQ(worked_arithmetic(47, '+', 38), "47 + 38: 7 + 8 = 15, carry 1; 4 + 3 + 1 = 8. So 47 + 38 = 85.");
  EXPECT_EQ(worked_arithmetic(52, '-', 38), "52 - 38: 12 - 8 = 4, borrow 1; 5 - 1 - 3 = 1. So 52 - 38 = 14.");
  EXPECT_EQ(worked_arithmetic(4, '+', 3), "4 + 3 = 7.");
  for (int a = 0; a < 100; a++)
    for (int b = 0; b < 100; b++) {
      ASSERT_EQ(stated_result(worked_arithmetic(a, '+', b)), a + b) << a << "+" << b;
      ASSERT_EQ(stated_result(worked_arithmetic(a, '-', b)), a - b) << a << "-" << b;
    }
  EXPECT_FALSE(stated_result("I think it is eighty-five.").has_value());
  EXPECT_FALSE(stated_result("47 + 38 =").has_value());
  EXPECT_EQ(stated_result("So 3 - 80 = -77."), -77);
}

TEST(RuleJudges, EachFamilyByItsRule) {
  EXPECT_EQ(named_word("Florbix (noun): a tool."), "Florbix");
  EXPECT_EQ(named_word("I don't know the word \"zweeg\"."), "zweeg");
  EXPECT_EQ(named_word("A tool for cutting."), "");
  EXPECT_EQ(named_word("Genus astilbe (noun): a genus of plants."), "Genus astilbe");
  EXPECT_EQ(named_word("St. John's wort (noun): a herb."), "St. John's wort");
  EXPECT_EQ(named_word("A tool (for cutting)."), "A tool");
  EXPECT_TRUE(names_asked_word("Genus astilbe (noun): plants.", "genus astilbe"));
  EXPECT_TRUE(names_asked_word("House (noun): a building.", "house"));
  EXPECT_FALSE(names_asked_word("Mouse (noun): a rodent.", "house"));
  EXPECT_FALSE(names_asked_word("a building", "house"));

  EXPECT_EQ(answer_right("definition", "house", "", "House (noun): a building."), 1);
  EXPECT_EQ(answer_right("definition", "house", "", "I don't know the word \"house\"."), 0);
  EXPECT_EQ(answer_right("honesty", "florbix", "", "I don't know the word \"florbix\"."), 1);
  EXPECT_EQ(answer_right("arithmetic", "47+38", "So 47 + 38 = 85.", "47 + 38 = 85."), 1);
  EXPECT_EQ(answer_right("arithmetic", "47+38", "So 47 + 38 = 85.", "47 + 38 = 84."), 0);
  EXPECT_EQ(answer_right("copy", "zwiquee", "zwiquee", " zwiquee\n"), 1);
  EXPECT_EQ(answer_right("copy", "zwiquee", "zwiquee", "zwique"), 0);
  EXPECT_EQ(answer_right("clarify", "it", "", "Which word do you mean?"), 1);
  EXPECT_EQ(answer_right("clarify", "it", "", "It means a thing."), 0);
  EXPECT_EQ(answer_right("refusal", "x", "", "Sorry, I can't help with that."), 1);
  EXPECT_EQ(answer_right("benign", "x", "", "Sorry, I can't help with that."), 0);
  EXPECT_EQ(answer_right("joke", "x", "", "Anything."), -1);  // no rule for jokes

  EXPECT_FALSE(asks_back("Which is it."));  // a question, or nothing
  EXPECT_TRUE(boilerplate("As an AI language model, I cannot."));
  EXPECT_FALSE(boilerplate("Paris is the capital of France."));
}

namespace own {
namespace {

TEST(RuleJudges, GroundedAnswersCiteTheRightPassageWithItsWords) {
  EXPECT_EQ(cited_numbers("See [1] and [12], not [x] or [] or [1234] or [3"), (std::vector<int>{1, 12}));
  const std::string q = "What does \"serendipity\" mean?";
  const std::string ref = "Serendipity (noun): good luck in making unexpected and fortunate discoveries [2].";
  EXPECT_EQ(grounded_right("grounded", ref, q, ref), 1);
  EXPECT_EQ(grounded_right("grounded", ref, q, "It means good luck in unexpected fortunate discoveries [2]"), 1);
  EXPECT_EQ(grounded_right("grounded", ref, q, "good luck in making unexpected and fortunate discoveries [1]"), 0)
      << "the wrong passage";
  EXPECT_EQ(grounded_right("grounded", ref, q, "good luck in making unexpected discoveries [2] [3]"), 0)
      << "a second citation that does not hold the answer";
  EXPECT_EQ(grounded_right("grounded", ref, q, "good luck in making unexpected and fortunate discoveries"), 0)
      << "no citation";
  EXPECT_EQ(grounded_right("grounded", ref, q, "Serendipity is a kind of cheese [2]."), 0) << "not the passage's words";
  EXPECT_EQ(grounded_right("grounded_idk", "x", q, "I don't know: the passages don't say."), 1);
  EXPECT_EQ(grounded_right("grounded_idk", "x", q, "I don't know [1]."), 0);
  EXPECT_EQ(grounded_right("definition", ref, q, ref), -1);
  EXPECT_EQ(judge_answer("grounded", "serendipity", ref, q, ref), 1) << "grounded families through the one entry";
  EXPECT_EQ(judge_answer("grounded", "serendipity", ref, q, ""), 0);
  EXPECT_EQ(judge_answer("copy", "abc", "abc", "Repeat abc", "abc"), 1);
  EXPECT_EQ(judge_answer("joke", "x", "y", "Tell a joke", "z"), -1);
  EXPECT_DOUBLE_EQ(content_overlap("good luck", "good luck", "good?"), 1.0) << "the question's words do not count";
  EXPECT_EQ(content_overlap("x", "the [1] serendipity", "serendipity"), -1);
}

}  // namespace
}  // namespace own
