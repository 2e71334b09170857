// Byte-level BPE tokenizer: text -> pre-token chunks (regex) -> BPE merges per chunk -> ids,
// and ids -> bytes exactly (decode(encode(x)) == x for any bytes, valid UTF-8 or not).
// Special tokens are matched in text only when the caller allows it (Specials::allowed);
// otherwise "<|eos|>" in a user's text is ordinary text. No normalisation, no BOS/EOS added.
// A Tokenizer is immutable after construction, so one may be shared across threads.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenizer/bpe_merge.h"
#include "tokenizer/pretokenizer.h"

namespace own {

enum class Specials { as_text, allowed };

// Everything a Tokenizer is built from (what tokenizer.json, tiktoken ranks or the trainer give).
struct BpeVocab {
  std::string pattern = std::string(kGpt4Pattern);  // pre-tokenizer regex
  std::vector<std::string> tokens;                  // ordinary tokens: tokens[id] = bytes; "" = unused id
  std::vector<std::array<int32_t, 2>> merges;       // HF semantics: merges[rank] = (left, right)
  // tiktoken semantics instead of `merges`: two adjacent tokens merge whenever their
  // concatenation is a token, lowest merged id first
  bool merge_any_split = false;
  bool ignore_merges = false;  // a chunk that is itself a token becomes that token directly
  std::vector<std::pair<std::string, int32_t>> specials;  // content, id (ids not used by `tokens`)
};

class Tokenizer {
 public:
  // spec: a tokenizer.json path, or "gpt2" / "cl100k" (tiktoken's ranks from node_modules).
  static Tokenizer load(const std::string& spec);
  // Validates the vocabulary (InputError on inconsistent data: duplicate tokens or ids, merges
  // whose parts or result are missing, a byte without a token).
  explicit Tokenizer(BpeVocab vocab);

  std::vector<int32_t> encode(std::string_view text, Specials specials = Specials::as_text) const;
  void encode_append(std::string_view text, std::vector<int32_t>& out,
                     Specials specials = Specials::as_text) const;
  // Bytes of the ids in order (special tokens as their text). InputError naming the position
  // and value of the first id outside the vocabulary.
  std::string decode(std::span<const int32_t> ids) const;
  void decode_append(std::span<const int32_t> ids, std::string& out) const;

  int64_t vocab_size() const { return static_cast<int64_t>(kind_.size()); }  // 1 + largest id
  int32_t special_id(std::string_view name) const;    // InputError if there is no such special token
  int32_t find_special(std::string_view name) const;  // -1 if there is no such special token
  std::string_view token_bytes(int32_t id) const;   // "" for an unused id; id must be < vocab_size
  bool is_special(int32_t id) const;
  bool is_valid(int32_t id) const;  // an ordinary or special token (cl100k has unused ids)
  int32_t find_token(std::string_view bytes) const;  // ordinary token with exactly these bytes, or -1

  const std::string& pattern() const { return pre_.pattern(); }
  const std::vector<std::array<int32_t, 2>>& merges() const { return merges_; }
  const std::vector<std::pair<std::string, int32_t>>& specials() const { return specials_; }
  bool merge_any_split() const { return merge_any_split_; }
  bool ignore_merges() const { return ignore_merges_; }

 private:
  enum Kind : uint8_t { kUnused = 0, kOrdinary = 1, kSpecial = 2 };
  struct ChunkCache;
  // the constructor's steps, in order
  std::vector<std::string_view> assign_ids(const std::vector<std::string>& tokens, int64_t& n_ordinary);
  void store_bytes(const std::vector<std::string_view>& by_id);
  void build_index(int64_t n_ordinary);
  void build_split_pairs(int64_t n_ordinary);
  void build_merge_pairs();
  void encode_ordinary(std::string_view text, std::vector<int32_t>& out, ChunkCache* cache) const;
  void encode_chunk(std::string_view chunk, std::vector<int32_t>& out, ChunkCache* cache) const;

  Pretokenizer pre_;
  std::string bytes_;              // all token bytes, id order
  std::vector<uint32_t> offsets_;  // (V+1): token id's bytes are bytes_[offsets_[id], offsets_[id+1])
  std::vector<uint8_t> kind_;      // (V)
  std::array<int32_t, 256> byte_id_{};
  PairTable pairs_;
  // open-addressing table bytes -> ordinary id: slot = hash & mask; ids -1 = empty; tags hold
  // the hash's top 32 bits so most probes skip the byte comparison
  std::vector<int32_t> index_;
  std::vector<uint32_t> index_tag_;
  uint64_t index_mask_ = 0;
  std::vector<std::array<int32_t, 2>> merges_;
  std::vector<std::pair<std::string, int32_t>> specials_;  // sorted by id
  bool merge_any_split_ = false, ignore_merges_ = false;
};

}  // namespace own
