// Conversations for SFT and chat evals, in OpenAI's fine-tuning JSONL:
//   {"messages": [{"role": "system|user|assistant", "content": "..."}, ...]}
// content may also be a list of text parts [{"type": "text", "text": "..."}]. Our synthetic
// files add "family" (what kind of task) and "item" (the underlying item: a word, a question;
// the splits never share one); user files need neither.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/chat_template.h"

namespace own {

struct Conversation {
  std::vector<ChatMessage> messages;
  std::string family = "user";
  std::string item;
};

// InputError naming path:line and the field for invalid JSON, a missing or empty "messages"
// array, an unknown role, content that is not text; with for_training also a conversation
// whose last message is not the assistant's or that has no assistant message at all.
std::vector<Conversation> read_chat_jsonl(const std::string& path, bool for_training);
// The same on bytes already read; `path` names them in errors.
std::vector<Conversation> parse_chat_jsonl(std::string_view text, const std::string& path, bool for_training);
std::string chat_jsonl_line(const Conversation& c);  // one line, with its newline
// the messages before c's first assistant turn (the first ask); empty when c has none or starts with one
std::vector<ChatMessage> first_ask(const Conversation& c);
void write_chat_jsonl(const std::string& path, const std::vector<Conversation>& convs);  // atomic

}  // namespace own
