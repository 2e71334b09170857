// Rankings of the policy's own answers (`ownchat data policy-prefs`), the data InstructGPT's
// reward model is trained on: answers the model being aligned writes, ranked. Here the rule judges
// (data/rule_judges.h) and the reference rank them, not people. The synthetic rankings
// (data/pref_synth.h) hold hand-written worse kinds only. A reward model trained on those alone
// scored the SFT model's garbled definitions below "I don't know", so PPO learned to say it.
//
// The SFT model answers prompts of each chat split several times, sampled as PPO samples
// (temperature 1), and its answers to one prompt are ranked below the reference in tiers, best first:
//   policy_right      right by its family's rule judge. A definition, which the rule judges only
//                     by the word it names, must also have half the reference's content words.
//   policy_answer     a wrong answer that attempts the ask
//   policy_idk, policy_refusal
//                     declines an ask that has a real answer (data/pref_worse.h false_decline).
//                     When none was sampled and an attempt was, a written false_idk or
//                     needless_refusal stands in: an imperfect attempt still beats "I don't know".
//   policy_off_topic  a definition that names another word than the one asked
// Where declining is right (made-up words, harmful asks, unanswerable passages) or not simply
// worse (ambiguous asks; grounded asks, where a hallucinated citation is worse than "I don't
// know"), every wrong answer is one tier. One answer per tier, the first sampled; a prompt whose
// answers are all the reference gives none.
// Writes RUN/data/prefs/policy/{train,val,test}.jsonl. The reward model trains and validates on
// train and val (data/pref_rows.h), DPO on their pairs with the reference (reference_pairs), and
// eval scores the reward model on test.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "data/chat_data.h"
#include "data/pref_data.h"

namespace own {

// The ranking of `answers` (samples of one prompt: c's first ask) described above; none when no
// answer differs from the reference.
std::optional<Ranking> rank_policy_answers(const Conversation& c, const std::vector<std::string>& answers, Rng& rng);

// Each ranking of the policy's answers as its pairs with the reference ([reference, answer] for
// every answer but a right one); other rankings as they are. DPO imitates its chosen answers, so a
// sampled answer is never one, and pushes its rejected ones down, so a right answer is never one.
std::vector<Ranking> reference_pairs(const std::vector<Ranking>& rankings);

struct PolicyRankingOptions {
  std::string run_dir = "runs/default";
  std::string ckpt;            // default RUN/ckpt/sft
  int64_t prompts = 2000;      // train prompts, the families in turn
  int64_t held_out = 200;      // val prompts, and test prompts
  int64_t per_prompt = 4;      // answers sampled per prompt
  int64_t max_tokens = 64;     // per answer
  int64_t seq = 256;           // prompt + answer must fit
  float temperature = 1.0f;    // as PPO samples
  uint64_t seed = 1;
};

struct PolicyRankingResult {
  std::map<std::string, int64_t> rankings;  // split -> rankings written
  std::map<std::string, int64_t> answers;   // split -> answers sampled
  std::map<std::string, int64_t> by_kind;   // kind -> answers ranked below the reference, all splits
};

PolicyRankingResult build_policy_rankings(const PolicyRankingOptions& o);

}  // namespace own
