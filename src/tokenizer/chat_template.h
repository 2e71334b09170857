// The chat format: how a conversation becomes token ids, one renderer for every consumer
// (training, `chat`, `serve`, eval). Each turn is the role's special token, the content as
// ordinary text (special-token text typed by a user stays text), then <|end|>:
//   <|bos|><|system|>You are ...<|end|><|user|>Hi<|end|><|assistant|>Hello!<|end|>
// With add_generation_prompt the ids end with <|assistant|>, where the model writes its turn.
// Retrieved passages travel in a turn of their own, role "context" (<|context|>), just before the
// question they were found for: <|context|>[1] title\ntext\n\n[2] ...<|end|><|user|>...
// Only the server and the grounded training data make such turns; API clients cannot send one.
// The same format as a Jinja template (kChatTemplate) is stored in tokenizer_config.json, so other
// tools render it too; tests check that rendering it gives exactly our ids.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace own {

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
};

bool is_chat_role(std::string_view role);      // "system", "user" or "assistant": what clients send
bool is_template_role(std::string_view role);  // those and "context": what the template renders
// <|context|>; tokenizers trained before it was named have the same slot as <|reserved_0|>
int32_t context_token(const Tokenizer& tok);

// Hugging Face chat_template (Jinja); bos_token is "<|bos|>"
extern const std::string_view kChatTemplate;

// InputError naming the message index for an unknown role, or when the tokenizer lacks the
// chat special tokens.
std::vector<int32_t> render_chat(const Tokenizer& tok, std::span<const ChatMessage> messages,
                                 bool add_generation_prompt);
// For training: ids and, per id, whether it is part of an assistant turn's answer (its content
// and closing <|end|>: what the model learns to write). The role tokens are not.
void render_chat_masked(const Tokenizer& tok, std::span<const ChatMessage> messages, std::vector<int32_t>& ids,
                        std::vector<uint8_t>& is_answer);
// Tokens that end an assistant turn: <|end|>, and any token that would start another turn.
std::vector<int32_t> chat_stop_tokens(const Tokenizer& tok);
// True when the tokenizer has the special tokens the chat format needs.
bool has_chat_tokens(const Tokenizer& tok);

// tokenizer_config.json (HF): special tokens and the chat template
std::string tokenizer_config_json(const Tokenizer& tok);

}  // namespace own
