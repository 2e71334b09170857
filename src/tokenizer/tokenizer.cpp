#include "tokenizer/tokenizer.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/check.h"

namespace own {

namespace {

std::string printable(std::string_view bytes) {  // for error messages
  std::string s;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      s += static_cast<char>(c);
    } else {
      s += fmt::format("\\x{:02x}", c);
    }
  }
  return s;
}

}  // namespace

// Per-call memo of chunk -> ids: text repeats its words, and a lookup is cheaper than merging.
// Keys view the caller's text, so the cache lives only as long as one encode call.
struct Tokenizer::ChunkCache {
  struct Hash {
    size_t operator()(std::string_view s) const { return hash_bytes(s); }
  };
  std::unordered_map<std::string_view, std::pair<uint32_t, uint32_t>, Hash> map;  // -> (offset, count) in ids
  std::vector<int32_t> ids;
};

Tokenizer::Tokenizer(BpeVocab v)
    : pre_(std::move(v.pattern)),
      merges_(std::move(v.merges)),
      specials_(std::move(v.specials)),
      merge_any_split_(v.merge_any_split),
      ignore_merges_(v.ignore_merges) {
  int64_t n_ordinary = 0;
  const std::vector<std::string_view> by_id = assign_ids(v.tokens, n_ordinary);
  store_bytes(by_id);
  build_index(n_ordinary);
  if (merge_any_split_) build_split_pairs(n_ordinary);
  else build_merge_pairs();
}

