// `ownchat eval`: chat evals on the held-out test split (RUN/data/chat/test.jsonl), for a model
// and, beside it, a base model:
//   exact match     spelling, letters, copy: the greedy answer equals the reference; arithmetic
//                   (two-digit + and -): the result it states after its last '=' is right
//   multiple choice definition, faq, quiz: the reference answer vs 3 answers to other test items
//                   of the family, scored by mean log-likelihood per answer token (chance 25%)
//   honesty         "I don't know" rate on made-up words; false "I don't know" on real words
//   refusals        refusal rate on harmful asks; on benign look-alikes (should be low)
//   names word      where a definition or "I don't know" names a word, it is the asked one
//   asks back       a clarifying question on ambiguous asks (clarify), and on clear ones (should be low)
//   boilerplate     stock phrases ("I am a small language model") outside identity questions
//   consistency     each judged item asked 3 ways: the share whose 3 answers agree in correctness
//   format          answers that end their turn with <|end|> within the token budget; non-empty
//   length          mean answer length in characters, and its ratio to the reference's
// Generation is greedy through the inference engine (batched). Scores go to metrics.jsonl.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "data/chat_data.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"

namespace own {

struct ChatEvalOptions {
  std::string run_dir = "runs/default";
  std::string ckpt;  // default RUN/ckpt/sft
  std::string base;  // default RUN/ckpt/base ("none" to skip)
  int64_t per_family = 100;  // test items per family at most
  int64_t max_tokens = 64;
  uint64_t seed = 1;
  std::string answers_path;  // when set: every generated answer as JSON lines, for reading them
};

struct EvalMetric {
  std::string name;
  double chance = -1;  // < 0: no chance level
  double model = 0, base = -1;
  int64_t n = 0;
};

std::vector<EvalMetric> evaluate_chat(const ChatEvalOptions& o);
// A metrics.jsonl line without the stage and model: name, value, n, and chance and base when set.
void to_json(nlohmann::json& j, const EvalMetric& e);

// One model's chat eval scores on the test conversations: name -> (value, n); and the
// chance level of a metric (< 0: none).
using ChatScores = std::map<std::string, std::pair<double, int64_t>>;
ChatScores chat_eval_scores(const Checkpoint& ck, const Tokenizer& tok, const std::vector<Conversation>& test,
                            const ChatEvalOptions& o);
double chat_eval_chance(const std::string& name);
std::string eval_table(const std::vector<EvalMetric>& m);

}  // namespace own
