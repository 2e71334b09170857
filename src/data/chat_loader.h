// SFT batches. Padded: one conversation per row. Packed: as many whole conversations as fit in
// T + 1 tokens, back to back (each starts with <|bos|>; as in pretraining, later ones may attend
// to earlier ones in the row), then padding; no conversation is ever split across rows.
// For a row's token stream s: inputs = s[0 .. T-1] (<|pad|> past the end); targets[t] = s[t+1]
// where that token is part of an assistant answer, else -1 (ignored). Conversations are visited
// in a seeded random order, a fresh one each epoch; the cursor counts conversations consumed.
#pragma once
#include <cstdint>
#include <vector>

#include "core/epoch_order.h"
#include "data/chat_data.h"
#include "tokenizer/tokenizer.h"
#include "data/batch_source.h"

namespace own {

struct ChatExample {
  std::vector<int32_t> ids;
  std::vector<uint8_t> is_answer;  // per id
};

// Renders conversations with the chat template. Those longer than max_tokens are dropped and
// counted in *too_long (not silently: callers report it).
std::vector<ChatExample> chat_examples(const Tokenizer& tok, const std::vector<Conversation>& convs, int64_t max_tokens,
                                       int64_t* too_long);

class ChatSource : public BatchSource {
 public:
  ChatSource(std::vector<ChatExample> examples, int32_t pad_id, uint64_t seed, bool shuffle, bool pack);
  void next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) override;
  uint64_t cursor() const override { return cursor_; }
  void seek(uint64_t c) override { cursor_ = c; }
  int64_t size() const { return static_cast<int64_t>(examples_.size()); }

 private:
  std::vector<ChatExample> examples_;
  EpochOrder order_;
  int32_t pad_;
  uint64_t cursor_ = 0;
  bool pack_;
  const ChatExample& at(uint64_t cursor);
};

}  // namespace own
