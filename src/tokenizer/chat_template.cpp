#include "tokenizer/chat_template.h"

#include <nlohmann/json.hpp>

#include "core/check.h"

namespace own {

const std::string_view kChatTemplate =
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] not in ['system', 'context', 'user', 'assistant'] %}"
    "{{ raise_exception('unknown role: ' + message['role']) }}"
    "{% endif %}"
    "{{ '<|' + message['role'] + '|>' + message['content'] + '<|end|>' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

bool is_chat_role(std::string_view role) { return role == "system" || role == "user" || role == "assistant"; }

bool is_template_role(std::string_view role) { return is_chat_role(role) || role == "context"; }

int32_t context_token(const Tokenizer& tok) {
  int32_t id = tok.find_special("<|context|>");
  if (id < 0) id = tok.find_special("<|reserved_0|>");  // tokenizers trained before the slot was named
  if (id < 0) input_error("the tokenizer has no <|context|> token, so it cannot hold retrieved passages");
  return id;
}

static int32_t role_token(const Tokenizer& tok, const std::string& role, size_t index) {
  if (!is_template_role(role))
    input_error("message {}: unknown role '{}' (expected system, context, user or assistant)", index, role);
  return role == "context" ? context_token(tok) : tok.special_id("<|" + role + "|>");
}

void render_chat_masked(const Tokenizer& tok, std::span<const ChatMessage> messages, std::vector<int32_t>& ids,
                        std::vector<uint8_t>& is_answer) {
  ids.assign(1, tok.special_id("<|bos|>"));
  is_answer.assign(1, 0);
  const int32_t end = tok.special_id("<|end|>");
  for (size_t i = 0; i < messages.size(); i++) {
    ids.push_back(role_token(tok, messages[i].role, i));
    is_answer.push_back(0);
    tok.encode_append(messages[i].content, ids, Specials::as_text);
    ids.push_back(end);
    is_answer.resize(ids.size(), messages[i].role == "assistant" ? 1 : 0);
  }
}

std::vector<int32_t> render_chat(const Tokenizer& tok, std::span<const ChatMessage> messages,
                                 bool add_generation_prompt) {
  std::vector<int32_t> ids;
  std::vector<uint8_t> mask;
  render_chat_masked(tok, messages, ids, mask);
  if (add_generation_prompt) ids.push_back(tok.special_id("<|assistant|>"));
  return ids;
}

static constexpr const char* kChatSpecials[] = {"<|bos|>", "<|eos|>", "<|pad|>", "<|system|>",
                                                "<|user|>", "<|assistant|>", "<|end|>"};

bool has_chat_tokens(const Tokenizer& tok) {
  for (const char* s : kChatSpecials)
    if (tok.find_special(s) < 0) return false;
  return true;
}

std::vector<int32_t> chat_stop_tokens(const Tokenizer& tok) {
  std::vector<int32_t> ids;
  for (const char* s : {"<|end|>", "<|eos|>", "<|bos|>", "<|system|>", "<|user|>", "<|assistant|>"})
    ids.push_back(tok.special_id(s));
  if (int32_t c = tok.find_special("<|context|>"); c >= 0) ids.push_back(c);
  return ids;
}

std::string tokenizer_config_json(const Tokenizer& tok) {
  nlohmann::json added = nlohmann::json::object();
  for (const auto& [content, id] : tok.specials())
    added[std::to_string(id)] = {{"content", content}, {"special", true}, {"lstrip", false}, {"rstrip", false},
                                 {"normalized", false}, {"single_word", false}};
  nlohmann::json j = {{"tokenizer_class", "PreTrainedTokenizerFast"},
                      {"bos_token", "<|bos|>"},
                      {"eos_token", "<|eos|>"},
                      {"pad_token", "<|pad|>"},
                      {"add_bos_token", false},
                      {"add_eos_token", false},
                      {"clean_up_tokenization_spaces", false},
                      {"added_tokens_decoder", added},
                      {"chat_template", std::string(kChatTemplate)}};
  return j.dump(2) + "\n";
}

}  // namespace own
