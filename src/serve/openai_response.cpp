#include "serve/openai_response.h"

#include <openssl/evp.h>

#include <cmath>

namespace own {

using nlohmann::json;

namespace {

constexpr const char* kFingerprint = "fp_ownchat";

json finish_json(ApiFinish f) {
  switch (f) {
    case ApiFinish::none: return nullptr;
    case ApiFinish::stop: return "stop";
    case ApiFinish::length: return "length";
    case ApiFinish::content_filter: return "content_filter";
  }
  return nullptr;
}

std::string token_text(const Tokenizer& tok, int32_t id) {
  return tok.is_valid(id) ? std::string(tok.token_bytes(id)) : std::string();
}

std::string base64_floats(const std::vector<float>& v) {
  std::string b64(4 * ((v.size() * sizeof(float) + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), reinterpret_cast<const unsigned char*>(v.data()),
                                static_cast<int>(v.size() * sizeof(float)));
  b64.resize(static_cast<size_t>(n));
  return b64;
}

json byte_list(const std::string& s) {
  json b = json::array();
  for (unsigned char c : s) b.push_back(c);
  return b;
}

}  // namespace

ApiFinish api_finish(FinishReason f) {
  if (f == FinishReason::none) return ApiFinish::none;
  if (f == FinishReason::length) return ApiFinish::length;
  return ApiFinish::stop;  // a cancelled choice is never sent to its client
}

json usage_json(const Usage& u) {
  return {{"prompt_tokens", u.prompt_tokens},
          {"completion_tokens", u.completion_tokens},
          {"total_tokens", u.prompt_tokens + u.completion_tokens}};
}

json chat_logprobs_json(const Tokenizer& tok, std::span<const GeneratedToken> tokens) {
  json content = json::array();
  for (const GeneratedToken& g : tokens) {
    json top = json::array();
    for (const TokenLogprob& t : g.top) {
      const std::string s = token_text(tok, t.token);
      top.push_back({{"token", s}, {"logprob", t.logprob}, {"bytes", byte_list(s)}});
    }
    const std::string s = token_text(tok, g.token);
    content.push_back({{"token", s}, {"logprob", g.chosen.logprob}, {"bytes", byte_list(s)}, {"top_logprobs", top}});
  }
  return {{"content", content}, {"refusal", nullptr}};
}

json completion_logprobs_json(const Tokenizer& tok, std::span<const GeneratedToken> tokens, int64_t offset) {
  json toks = json::array(), lps = json::array(), tops = json::array(), offs = json::array();
  for (const GeneratedToken& g : tokens) {
    const std::string s = token_text(tok, g.token);
    toks.push_back(s);
    lps.push_back(g.chosen.logprob);
    json top = json::object();
    for (const TokenLogprob& t : g.top) top[token_text(tok, t.token)] = t.logprob;  // dump_json repairs UTF-8
    tops.push_back(top);
    offs.push_back(offset);
    offset += static_cast<int64_t>(s.size());
  }
  return {{"tokens", toks}, {"token_logprobs", lps}, {"top_logprobs", tops}, {"text_offset", offs}};
}

// the fields every object of a response repeats, then its choices and usage
static json response_json(const ResponseHead& h, const char* object, json choices, json usage) {
  return {{"id", h.id},
          {"object", object},
          {"created", h.created},
          {"model", h.model},
          {"system_fingerprint", kFingerprint},
          {"choices", std::move(choices)},
          {"usage", std::move(usage)}};
}

json chat_completion_json(const ResponseHead& h, std::span<const ChoiceState> choices, const Usage& u, bool logprobs,
                          const Tokenizer& tok) {
  json cs = json::array();
  for (size_t i = 0; i < choices.size(); i++) {
    const ChoiceState& c = choices[i];
    cs.push_back({{"index", i},
                  {"message", {{"role", "assistant"}, {"content", c.text}, {"refusal", c.refusal.empty() ? json(nullptr) : json(c.refusal)}}},
                  {"logprobs", logprobs ? chat_logprobs_json(tok, c.tokens) : json(nullptr)},
                  {"finish_reason", finish_json(c.finish)}});
  }
  return response_json(h, "chat.completion", std::move(cs), usage_json(u));
}

json chat_chunk_json(const ResponseHead& h, int64_t index, const json& delta, const json& logprobs, ApiFinish finish) {
  return response_json(h, "chat.completion.chunk",
                       json::array({{{"index", index}, {"delta", delta}, {"logprobs", logprobs}, {"finish_reason", finish_json(finish)}}}),
                       nullptr);
}

json usage_chunk_json(const ResponseHead& h, bool chat, const Usage& u) {
  return response_json(h, chat ? "chat.completion.chunk" : "text_completion", json::array(), usage_json(u));
}

json text_completion_json(const ResponseHead& h, std::span<const ChoiceState> choices, std::span<const std::string> echo_prefix,
                          const Usage& u, bool logprobs, const Tokenizer& tok) {
  json cs = json::array();
  for (size_t i = 0; i < choices.size(); i++) {
    const ChoiceState& c = choices[i];
    const std::string& prefix = i < echo_prefix.size() ? echo_prefix[i] : std::string();
    cs.push_back({{"index", i},
                  {"text", prefix + c.text},
                  {"logprobs", logprobs ? completion_logprobs_json(tok, c.tokens, static_cast<int64_t>(prefix.size())) : json(nullptr)},
                  {"finish_reason", finish_json(c.finish)}});
  }
  return response_json(h, "text_completion", std::move(cs), usage_json(u));
}

json text_chunk_json(const ResponseHead& h, int64_t index, const std::string& text, const json& logprobs, ApiFinish finish) {
  return response_json(h, "text_completion",
                       json::array({{{"index", index}, {"text", text}, {"logprobs", logprobs}, {"finish_reason", finish_json(finish)}}}),
                       nullptr);
}

json embeddings_json(std::span<const std::vector<float>> vecs, bool base64, const std::string& model, int64_t prompt_tokens) {
  json data = json::array();
  for (size_t i = 0; i < vecs.size(); i++)
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", base64 ? json(base64_floats(vecs[i])) : json(vecs[i])}});
  return {{"object", "list"}, {"data", data}, {"model", model},
          {"usage", {{"prompt_tokens", prompt_tokens}, {"total_tokens", prompt_tokens}}}};
}

json citations_json(std::span<const SearchHit> hits) {
  json out = json::array();
  for (size_t i = 0; i < hits.size(); i++) {
    const SearchHit& h = hits[i];
    out.push_back({{"index", i + 1},
                   {"id", h.id},
                   {"source", h.passage.source},
                   {"title", h.passage.title},
                   {"text", h.passage.text},
                   {"score", std::round(h.score * 1e4) / 1e4},
                   {"position", h.passage.position}});
  }
  return out;
}

}  // namespace own
