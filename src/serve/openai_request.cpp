#include "serve/openai_request.h"

#include <cmath>
#include <limits>

#include "serve/api_error.h"

namespace own {

using nlohmann::json;

namespace {

std::string field(const std::string& where, const std::string& key) { return where.empty() ? key : where + "." + key; }

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_float: return "a decimal";
    default: return "an integer";
  }
}

[[noreturn]] void wrong_type(const std::string& param, const char* expected, const json& got) {
  bad_request(param, "invalid_type", "Invalid type for '{}': expected {}, but got {} instead.", param, expected,
              type_name(got));
}

const json* member(const json& obj, const std::string& key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

// messages[i].content: a string, or a list of {"type":"text","text":...} parts (joined)
std::string message_content(const json& c, const std::string& param) {
  if (c.is_string()) return c.get<std::string>();
  if (!c.is_array()) wrong_type(param, "a string or an array of content parts", c);
  std::string out;
  for (size_t j = 0; j < c.size(); j++) {
    const std::string p = fmt::format("{}[{}]", param, j);
    if (!c[j].is_object()) wrong_type(p, "an object", c[j]);
    const std::string type = get_string(c[j], "type", p).value_or("");
    if (type != "text")
      bad_request(p + ".type", "unsupported_value",
                  "Content part type '{}' is not supported: this model reads text only ('text' parts).", type);
    const auto text = get_string(c[j], "text", p);
    if (!text) bad_request(p + ".text", "missing_required_parameter", "Missing required parameter: '{}.text'.", p);
    out += *text;
  }
  return out;
}

std::vector<ChatMessage> parse_messages(const json& body) {
  const json* m = member(body, "messages");
  if (!m) bad_request("messages", "missing_required_parameter", "Missing required parameter: 'messages'.");
  if (!m->is_array()) wrong_type("messages", "an array", *m);
  if (m->empty()) bad_request("messages", "empty_array", "Invalid 'messages': empty array. Expected an array with minimum length 1.");
  std::vector<ChatMessage> out;
  for (size_t i = 0; i < m->size(); i++) {
    const json& x = (*m)[i];
    const std::string p = fmt::format("messages[{}]", i);
    if (!x.is_object()) wrong_type(p, "an object", x);
    auto role = get_string(x, "role", p);
    if (!role) bad_request(p + ".role", "missing_required_parameter", "Missing required parameter: '{}.role'.", p);
    if (*role == "developer") role = "system";
    if (*role == "tool" || *role == "function")
      bad_request(p + ".role", "unsupported_value", "Role '{}' is not supported: this server has no tool calling.", *role);
    if (!is_chat_role(*role))
      bad_request(p + ".role", "invalid_value",
                  "Invalid value: '{}'. Supported values are: 'system', 'developer', 'user' and 'assistant'.", *role);
    const json* c = member(x, "content");
    if (!c) bad_request(p + ".content", "missing_required_parameter", "Missing required parameter: '{}.content'.", p);
    if (member(x, "tool_calls"))
      bad_request(p + ".tool_calls", "unsupported_parameter", "'tool_calls' is not supported: this server has no tool calling.");
    out.push_back({*role, message_content(*c, p + ".content")});
  }
  return out;
}

void refuse_unsupported(const json& body) {
  for (const char* k : {"tools", "functions", "tool_choice", "function_call", "audio", "prediction", "modalities"}) {
    const json* v = member(body, k);
    if (!v) continue;
    const bool harmless = (std::string(k) == "tool_choice" || std::string(k) == "function_call") && v->is_string() &&
                          v->get<std::string>() == "none";
    const bool text_only = std::string(k) == "modalities" && *v == json::array({"text"});
    if (harmless || text_only || (v->is_array() && v->empty())) continue;
    bad_request(k, "unsupported_parameter", "Unsupported parameter: '{}' is not supported by this server.", k);
  }
  if (const json* rf = member(body, "response_format")) {
    if (!rf->is_object()) wrong_type("response_format", "an object", *rf);
    const std::string t = get_string(*rf, "type", "response_format").value_or("text");
    if (t != "text")
      bad_request("response_format.type", "unsupported_value",
                  "response_format '{}' is not supported: this server produces free text only.", t);
  }
}

// the fields chat and legacy completions share
void parse_common(const json& body, ApiRequest& r) {
  if (!body.is_object()) wrong_type("body", "a JSON object", body);
  r.model = get_string(body, "model").value_or("");
  if (auto t = get_number(body, "temperature", 0, 2)) r.sampling.temperature = static_cast<float>(*t);
  if (auto t = get_number(body, "top_p", 0, 1)) {
    if (*t == 0) bad_request("top_p", "invalid_value", "Invalid 'top_p': must be greater than 0 (got 0).");
    r.sampling.top_p = static_cast<float>(*t);
  }
  // llama.cpp-style extensions
  if (auto t = get_int(body, "top_k", 0, 1 << 30)) r.sampling.top_k = *t;
  if (auto t = get_number(body, "min_p", 0, 0.999999)) r.sampling.min_p = static_cast<float>(*t);
  if (auto t = get_number(body, "repetition_penalty", 1e-6, 10)) r.sampling.repetition_penalty = static_cast<float>(*t);
  if (auto t = get_number(body, "presence_penalty", -2, 2)) r.sampling.presence_penalty = static_cast<float>(*t);
  if (auto t = get_number(body, "frequency_penalty", -2, 2)) r.sampling.frequency_penalty = static_cast<float>(*t);
  if (auto s = get_int(body, "seed", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()))
    r.sampling.seed = static_cast<uint64_t>(*s);
  if (auto n = get_int(body, "n", 1, 16)) r.n = *n;
  if (auto b = get_bool(body, "stream")) r.stream = *b;
  if (const json* so = member(body, "stream_options")) {
    if (!so->is_object()) wrong_type("stream_options", "an object", *so);
    if (!r.stream)
      bad_request("stream_options", "invalid_value", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
    r.include_usage = get_bool(*so, "include_usage", "stream_options").value_or(false);
  }
  if (const json* s = member(body, "stop")) {
    if (s->is_string()) {
      r.stop.push_back(s->get<std::string>());
    } else if (s->is_array()) {
      if (s->size() > 4) bad_request("stop", "array_above_max_length", "Invalid 'stop': array too long. Expected at most 4 items.");
      for (size_t i = 0; i < s->size(); i++) {
        if (!(*s)[i].is_string()) wrong_type(fmt::format("stop[{}]", i), "a string", (*s)[i]);
        r.stop.push_back((*s)[i].get<std::string>());
      }
    } else {
      wrong_type("stop", "a string or an array of strings", *s);
    }
    for (const std::string& x : r.stop)
      if (x.empty()) bad_request("stop", "invalid_value", "Invalid 'stop': stop strings must not be empty.");
  }
  if (const json* lb = member(body, "logit_bias")) {
    if (!lb->is_object()) wrong_type("logit_bias", "an object mapping token ids to biases", *lb);
    for (auto it = lb->begin(); it != lb->end(); ++it) {
      const std::string p = "logit_bias." + it.key();
      char* end = nullptr;
      const long id = std::strtol(it.key().c_str(), &end, 10);
      if (it.key().empty() || *end != '\0' || id < 0 || id > std::numeric_limits<int32_t>::max())
        bad_request("logit_bias", "invalid_value", "Invalid 'logit_bias': key '{}' is not a token id.", it.key());
      if (!it.value().is_number()) wrong_type(p, "a number", it.value());
      const double b = it.value().get<double>();
      if (!(b >= -100 && b <= 100))
        bad_request("logit_bias", "invalid_value", "Invalid 'logit_bias': bias {} for token {} is outside [-100, 100].", b, id);
      r.sampling.logit_bias.emplace_back(static_cast<int32_t>(id), static_cast<float>(b));
    }
  }
  r.user = get_string(body, "user").value_or("");
  r.ignore_eos = get_bool(body, "ignore_eos").value_or(false);
}

}  // namespace

std::optional<std::string> get_string(const json& obj, const std::string& key, const std::string& where) {
  const json* v = member(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) wrong_type(field(where, key), "a string", *v);
  return v->get<std::string>();
}

std::optional<bool> get_bool(const json& obj, const std::string& key, const std::string& where) {
  const json* v = member(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) wrong_type(field(where, key), "a boolean", *v);
  return v->get<bool>();
}

std::optional<int64_t> get_int(const json& obj, const std::string& key, int64_t lo, int64_t hi, const std::string& where) {
  const json* v = member(obj, key);
  if (!v) return std::nullopt;
  const std::string p = field(where, key);
  int64_t x = 0;
  if (v->is_number_integer()) {
    x = v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
            ? std::numeric_limits<int64_t>::max()
            : v->get<int64_t>();
  } else if (v->is_number_float() && std::isfinite(v->get<double>()) && std::floor(v->get<double>()) == v->get<double>() &&
             std::fabs(v->get<double>()) < 9e18) {
    x = static_cast<int64_t>(v->get<double>());  // 2.0 is an integer too
  } else {
    wrong_type(p, "an integer", *v);
  }
  if (x < lo) bad_request(p, "integer_below_min_value", "Invalid '{}': integer below minimum value. Expected a value >= {}, but got {} instead.", p, lo, x);
  if (x > hi) bad_request(p, "integer_above_max_value", "Invalid '{}': integer above maximum value. Expected a value <= {}, but got {} instead.", p, hi, x);
  return x;
}

std::optional<double> get_number(const json& obj, const std::string& key, double lo, double hi, const std::string& where) {
  const json* v = member(obj, key);
  if (!v) return std::nullopt;
  const std::string p = field(where, key);
  if (!v->is_number()) wrong_type(p, "a decimal", *v);
  const double x = v->get<double>();
  if (!(x >= lo)) bad_request(p, "decimal_below_min_value", "Invalid '{}': decimal below minimum value. Expected a value >= {}, but got {} instead.", p, lo, x);
  if (!(x <= hi)) bad_request(p, "decimal_above_max_value", "Invalid '{}': decimal above maximum value. Expected a value <= {}, but got {} instead.", p, hi, x);
  return x;
}

std::vector<int32_t> token_array(const json& v, const std::string& param) {
  if (!v.is_array()) wrong_type(param, "an array of token ids", v);
  std::vector<int32_t> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); i++) {
    const json& t = v[i];
    if (!t.is_number_integer() || t.get<int64_t>() < 0 || t.get<int64_t>() > std::numeric_limits<int32_t>::max())
      bad_request(param, "invalid_value", "Invalid '{}[{}]': expected a token id (a non-negative integer).", param, i);
    out.push_back(static_cast<int32_t>(t.get<int64_t>()));
  }
  return out;
}