// id space: ordinary tokens, then specials wherever their ids say; kind_ per id, and each id's bytes
std::vector<std::string_view> Tokenizer::assign_ids(const std::vector<std::string>& tokens, int64_t& n_ordinary) {
  int64_t n_ids = static_cast<int64_t>(tokens.size());
  for (const auto& [content, id] : specials_) {
    if (id < 0) input_error("vocabulary: special token \"{}\" has a negative id {}", printable(content), id);
    if (content.empty()) input_error("vocabulary: special token {} has empty content", id);
    n_ids = std::max<int64_t>(n_ids, int64_t{id} + 1);
  }
  if (n_ids >= INT32_MAX) input_error("vocabulary: {} ids is too many", n_ids);
  const auto V = static_cast<size_t>(n_ids);
  kind_.assign(V, kUnused);
  std::vector<std::string_view> by_id(V);
  for (size_t id = 0; id < tokens.size(); id++) {
    if (tokens[id].empty()) continue;
    kind_[id] = kOrdinary;
    by_id[id] = tokens[id];
    n_ordinary++;
  }
  std::sort(specials_.begin(), specials_.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  for (size_t i = 0; i < specials_.size(); i++) {
    const auto& [content, id] = specials_[i];
    auto uid = static_cast<size_t>(id);
    if (kind_[uid] == kOrdinary)
      input_error("vocabulary: special token \"{}\" has id {}, which the ordinary token \"{}\" already has",
                  printable(content), id, printable(by_id[uid]));
    if (kind_[uid] == kSpecial)
      input_error("vocabulary: special tokens \"{}\" and \"{}\" both have id {}", printable(by_id[uid]),
                  printable(content), id);
    for (size_t j = 0; j < i; j++) {
      if (specials_[j].first == content)
        input_error("vocabulary: special token \"{}\" appears twice (ids {} and {})", printable(content),
                    specials_[j].second, id);
    }
    kind_[uid] = kSpecial;
    by_id[uid] = content;
  }
  return by_id;
}

// all token bytes in id order, one string
void Tokenizer::store_bytes(const std::vector<std::string_view>& by_id) {
  const size_t V = by_id.size();
  offsets_.resize(V + 1);
  size_t total = 0;
  for (const auto& b : by_id) total += b.size();
  if (total >= UINT32_MAX) input_error("vocabulary: {} bytes of token text is too much", total);
  bytes_.reserve(total);
  for (size_t id = 0; id < V; id++) {
    offsets_[id] = static_cast<uint32_t>(bytes_.size());
    bytes_ += by_id[id];
  }
  offsets_[V] = static_cast<uint32_t>(bytes_.size());
}

// bytes -> ordinary id, and the id of each single byte
void Tokenizer::build_index(int64_t n_ordinary) {
  const size_t V = kind_.size();
  size_t cap = 16;
  while (cap < 2 * static_cast<size_t>(n_ordinary)) cap *= 2;
  index_.assign(cap, -1);
  index_tag_.assign(cap, 0);
  index_mask_ = cap - 1;
  for (size_t id = 0; id < V; id++) {
    if (kind_[id] != kOrdinary) continue;
    std::string_view b = token_bytes(static_cast<int32_t>(id));
    int32_t other = find_token(b);
    if (other >= 0) input_error("vocabulary: ids {} and {} are both the token \"{}\"", other, id, printable(b));
    uint64_t h = hash_bytes(b), i = h & index_mask_;
    while (index_[i] >= 0) i = (i + 1) & index_mask_;
    index_[i] = static_cast<int32_t>(id);
    index_tag_[i] = static_cast<uint32_t>(h >> 32);
  }
  for (int b = 0; b < 256; b++) {
    char c = static_cast<char>(b);
    byte_id_[b] = find_token(std::string_view(&c, 1));
    if (byte_id_[b] < 0)
      input_error("vocabulary: no token for the byte 0x{:02x}; byte-level BPE needs all 256", b);
  }
}

// tiktoken ranks: every split of a token into two tokens is a pair that makes it
void Tokenizer::build_split_pairs(int64_t n_ordinary) {
  const size_t V = kind_.size();
  pairs_.reserve(static_cast<size_t>(n_ordinary) * 3);
  for (size_t id = 0; id < V; id++) {
    if (kind_[id] != kOrdinary) continue;
    std::string_view b = token_bytes(static_cast<int32_t>(id));
    for (size_t k = 1; k < b.size(); k++) {
      int32_t l = find_token(b.substr(0, k)), r = find_token(b.substr(k));
      if (l >= 0 && r >= 0) pairs_.insert(l, r, {static_cast<int32_t>(id), static_cast<int32_t>(id)});
    }
  }
}

// the merge list: each merge's pair, its rank and the token it makes
void Tokenizer::build_merge_pairs() {
  const size_t V = kind_.size();
  pairs_.reserve(merges_.size());
  std::string joined;
  for (size_t rank = 0; rank < merges_.size(); rank++) {
    auto [l, r] = merges_[rank];
    for (int32_t part : {l, r}) {
      if (part < 0 || static_cast<size_t>(part) >= V || kind_[part] != kOrdinary)
        input_error("vocabulary: merge {} uses id {}, which is not an ordinary token", rank, part);
    }
    joined.assign(token_bytes(l));
    joined += token_bytes(r);
    int32_t merged = find_token(joined);
    if (merged < 0)
      input_error("vocabulary: merge {} (\"{}\" + \"{}\") makes \"{}\", which is not a token", rank,
                  printable(token_bytes(l)), printable(token_bytes(r)), printable(joined));
    if (!pairs_.insert(l, r, {static_cast<int32_t>(rank), merged}))
      input_error("vocabulary: merge {} (\"{}\" + \"{}\") repeats an earlier merge", rank,
                  printable(token_bytes(l)), printable(token_bytes(r)));
  }
}

int32_t Tokenizer::find_token(std::string_view b) const {
  uint64_t h = hash_bytes(b);
  auto tag = static_cast<uint32_t>(h >> 32);
  for (uint64_t i = h & index_mask_; index_[i] >= 0; i = (i + 1) & index_mask_) {
    if (index_tag_[i] != tag) continue;
    int32_t id = index_[i];
    auto off = offsets_[id];
    auto len = offsets_[id + 1] - off;
    if (len == b.size() && std::memcmp(bytes_.data() + off, b.data(), len) == 0) return id;
  }
  return -1;
}

std::string_view Tokenizer::token_bytes(int32_t id) const {
  OWN_CHECK(id >= 0 && id < vocab_size(), "token id {} outside the vocabulary (size {})", id, vocab_size());
  auto i = static_cast<size_t>(id);
  return std::string_view(bytes_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
}

bool Tokenizer::is_special(int32_t id) const {
  return id >= 0 && id < vocab_size() && kind_[id] == kSpecial;
}

bool Tokenizer::is_valid(int32_t id) const {
  return id >= 0 && id < vocab_size() && kind_[id] != kUnused;
}

int32_t Tokenizer::find_special(std::string_view name) const {
  for (const auto& [content, id] : specials_) {
    if (content == name) return id;
  }
  return -1;
}

int32_t Tokenizer::special_id(std::string_view name) const {
  if (int32_t id = find_special(name); id >= 0) return id;
  std::string known;
  for (const auto& s : specials_) known += (known.empty() ? "" : ", ") + s.first;
  input_error("tokenizer has no special token \"{}\" (it has: {})", name, known.empty() ? "none" : known);
}

void Tokenizer::encode_chunk(std::string_view chunk, std::vector<int32_t>& out, ChunkCache* cache) const {
  if (chunk.size() == 1) {
    out.push_back(byte_id_[static_cast<unsigned char>(chunk[0])]);
    return;
  }
  if (ignore_merges_) {
    int32_t id = find_token(chunk);
    if (id >= 0) {
      out.push_back(id);
      return;
    }
  }
  if (!cache) {
    bpe_merge_append(chunk, byte_id_.data(), pairs_, out);
    return;
  }
  auto it = cache->map.find(chunk);
  if (it != cache->map.end()) {
    auto [off, n] = it->second;
    out.insert(out.end(), cache->ids.begin() + off, cache->ids.begin() + off + n);
    return;
  }
  size_t before = out.size();
  bpe_merge_append(chunk, byte_id_.data(), pairs_, out);
  auto off = static_cast<uint32_t>(cache->ids.size());
  cache->ids.insert(cache->ids.end(), out.begin() + static_cast<ptrdiff_t>(before), out.end());
  cache->map.emplace(chunk, std::make_pair(off, static_cast<uint32_t>(out.size() - before)));
}

void Tokenizer::encode_ordinary(std::string_view text, std::vector<int32_t>& out, ChunkCache* cache) const {
  Pretokenizer::Cursor cursor(pre_, text);
  std::string_view chunk;
  while (cursor.next(chunk)) encode_chunk(chunk, out, cache);
}

void Tokenizer::encode_append(std::string_view text, std::vector<int32_t>& out, Specials specials) const {
  // a cache pays off once text repeats itself; short texts skip building it
  ChunkCache cache_storage;
  ChunkCache* cache = text.size() >= 4096 ? &cache_storage : nullptr;
  if (specials == Specials::as_text || specials_.empty()) {
    encode_ordinary(text, out, cache);
    return;
  }
  // next occurrence of each special at or after `start`; earliest wins, the longest on ties
  std::vector<size_t> next(specials_.size());
  for (size_t i = 0; i < specials_.size(); i++) next[i] = text.find(specials_[i].first);
  size_t start = 0;
  while (true) {
    size_t best = specials_.size();
    for (size_t i = 0; i < specials_.size(); i++) {
      if (next[i] != std::string_view::npos && next[i] < start) next[i] = text.find(specials_[i].first, start);
      if (next[i] == std::string_view::npos) continue;
      if (best == specials_.size() || next[i] < next[best] ||
          (next[i] == next[best] && specials_[i].first.size() > specials_[best].first.size()))
        best = i;
    }
    size_t end = best == specials_.size() ? text.size() : next[best];
    encode_ordinary(text.substr(start, end - start), out, cache);
    if (best == specials_.size()) break;
    out.push_back(specials_[best].second);
    start = end + specials_[best].first.size();
  }
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, Specials specials) const {
  std::vector<int32_t> out;
  out.reserve(text.size() / 4 + 16);
  encode_append(text, out, specials);
  return out;
}

void Tokenizer::decode_append(std::span<const int32_t> ids, std::string& out) const {
  for (size_t i = 0; i < ids.size(); i++) {
    int32_t id = ids[i];
    if (!is_valid(id))
      input_error("token id {} at position {} is not in the vocabulary (ids 0..{}{})", id, i, vocab_size() - 1,
                  id >= 0 && id < vocab_size() ? ", and this one is unused" : "");
    auto u = static_cast<size_t>(id);
    out.append(bytes_.data() + offsets_[u], offsets_[u + 1] - offsets_[u]);
  }
}

std::string Tokenizer::decode(std::span<const int32_t> ids) const {
  std::string out;
  decode_append(ids, out);
  return out;
}

}  // namespace own
