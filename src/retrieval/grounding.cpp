#include "retrieval/grounding.h"

#include <fmt/format.h>

namespace own {

std::string context_text(std::span<const SearchHit> hits) {
  std::string out;
  for (size_t i = 0; i < hits.size(); ++i) {
    if (i > 0) out += "\n\n";
    const Passage& p = hits[i].passage;
    // a dictionary entry starts with its headword: the title would only repeat it
    if (p.text.rfind(p.title, 0) == 0)
      out += fmt::format("[{}] {}", i + 1, p.text);
    else
      out += fmt::format("[{}] {}\n{}", i + 1, p.title, p.text);
  }
  return out;
}

std::vector<ChatMessage> with_context(std::span<const ChatMessage> messages, const std::string& context) {
  std::vector<ChatMessage> out(messages.begin(), messages.end());
  if (context.empty()) return out;
  size_t at = out.size();
  for (size_t i = out.size(); i-- > 0;)
    if (out[i].role == "user") {
      at = i;
      break;
    }
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), ChatMessage{"context", context});
  return out;
}

Grounded ground(const IndexDb& index, int k, const Tokenizer& tok, std::span<const ChatMessage> messages,
                int64_t context_tokens, int64_t room) {
  Grounded g;
  std::string query;
  for (size_t i = messages.size(); i-- > 0;)
    if (messages[i].role == "user") {
      query = messages[i].content;
      break;
    }
  if (!query.empty()) g.hits = index.search(query, k);
  for (;;) {
    g.messages = with_context(messages, context_text(g.hits));
    g.prompt = render_chat(tok, g.messages, true);
    if (g.hits.empty() || static_cast<int64_t>(g.prompt.size()) + room <= context_tokens) break;
    g.hits.pop_back();
  }
  return g;
}

}  // namespace own