// "retrieval": false | true | {"k": 1..20}
void parse_retrieval(const json& body, ApiRequest& r) {
  const json* x = member(body, "retrieval");
  if (!x || x->is_null()) return;
  if (x->is_boolean()) {
    r.retrieval_asked = x->get<bool>();
    if (!r.retrieval_asked) r.retrieval_k = 0;
    return;
  }
  if (!x->is_object()) wrong_type("retrieval", "a boolean or an object like {\"k\": 3}", *x);
  for (const auto& [key, _] : x->items())
    if (key != "k") bad_request("retrieval." + key, "unknown_parameter", "Unrecognized parameter: 'retrieval.{}'.", key);
  r.retrieval_asked = true;
  if (auto k = get_int(*x, "k", 1, 20, "retrieval")) r.retrieval_k = *k;
}

ApiRequest parse_chat_request(const json& body) {
  ApiRequest r;
  parse_common(body, r);
  refuse_unsupported(body);
  r.chat = true;
  r.messages = parse_messages(body);
  // max_completion_tokens supersedes the deprecated max_tokens
  if (auto m = get_int(body, "max_tokens", 1, 1 << 30)) r.max_tokens = *m;
  if (auto m = get_int(body, "max_completion_tokens", 1, 1 << 30)) r.max_tokens = *m;
  r.logprobs = get_bool(body, "logprobs").value_or(false);
  if (auto k = get_int(body, "top_logprobs", 0, 20)) {
    if (!r.logprobs)
      bad_request("top_logprobs", "invalid_value", "Invalid 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.");
    r.sampling.top_logprobs = *k;
  }
  parse_retrieval(body, r);
  return r;
}

