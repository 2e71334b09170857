// Request bodies of the OpenAI API, checked field by field. Every type or range error is an
// ApiError 400 whose `param` names the field ("messages[2].role", "temperature", ...).
// Unknown optional fields are ignored; fields a client relies on that ownchat does not support
// (tools, functions, audio, response_format json, ...) are refused by name rather than ignored.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "infer/sampler.h"
#include "tokenizer/chat_template.h"

namespace own {

struct ApiRequest {
  std::string model;  // "" when absent (the server's only model is then used)
  bool chat = true;
  std::vector<ChatMessage> messages;             // chat: roles system|user|assistant ("developer" -> system)
  std::vector<std::string> prompt_texts;         // completions: one entry per prompt
  std::vector<std::vector<int32_t>> prompt_ids;  // completions given as token ids
  SamplingParams sampling;
  std::optional<int64_t> max_tokens;  // unset: chat = up to the context, completions = 16 (OpenAI's)
  int64_t n = 1;
  std::vector<std::string> stop;
  bool stream = false, include_usage = false;
  bool logprobs = false;  // chat: logprobs=true; completions: logprobs=N (N alternatives)
  bool echo = false;      // completions: the prompt is repeated before the answer
  bool ignore_eos = false;  // llama.cpp extension: generate max_tokens, past end-of-turn tokens
  std::string user;
  // chat, an extension: "retrieval": false | true | {"k": N}. unset: the model's default (on with
  // k = the server's --retrieval-k when it has an index); 0: off
  std::optional<int64_t> retrieval_k;
  bool retrieval_asked = false;  // the request turned retrieval on itself (an error without an index)
};

// body: the parsed JSON; it must be an object
ApiRequest parse_chat_request(const nlohmann::json& body);
ApiRequest parse_completion_request(const nlohmann::json& body);

// /v1/embeddings: `input` as a string, strings, token ids or lists of token ids, none empty
// (at most 2048); the model's tokenizer turns texts into ids later.
struct EmbeddingInput {
  bool is_text = false;
  std::string text;
  std::vector<int32_t> ids;
};
struct EmbeddingRequest {
  std::string model;
  std::string encoding_format = "float";  // "float" or "base64"
  std::optional<int64_t> dimensions;      // the server checks it against the model's width
  std::vector<EmbeddingInput> inputs;
};
EmbeddingRequest parse_embedding_request(const nlohmann::json& body);
// /v1/moderations: `input` as a string, strings or text parts; one text per result (at most 256)
std::vector<std::string> parse_moderation_input(const nlohmann::json& body);

// llama.cpp's /tokenize: {"content", "add_special"?, "with_pieces"?}; /detokenize: {"tokens"}.
// The model is looked up before these are parsed (an unknown model is a 404 whatever else is wrong).
struct TokenizeRequest {
  std::string content;
  bool add_special = false;  // as a document: <|bos|> first (ServedModel::document_ids)
  bool with_pieces = false;  // each token as {"id", "piece"}
};
TokenizeRequest parse_tokenize_request(const nlohmann::json& body);
std::vector<int32_t> parse_detokenize_request(const nlohmann::json& body);  // the token ids

// Shared by the other endpoints (tokenize, embeddings, ratings): typed field access with the
// same error messages. Each returns nullopt when the key is absent or null.
std::optional<std::string> get_string(const nlohmann::json& obj, const std::string& key, const std::string& where = "");
std::optional<bool> get_bool(const nlohmann::json& obj, const std::string& key, const std::string& where = "");
std::optional<int64_t> get_int(const nlohmann::json& obj, const std::string& key, int64_t lo, int64_t hi,
                               const std::string& where = "");
std::optional<double> get_number(const nlohmann::json& obj, const std::string& key, double lo, double hi,
                                 const std::string& where = "");
// a JSON array of non-negative token ids (the model's vocabulary is checked when submitted)
std::vector<int32_t> token_array(const nlohmann::json& v, const std::string& param);

}  // namespace own
