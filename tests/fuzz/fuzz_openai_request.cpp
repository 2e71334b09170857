// The OpenAI request parsers (chat, completions, embeddings, moderations) on one JSON body each,
// parsed as the server parses it (parse_body: invalid JSON and non-objects stop earlier).
// Properties: each parser returns or throws ApiError 400 with a message, never anything else; a
// returned request respects the limits the engine relies on (n, prompt counts, non-empty inputs).
#include "fuzz_util.h"
#include "serve/api_error.h"
#include "serve/openai_request.h"

namespace {

template <typename F>
bool parses(F&& f) {
  try {
    f();
    return true;
  } catch (const own::ApiError& e) {
    FUZZ_REQUIRE(e.status == 400 && e.what()[0] != '\0', "an ApiError that is not a 400 with a message");
    return false;
  } catch (const std::exception& e) {
    own::fuzz::fail("only ApiError may escape a request parser", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json body = nlohmann::json::parse(data, data + size, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return 0;

  own::ApiRequest r;
  if (parses([&] { r = own::parse_chat_request(body); })) {
    FUZZ_REQUIRE(!r.messages.empty() && r.n >= 1 && r.n <= 16, "chat request out of range");
    FUZZ_REQUIRE(!r.max_tokens || *r.max_tokens >= 1, "chat max_tokens < 1");
  }
  if (parses([&] { r = own::parse_completion_request(body); })) {
    const size_t prompts = r.prompt_texts.size() + r.prompt_ids.size();
    FUZZ_REQUIRE(prompts >= 1 && prompts <= 16 && (r.prompt_texts.empty() || r.prompt_ids.empty()), "prompts");
    FUZZ_REQUIRE(r.max_tokens && *r.max_tokens >= 0, "completion max_tokens");
    for (const auto& ids : r.prompt_ids)
      for (int32_t id : ids) FUZZ_REQUIRE(id >= 0, "negative token id");
  }
  own::EmbeddingRequest e;
  if (parses([&] { e = own::parse_embedding_request(body); })) {
    FUZZ_REQUIRE(!e.inputs.empty() && e.inputs.size() <= 2048, "embedding input count");
    for (const auto& x : e.inputs) FUZZ_REQUIRE(x.is_text ? !x.text.empty() : !x.ids.empty(), "empty embedding input");
  }
  std::vector<std::string> texts;
  if (parses([&] { texts = own::parse_moderation_input(body); }))
    FUZZ_REQUIRE(!texts.empty() && texts.size() <= 256, "moderation input count");
  return 0;
}