ApiRequest parse_completion_request(const json& body) {
  ApiRequest r;
  parse_common(body, r);
  r.chat = false;
  const json* p = member(body, "prompt");
  if (!p) bad_request("prompt", "missing_required_parameter", "Missing required parameter: 'prompt'.");
  if (p->is_string()) {
    r.prompt_texts.push_back(p->get<std::string>());
  } else if (p->is_array() && !p->empty() && (*p)[0].is_number()) {
    r.prompt_ids.push_back(token_array(*p, "prompt"));
  } else if (p->is_array() && !p->empty()) {
    for (size_t i = 0; i < p->size(); i++) {
      const json& x = (*p)[i];
      const std::string param = fmt::format("prompt[{}]", i);
      if (x.is_string()) {
        if (!r.prompt_ids.empty()) wrong_type(param, "an array of token ids, like the other prompts", x);
        r.prompt_texts.push_back(x.get<std::string>());
      } else if (x.is_array()) {
        if (!r.prompt_texts.empty()) wrong_type(param, "a string, like the other prompts", x);
        r.prompt_ids.push_back(token_array(x, param));
      } else {
        wrong_type(param, "a string or an array of token ids", x);
      }
    }
  } else {
    wrong_type("prompt", "a string, an array of strings or an array of token ids", *p);
  }
  if (r.prompt_texts.size() + r.prompt_ids.size() > 16)
    bad_request("prompt", "array_above_max_length", "Invalid 'prompt': at most 16 prompts per request.");
  if (auto s = get_string(body, "suffix"); s && !s->empty())
    bad_request("suffix", "unsupported_parameter", "Unsupported parameter: 'suffix' (insertion) is not supported by this model.");
  if (auto b = get_int(body, "best_of", 1, 16); b && *b != r.n)
    bad_request("best_of", "unsupported_value", "Unsupported value: 'best_of' other than 'n' is not supported.");
  r.max_tokens = get_int(body, "max_tokens", 0, 1 << 30).value_or(16);
  if (auto k = get_int(body, "logprobs", 0, 5)) {
    r.logprobs = true;
    r.sampling.top_logprobs = *k;
  }
  r.echo = get_bool(body, "echo").value_or(false);
  return r;
}

