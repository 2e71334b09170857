#include "serve/completion_task.h"

#include "core/check.h"
#include "serve/api_error.h"

namespace own {

namespace {

std::vector<std::vector<int32_t>> prompt_ids(const ServedModel& m, const ApiRequest& r) {
  std::vector<std::vector<int32_t>> prompts;
  if (r.chat) {
    if (m.chat_stops.empty())
      throw ApiError(400, fmt::format("Model '{}' has no chat template (a base model?); use /v1/completions.", m.name),
                     "model", "model_not_chat");
    prompts.push_back(render_chat(m.tok, r.messages, true));
  } else {
    for (const std::string& t : r.prompt_texts) prompts.push_back(m.document_ids(t));
    for (const auto& ids : r.prompt_ids) prompts.push_back(ids);
  }
  return prompts;
}

void check_logit_bias(const ServedModel& m, const ApiRequest& r) {
  for (const auto& [id, bias] : r.sampling.logit_bias)
    if (id >= m.tok.vocab_size())
      throw ApiError(400, fmt::format("Invalid 'logit_bias': token {} is outside the vocabulary of '{}' ({} tokens).", id,
                                      m.name, m.tok.vocab_size()),
                     "logit_bias", "invalid_value");
}

}  // namespace

CompletionTask completion_task(const ServedModel& m, const ApiRequest& r) {
  CompletionTask t;
  t.prompts = prompt_ids(m, r);
  check_logit_bias(m, r);
  const int64_t ctx = m.model->context();
  const char* what = r.chat ? "messages" : "prompt";
  for (const std::vector<int32_t>& p : t.prompts) {
    const auto n = static_cast<int64_t>(p.size());
    if (n == 0) throw ApiError(400, "The prompt is empty.", "prompt", "invalid_value");
    if (n >= ctx)
      throw ApiError(400,
                     fmt::format("This model's maximum context length is {} tokens. However, your {} resulted in {} "
                                 "tokens, which leaves no room for an answer. Please reduce the length of the {}.",
                                 ctx, what, n, what),
                     what, "context_length_exceeded");
    t.prompt_tokens += n;
  }
  t.n_choices = t.prompts.size() * static_cast<size_t>(r.n);
  if (r.echo)
    for (size_t p = 0; p < t.prompts.size(); p++)
      for (int64_t j = 0; j < r.n; j++)
        t.echo.push_back(r.prompt_texts.empty() ? m.tok.decode(t.prompts[p]) : r.prompt_texts[p]);
  return t;
}

void submit_completion(ServedModel& m, const ApiRequest& r, const CompletionTask& t, const std::shared_ptr<InFlight>& fl) {
  fl->engine = m.engine.get();
  try {
    for (size_t p = 0; p < t.prompts.size(); p++)
      for (int64_t j = 0; j < r.n; j++) {
        const size_t choice = p * static_cast<size_t>(r.n) + static_cast<size_t>(j);
        GenerationRequest g;
        g.prompt = t.prompts[p];
        g.sampling = r.sampling;
        if (r.sampling.seed) g.sampling.seed = *r.sampling.seed + static_cast<uint64_t>(j);  // n distinct, reproducible
        g.max_tokens = r.max_tokens.value_or(m.model->context());
        if (!r.ignore_eos) g.stop_tokens = r.chat ? m.chat_stops : m.text_stops;
        g.stop_strings = r.stop;
        g.logprobs = r.logprobs;
        g.on_event = [fl, choice](const GenerationEvent& ev) { fl->push(choice, ev); };
        fl->ids.push_back(m.engine->submit(std::move(g)));
      }
  } catch (const InputError& e) {
    fl->cancel();
    throw ApiError(400, e.what(), r.chat ? "messages" : "prompt");
  }
}

}  // namespace own
