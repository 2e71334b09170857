// Answers from retrieved passages: the last user message is the query, the best passages are
// numbered [1]..[k] and go into a context turn (chat_template.h) just before that message, so the
// model can answer from them and cite them by number. Used by `serve` and `chat`; the grounded
// training data renders the same context text.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "retrieval/index_db.h"
#include "tokenizer/chat_template.h"

namespace own {

struct Grounded {
  std::vector<ChatMessage> messages;  // with the context turn when there are passages
  std::vector<SearchHit> hits;        // the passages given, [1] first
  std::vector<int32_t> prompt;        // messages rendered with the generation prompt
};

// "[1] title\ntext\n\n[2] title\ntext"; the title is left out where the text starts with it
// ("[1] serendipity (noun)\ngood luck ...")
std::string context_text(std::span<const SearchHit> hits);
// messages with a context turn holding `context` inserted before the last user message (at the
// end when there is none); unchanged when context is empty
std::vector<ChatMessage> with_context(std::span<const ChatMessage> messages, const std::string& context);

// Searches for the last user message (k passages) and renders the grounded prompt. Passages are
// dropped from the end while the prompt would leave less than `room` tokens of `context_tokens`.
Grounded ground(const IndexDb& index, int k, const Tokenizer& tok, std::span<const ChatMessage> messages,
                int64_t context_tokens, int64_t room);

}  // namespace own
