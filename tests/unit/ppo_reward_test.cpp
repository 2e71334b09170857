// PPO's reward pieces without a model: the score shaping that a policy cannot game by answering
// everything in one style (train/ppo_reward.h), the adaptive KL coefficient, and the bookkeeping of
// the best-judged policy (train/best_policy.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/rng.h"
#include "test_util.h"
#include "train/best_policy.h"
#include "train/ppo.h"
#include "train/ppo_reward.h"

using namespace own;

namespace {

// A reward model that is gamed by one style: a refusal scores 3 whatever the prompt (with a little
// noise), every other answer N(0, 1). A batch of n answers, `refusals` of them refusals.
std::vector<double> gamed_scores(size_t n, size_t refusals, Rng& r) {
  std::vector<double> s(n);
  for (size_t i = 0; i < n; i++) s[i] = i < refusals ? 3.0 + 0.02 * r.normal() : r.normal();
  return s;
}

double mean(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m += x;
  return m / static_cast<double>(v.size());
}

}  // namespace

// A policy sliding from mixed answers to refusals only: the raw score climbs from ~0 to 3, the
// shaped one stays at mean 0 in every batch, and the collapsed batch's near-identical scores are
// not blown up to unit spread (as a per-batch std would) but stay small.
TEST(PpoReward, CollapsingOntoOneStyleEarnsNothing) {
  Rng r(11);
  ScoreScale scale;
  const size_t n = 16;
  std::vector<double> shaped(n), raw_means, shaped_means;
  for (size_t refusals : {0, 4, 8, 12, 16}) {
    const std::vector<double> scores = gamed_scores(n, refusals, r);
    shape_scores(shaped.data(), scores.data(), n, 5.0, scale);
    raw_means.push_back(mean(scores));
    shaped_means.push_back(mean(shaped));
    if (refusals == 8) {  // what shaping leaves: inside a mixed batch the RM's favourite still leads
      EXPECT_GT(*std::min_element(shaped.begin(), shaped.begin() + 8), 0.0);
    }
  }
  EXPECT_GT(raw_means.back() - raw_means.front(), 2.5) << "the simulated reward model is not gamed; the test is vacuous";
  for (size_t k = 0; k < shaped_means.size(); k++) EXPECT_NEAR(shaped_means[k], 0.0, 1e-9) << "batch " << k;
  double largest = 0;
  for (double s : shaped) largest = std::max(largest, std::fabs(s));
  EXPECT_LT(largest, 0.1) << "the collapsed batch's noise was scaled up to a reward signal";
  EXPECT_GT(scale.std(), 0.5) << "the running scale forgot the earlier batches";
}

TEST(PpoReward, OneOverratedAnswerIsClipped) {
  ScoreScale scale;
  std::vector<double> scores(32, 0.0), shaped(32);
  for (size_t i = 0; i < scores.size(); i++) scores[i] = i % 2 ? 1.0 : -1.0;
  scores[5] = 1000.0;  // an answer the reward model wildly overrates
  EXPECT_EQ(shape_scores(shaped.data(), scores.data(), scores.size(), 2.5, scale), 1u);
  EXPECT_DOUBLE_EQ(shaped[5], 2.5);
  for (size_t i = 0; i < shaped.size(); i++) EXPECT_LE(std::fabs(shaped[i]), 2.5) << i;
}

// The scale goes into the checkpoint as JSON and must come back bit for bit, or a resumed run's
// rewards (and with them its weights) would differ from an uninterrupted run's.
TEST(PpoReward, ScaleRoundTripsExactly) {
  Rng r(3);
  ScoreScale scale;
  std::vector<double> shaped(7);
  const std::vector<double> scores = gamed_scores(7, 2, r);
  shape_scores(shaped.data(), scores.data(), 7, 5.0, scale);
  const ScoreScale back = nlohmann::json::parse(nlohmann::json(scale).dump()).get<ScoreScale>();
  EXPECT_EQ(back.count, scale.count);
  EXPECT_EQ(back.sum_sq, scale.sum_sq);
  EXPECT_CONTAINS(own::test::error_of([] { (void)nlohmann::json::parse(R"({"count":1})").get<ScoreScale>(); }),
                  "score_scale");
}

TEST(PpoKlControl, MovesTheCoefficientTowardsTheTarget) {
  const double beta = 0.05, target = 2.0;
  EXPECT_GT(adapt_kl_coef(beta, 3.0, target, 16, 100), beta);  // KL above the target: penalise more
  EXPECT_LT(adapt_kl_coef(beta, 1.0, target, 16, 100), beta);  // below: penalise less
  EXPECT_DOUBLE_EQ(adapt_kl_coef(beta, target, target, 16, 100), beta);
  EXPECT_DOUBLE_EQ(adapt_kl_coef(beta, 9.0, 0.0, 16, 100), beta);  // no target: fixed
  // the error is clamped to +-20%: a KL 100x the target moves it as much as 1.2x does
  EXPECT_DOUBLE_EQ(adapt_kl_coef(beta, 200.0, target, 16, 100), adapt_kl_coef(beta, 2.4, target, 16, 100));
  EXPECT_DOUBLE_EQ(adapt_kl_coef(beta, -5.0, target, 16, 100), adapt_kl_coef(beta, 1.6, target, 16, 100));
}

