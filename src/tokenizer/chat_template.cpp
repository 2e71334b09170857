#include "tokenizer/chat_template.h"

#include "core/check.h"

namespace own {

static int32_t role_token(const Tokenizer& tok, const std::string& role, size_t index) {
  if (role != "system" && role != "user" && role != "assistant")
    input_error("message {}: unknown role '{}' (expected system, user or assistant)", index, role);
  return tok.special_id("<|" + role + "|>");
}

std::vector<int32_t> render_chat(const Tokenizer& tok, std::span<const ChatMessage> messages,
                                 bool add_generation_prompt) {
  std::vector<int32_t> ids{tok.special_id("<|bos|>")};
  const int32_t end = tok.special_id("<|end|>");
  for (size_t i = 0; i < messages.size(); i++) {
    ids.push_back(role_token(tok, messages[i].role, i));
    tok.encode_append(messages[i].content, ids, Specials::as_text);
    ids.push_back(end);
  }
  if (add_generation_prompt) ids.push_back(tok.special_id("<|assistant|>"));
  return ids;
}

std::vector<int32_t> chat_stop_tokens(const Tokenizer& tok) {
  std::vector<int32_t> ids;
  for (const char* s : {"<|end|>", "<|eos|>", "<|bos|>", "<|system|>", "<|user|>", "<|assistant|>"})
    ids.push_back(tok.special_id(s));
  return ids;
}

}  // namespace own
