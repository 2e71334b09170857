// The chat format: how a conversation becomes token ids, one renderer for every consumer
// (training, `chat`, `serve`, eval). Each turn is the role's special token, the content as
// ordinary text (special-token text typed by a user stays text), then <|end|>:
//   <|bos|><|system|>You are ...<|end|><|user|>Hi<|end|><|assistant|>Hello!<|end|>
// With add_generation_prompt the ids end with <|assistant|>, where the model writes its turn.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace own {

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
};

// InputError naming the message index for an unknown role, or when the tokenizer lacks the
// chat special tokens.
std::vector<int32_t> render_chat(const Tokenizer& tok, std::span<const ChatMessage> messages,
                                 bool add_generation_prompt);
// Tokens that end an assistant turn: <|end|>, and any token that would start another turn.
std::vector<int32_t> chat_stop_tokens(const Tokenizer& tok);

}  // namespace own
