// Response bodies of the OpenAI API: chat.completion, chat.completion.chunk (SSE), text_completion,
// logprobs in both the chat and the legacy shape, usage. Field for field as OpenAI sends them.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "infer/engine.h"
#include "retrieval/index_db.h"
#include "tokenizer/tokenizer.h"

namespace own {

// finish_reason as the API reports it: the engine's reasons, and content_filter, serve's own (its
// moderation stopped or refused the answer; the engine knows nothing of it)
enum class ApiFinish { none, stop, length, content_filter };
ApiFinish api_finish(FinishReason f);  // cancelled -> stop: a cancelled choice is never sent to its client

struct Usage {
  int64_t prompt_tokens = 0, completion_tokens = 0;
};

// What one choice has produced so far.
struct ChoiceState {
  std::string text;
  std::vector<GeneratedToken> tokens;  // kept only when logprobs were asked for
  ApiFinish finish = ApiFinish::none;
  int64_t prompt_tokens = 0, completion_tokens = 0;
  bool done = false;
  std::string refusal;  // set when moderation refused the request or stopped the answer
};

// The fields every object of one response repeats.
struct ResponseHead {
  std::string id, model;
  int64_t created = 0;
};

nlohmann::json usage_json(const Usage& u);
// chat: {"content": [{"token","logprob","bytes","top_logprobs"}]}
nlohmann::json chat_logprobs_json(const Tokenizer& tok, std::span<const GeneratedToken> tokens);
// legacy: {"tokens","token_logprobs","top_logprobs","text_offset"}; text_offset counts from `offset`
nlohmann::json completion_logprobs_json(const Tokenizer& tok, std::span<const GeneratedToken> tokens, int64_t offset);

nlohmann::json chat_completion_json(const ResponseHead& h, std::span<const ChoiceState> choices, const Usage& u,
                                    bool logprobs, const Tokenizer& tok);
// one streamed delta for choice `index`: role (first chunk), content, logprobs, finish_reason
nlohmann::json chat_chunk_json(const ResponseHead& h, int64_t index, const nlohmann::json& delta,
                               const nlohmann::json& logprobs, ApiFinish finish);
// the include_usage chunk (chat or legacy): "choices": [] and the totals
// retrieval: the passages an answer was given, [n] = index n: {"index", "id", "source", "title",
// "text", "score", "position"}
nlohmann::json citations_json(std::span<const SearchHit> hits);
nlohmann::json usage_chunk_json(const ResponseHead& h, bool chat, const Usage& u);

// echo_prefix: the prompt text when echo was asked for
nlohmann::json text_completion_json(const ResponseHead& h, std::span<const ChoiceState> choices,
                                    std::span<const std::string> echo_prefix, const Usage& u, bool logprobs,
                                    const Tokenizer& tok);
nlohmann::json text_chunk_json(const ResponseHead& h, int64_t index, const std::string& text,
                               const nlohmann::json& logprobs, ApiFinish finish);

// /v1/embeddings: {"object":"list","data":[{"object":"embedding","index","embedding"}],"model","usage"};
// base64: each vector as base64 of its little-endian float32s (what the SDKs ask for by default)
nlohmann::json embeddings_json(std::span<const std::vector<float>> vecs, bool base64, const std::string& model,
                               int64_t prompt_tokens);


}  // namespace own