EmbeddingRequest parse_embedding_request(const json& body) {
  if (!body.is_object()) wrong_type("body", "a JSON object", body);
  EmbeddingRequest r;
  r.model = get_string(body, "model").value_or("");
  r.encoding_format = get_string(body, "encoding_format").value_or("float");
  if (r.encoding_format != "float" && r.encoding_format != "base64")
    bad_request("encoding_format", "invalid_value", "Invalid 'encoding_format': '{}'. Supported values are: 'float' and 'base64'.",
                r.encoding_format);
  r.dimensions = get_int(body, "dimensions", 1, 1 << 20);
  const json* in = member(body, "input");
  if (!in) bad_request("input", "missing_required_parameter", "Missing required parameter: 'input'.");
  auto text = [&](const json& t, const std::string& param) {
    if (t.get_ref<const std::string&>().empty())
      bad_request("input", "invalid_value", "Invalid '{}': the input must not be empty.", param);
    r.inputs.push_back({true, t.get<std::string>(), {}});
  };
  if (in->is_string()) {
    text(*in, "input");
  } else if (in->is_array() && !in->empty() && (*in)[0].is_number()) {
    r.inputs.push_back({false, "", token_array(*in, "input")});
  } else if (in->is_array() && !in->empty()) {
    if (in->size() > 2048) bad_request("input", "array_above_max_length", "Invalid 'input': at most 2048 inputs per request.");
    for (size_t i = 0; i < in->size(); i++) {
      const json& x = (*in)[i];
      const std::string param = fmt::format("input[{}]", i);
      if (x.is_string()) text(x, param);
      else if (x.is_array() && !x.empty()) r.inputs.push_back({false, "", token_array(x, param)});
      else bad_request("input", "invalid_type", "Invalid type for '{}': expected a non-empty string or array of token ids.", param);
    }
  } else {
    bad_request("input", "invalid_type", "Invalid 'input': expected a non-empty string, an array of strings, or token ids.");
  }
  return r;
}

TokenizeRequest parse_tokenize_request(const json& body) {
  const auto content = get_string(body, "content");
  if (!content) throw ApiError(400, "Missing required parameter: 'content'.", "content", "missing_required_parameter");
  return {*content, get_bool(body, "add_special").value_or(false), get_bool(body, "with_pieces").value_or(false)};
}

std::vector<int32_t> parse_detokenize_request(const json& body) {
  if (!body.contains("tokens")) throw ApiError(400, "Missing required parameter: 'tokens'.", "tokens", "missing_required_parameter");
  return token_array(body["tokens"], "tokens");
}

std::vector<std::string> parse_moderation_input(const json& body) {
  if (!body.is_object()) wrong_type("body", "a JSON object", body);
  const json* in = member(body, "input");
  if (!in) bad_request("input", "missing_required_parameter", "Missing required parameter: 'input'.");
  std::vector<std::string> texts;
  if (in->is_string()) {
    texts.push_back(in->get<std::string>());
  } else if (in->is_array() && !in->empty()) {
    if (in->size() > 256) bad_request("input", "array_above_max_length", "Invalid 'input': at most 256 inputs per request.");
    for (size_t i = 0; i < in->size(); i++) {
      const json& x = (*in)[i];
      const std::string param = fmt::format("input[{}]", i);
      if (x.is_string()) {
        texts.push_back(x.get<std::string>());
      } else if (x.is_object()) {
        const std::string type = get_string(x, "type", param).value_or("");
        if (type != "text")
          bad_request(param + ".type", "unsupported_value", "Invalid '{}.type': '{}' is not supported; this moderation reads text only.",
                      param, type);
        const auto t = get_string(x, "text", param);
        if (!t) bad_request(param + ".text", "missing_required_parameter", "Missing required parameter: '{}.text'.", param);
        texts.push_back(*t);
      } else {
        wrong_type(param, "a string or a text part", x);
      }
    }
  } else {
    bad_request("input", "invalid_type", "Invalid 'input': expected a string, an array of strings, or text parts.");
  }
  return texts;
}

}  // namespace own