// With the defaults, a run of --steps whose KL stays at twice the target (or at 0) must be able to
// at least double (halve) the coefficient; a controller that barely moves within a run is no control.
TEST(PpoKlControl, TheDefaultsMoveItWithinARun) {
  const PpoOptions o;
  double up = o.kl_coef, down = o.kl_coef;
  for (int64_t s = 0; s < o.steps; s++) {
    up = adapt_kl_coef(up, 2.0, 1.0, static_cast<double>(o.prompts), o.kl_horizon);
    down = adapt_kl_coef(down, 0.0, 1.0, static_cast<double>(o.prompts), o.kl_horizon);
  }
  EXPECT_GT(up, 2.0 * o.kl_coef);
  EXPECT_LT(down, 0.5 * o.kl_coef);
}

// a judge score with no family
static JudgeScore judged(double score) { return {score, {}}; }

TEST(PpoBestPolicy, TiesKeepTheEarlierStepAndABetterOneWins) {
  BestPolicy b;
  EXPECT_TRUE(b.observe(0, judged(0.5), 0.05, 2));  // the SFT policy
  EXPECT_FALSE(b.observe(10, judged(0.5), 0.05, 2));
  EXPECT_EQ(b.best_step, 0);
  EXPECT_TRUE(b.observe(20, judged(0.6), 0.05, 2));
  EXPECT_EQ(b.best_step, 20);
  EXPECT_DOUBLE_EQ(b.first_score, 0.5);
  EXPECT_EQ(b.checks, 3);
  EXPECT_FALSE(b.stop);
}

TEST(PpoBestPolicy, StopsAfterPatienceChecksMoreThanDropBelowTheBest) {
  BestPolicy b;
  b.observe(0, judged(0.6), 0.05, 2);
  b.observe(1, judged(0.56), 0.05, 2);  // within the drop: not below
  EXPECT_EQ(b.checks_below, 0);
  b.observe(2, judged(0.54), 0.05, 2);
  EXPECT_EQ(b.checks_below, 1);
  b.observe(3, judged(0.58), 0.05, 2);  // back within the drop: the count starts over
  EXPECT_EQ(b.checks_below, 0);
  b.observe(4, judged(0.3), 0.05, 2);
  EXPECT_FALSE(b.stop);
  b.observe(5, judged(0.3), 0.05, 2);
  EXPECT_TRUE(b.stop);
  EXPECT_EQ(b.best_step, 0);

  BestPolicy never;
  for (int64_t s = 0; s < 10; s++) never.observe(s, judged(s == 0 ? 1.0 : 0.0), 0.05, 0);
  EXPECT_FALSE(never.stop) << "patience 0 must never stop";
}

// A check that lost more than 0.15 on one family is never the best and counts towards the stop,
// however much it gains elsewhere; a drop of 0.15 or less is allowed.
TEST(PpoBestPolicy, LosingAFamilyIsNeverTheBest) {
  BestPolicy b;
  b.observe(0, {0.5, {{"arithmetic", 0.5}, {"definition", 0.5}}}, 0.05, 2);
  const JudgeScore lost{0.7, {{"arithmetic", 1.0}, {"definition", 0.3}}};
  EXPECT_EQ(b.lost_families(lost), " definition 0.50 -> 0.30");
  EXPECT_FALSE(b.observe(10, lost, 0.05, 2));
  EXPECT_EQ(b.describe(lost, false),
            "val rule-judge score 0.700, not eligible (lost definition 0.50 -> 0.30), the best 0.500 at step 0");
  EXPECT_EQ(b.best_step, 0);
  EXPECT_EQ(b.checks_below, 1);
  EXPECT_FALSE(b.observe(20, lost, 0.05, 2));
  EXPECT_TRUE(b.stop);
  BestPolicy c;
  c.observe(0, {0.5, {{"arithmetic", 0.5}, {"definition", 0.5}}}, 0.05, 2);
  EXPECT_TRUE(c.observe(10, {0.6, {{"arithmetic", 0.85}, {"definition", 0.35}}}, 0.05, 2));
}

TEST(PpoBestPolicy, RoundTripsThroughTheTrainState) {
  BestPolicy b;
  b.observe(0, {0.1 + 0.2, {{"copy", 0.25}}}, 0.05, 2);  // a double that needs all its digits
  b.observe(7, judged(0.2), 0.05, 2);
  const BestPolicy back = nlohmann::json::parse(nlohmann::json(b).dump()).get<BestPolicy>();
  EXPECT_EQ(back.best_step, b.best_step);
  EXPECT_EQ(back.best_score, b.best_score);
  EXPECT_EQ(back.first_score, b.first_score);
  EXPECT_EQ(back.checks, b.checks);
  EXPECT_EQ(back.checks_below, b.checks_below);
  EXPECT_EQ(back.stop, b.stop);
  EXPECT_EQ(back.first_by_family, b.first_by_family);
  EXPECT_CONTAINS(own::test::error_of([] { (void)nlohmann::json::parse(R"({"best_step":1})").get<BestPolicy>(); }),
                  "best_score");
}
