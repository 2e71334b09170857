// A completion request made engine work for one model: its prompts as token ids, checked against
// the model (chat template, vocabulary, context) with errors naming the field, then submitted as
// one engine sequence per choice (prompt-major: choice = prompt * n + j).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "serve/in_flight.h"
#include "serve/openai_request.h"
#include "serve/served_model.h"

namespace own {

struct CompletionTask {
  std::vector<std::vector<int32_t>> prompts;
  int64_t prompt_tokens = 0;      // usage: each prompt once, whatever n
  size_t n_choices = 0;           // prompts x n
  std::vector<std::string> echo;  // completions with echo: each choice's prompt text
};

// ApiError 400 for a chat request to a model without a chat template, a logit_bias token outside
// the vocabulary, an empty prompt, or a prompt that leaves no room for an answer
CompletionTask completion_task(const ServedModel& m, const ApiRequest& r);

// Submits every choice, each feeding fl (fl->ids in choice order). What the engine refuses is a
// 400, with whatever was already submitted cancelled.
void submit_completion(ServedModel& m, const ApiRequest& r, const CompletionTask& t, const std::shared_ptr<InFlight>& fl);

}  // namespace own
