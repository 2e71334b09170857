#include "tokenizer/trainer.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <queue>
#include <unordered_map>

#include "core/check.h"
#include "core/progress.h"
#include "tokenizer/pretokenizer.h"

namespace own {

namespace {

constexpr std::array<std::string_view, 16> kOwnSpecials = {
    "<|bos|>",        "<|eos|>",        "<|pad|>",        "<|system|>",     "<|user|>",       "<|assistant|>",
    "<|end|>",        "<|context|>",    "<|reserved_1|>", "<|reserved_2|>", "<|reserved_3|>", "<|reserved_4|>",
    "<|reserved_5|>", "<|reserved_6|>", "<|reserved_7|>", "<|reserved_8|>"};

struct ViewHash {
  size_t operator()(std::string_view s) const { return hash_bytes(s); }
};
using ChunkMap = std::unordered_map<std::string_view, int64_t, ViewHash>;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// A merge that would put two digits in one token; never made, so numbers stay one digit a token.
bool joins_digits(const std::string& left, const std::string& right) {
  return !left.empty() && !right.empty() && is_ascii_digit(left.back()) && is_ascii_digit(right.front());
}

// Work items of about `segment` bytes. A cut goes after a visible ASCII character and a '\n', before
// an ASCII letter ("x\n|Word"): under our pattern (kOwnPattern, GPT-2's) the '\n' is a chunk of its
// own there, whether the text goes on or ends after it (a longer whitespace run would not be: at
// the end of a piece, `\s+(?!\S)` takes it whole), letters take only a space before them, and the
// pattern has no lookbehind, so counts do not change.
std::vector<std::string_view> segments(std::span<const std::string> documents, size_t segment) {
  std::vector<std::string_view> out;
  for (const std::string& doc : documents) {
    std::string_view rest = doc;
    while (rest.size() > segment) {
      size_t cut = std::string_view::npos;
      for (size_t p = rest.find('\n', segment - 1); p != std::string_view::npos && p + 1 < rest.size();
           p = rest.find('\n', p + 1)) {
        if (is_ascii_letter(rest[p + 1]) && p > 0 && rest[p - 1] > ' ' && rest[p - 1] <= '~') {
          cut = p + 1;
          break;
        }
      }
      if (cut == std::string_view::npos) break;
      out.push_back(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
    if (!rest.empty()) out.push_back(rest);
  }
  return out;
}

uint64_t pair_key(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

struct PairStats {
  int64_t count = 0;
  std::vector<int32_t> where;  // left positions of occurrences; may hold stale ones
};

struct HeapEntry {
  int64_t count;
  int32_t a, b;
};

using PairMap = std::unordered_map<uint64_t, PairStats>;

// every position of every distinct chunk of >= 2 bytes, as doubly linked lists per chunk
struct ChunkPositions {
  std::vector<int32_t> sym, next, prev, word_of;  // per position
  std::vector<int64_t> word_count;                // per chunk: how often it occurs
};

ChunkPositions chunk_positions(const std::vector<std::pair<std::string_view, int64_t>>& chunks) {
  ChunkPositions cp;
  size_t n_pos = 0;
  for (const auto& [c, n] : chunks) n_pos += c.size() >= 2 ? c.size() : 0;
  if (n_pos >= INT32_MAX) input_error("training text too large: {} bytes of distinct chunks (max {})", n_pos, INT32_MAX);
  cp.sym.reserve(n_pos);
  cp.next.reserve(n_pos);
  cp.prev.reserve(n_pos);
  cp.word_of.reserve(n_pos);
  for (const auto& [c, n] : chunks) {
    if (c.size() < 2) continue;
    auto w = static_cast<int32_t>(cp.word_count.size());
    cp.word_count.push_back(n);
    auto base = static_cast<int32_t>(cp.sym.size());
    for (size_t i = 0; i < c.size(); i++) {
      cp.sym.push_back(static_cast<unsigned char>(c[i]));
      auto p = base + static_cast<int32_t>(i);
      cp.next.push_back(i + 1 < c.size() ? p + 1 : -1);
      cp.prev.push_back(i > 0 ? p - 1 : -1);
      cp.word_of.push_back(w);
    }
  }
  return cp;
}

PairMap count_pairs(const ChunkPositions& cp) {
  PairMap pairs;
  for (size_t p = 0; p < cp.sym.size(); p++) {
    if (cp.next[p] < 0) continue;
    PairStats& ps = pairs[pair_key(cp.sym[p], cp.sym[cp.next[p]])];
    ps.count += cp.word_count[cp.word_of[p]];
    ps.where.push_back(static_cast<int32_t>(p));
  }
  return pairs;
}

// max count first; ties: smaller (left bytes, right bytes) first
struct LowerPriority {
  const std::vector<std::string>* tokens;
  bool operator()(const HeapEntry& x, const HeapEntry& y) const {
    if (x.count != y.count) return x.count < y.count;
    const std::string& xa = (*tokens)[x.a];
    const std::string& ya = (*tokens)[y.a];
    if (xa != ya) return xa > ya;
    return (*tokens)[x.b] > (*tokens)[y.b];
  }
};

// The merge loop: takes the most frequent pair off a lazy max-heap (stale entries are skipped or
// re-queued), rewrites its occurrences in the linked positions, and re-queues the neighbour pairs
// whose counts changed. Appends tokens and merges to `v`.
class BpeMerger {
 public:
  BpeMerger(ChunkPositions& pos, PairMap& pairs, BpeVocab& v)
      : pos_(pos), pairs_(pairs), v_(v), heap_(LowerPriority{&v.tokens}) {
    for (int b = 0; b < 256; b++) token_id_[v.tokens[b]] = b;
    for (const auto& [key, ps] : pairs_) push(key, ps.count);
  }

  void run(size_t target, bool show_progress) {
    Progress progress("tokenizer: merges", static_cast<int64_t>(target) - 256, "tokens");
    while (v_.tokens.size() < target && !heap_.empty()) {
      HeapEntry top = heap_.top();
      heap_.pop();
      auto it = pairs_.find(pair_key(top.a, top.b));
      if (it == pairs_.end()) continue;
      int64_t current = it->second.count;
      if (current != top.count) {
        // fell since pushed: re-queue at its real count; rose: a newer entry already holds it
        if (current > 0 && current < top.count) heap_.push({current, top.a, top.b});
        continue;
      }
      if (current <= 0) continue;
      merge(top.a, top.b, it);
      if (show_progress) progress.update(static_cast<int64_t>(v_.tokens.size()) - 256);
    }
  }

 private:
  void push(uint64_t key, int64_t n) {
    auto a = static_cast<int32_t>(key >> 32), b = static_cast<int32_t>(key & 0xFFFFFFFFu);
    if (joins_digits(v_.tokens[a], v_.tokens[b])) return;
    heap_.push({n, a, b});
  }

  // the id of a's bytes + b's bytes, new unless an earlier merge made the same bytes
  int32_t merged_token(int32_t a, int32_t b) {
    std::string merged = v_.tokens[a] + v_.tokens[b];
    auto [tid, is_new] = token_id_.try_emplace(merged, static_cast<int32_t>(v_.tokens.size()));
    if (is_new) v_.tokens.push_back(merged);
    return tid->second;
  }

  void merge(int32_t a, int32_t b, PairMap::iterator it) {
    const int32_t t = merged_token(a, b);
    v_.merges.push_back({a, b});
    where_ = std::move(it->second.where);
    pairs_.erase(it);
    std::sort(where_.begin(), where_.end());  // left to right within a chunk, as encoding merges
    touched_.clear();
    for (int32_t p : where_) replace_at(p, a, b, t);
    std::sort(touched_.begin(), touched_.end());
    touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
    for (uint64_t key : touched_) {
      int64_t n = pairs_[key].count;
      if (n > 0) push(key, n);
    }
  }

  // (a, b) at position p becomes t; the pairs with its neighbours move from a / b to t
  void replace_at(int32_t p, int32_t a, int32_t b, int32_t t) {
    std::vector<int32_t>& sym = pos_.sym;
    std::vector<int32_t>& next = pos_.next;
    std::vector<int32_t>& prev = pos_.prev;
    int32_t r = next[p];
    if (sym[p] != a || r < 0 || sym[r] != b) return;  // stale
    int64_t n = pos_.word_count[pos_.word_of[p]];
    int32_t l = prev[p], rr = next[r];
    if (l >= 0) remove(sym[l], a, n);
    if (rr >= 0) remove(b, sym[rr], n);
    sym[p] = t;
    sym[r] = -1;
    next[p] = rr;
    if (rr >= 0) prev[rr] = p;
    if (l >= 0) add(sym[l], t, n, l);
    if (rr >= 0) add(t, sym[rr], n, p);
  }

  void add(int32_t a, int32_t b, int64_t n, int32_t pos) {
    PairStats& ps = pairs_[pair_key(a, b)];
    ps.count += n;
    ps.where.push_back(pos);
    touched_.push_back(pair_key(a, b));
  }

  void remove(int32_t a, int32_t b, int64_t n) {
    auto it = pairs_.find(pair_key(a, b));
    if (it != pairs_.end()) it->second.count -= n;
  }

  ChunkPositions& pos_;
  PairMap& pairs_;
  BpeVocab& v_;
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, LowerPriority> heap_;
  std::unordered_map<std::string, int32_t> token_id_;
  std::vector<uint64_t> touched_;  // pairs whose counts changed in this merge
  std::vector<int32_t> where_;     // the merged pair's positions
};

}  // namespace

std::span<const std::string_view> own_special_tokens() { return kOwnSpecials; }

std::vector<std::pair<std::string_view, int64_t>> count_chunks(std::span<const std::string> documents,
                                                               size_t segment_bytes) {
  OWN_CHECK(segment_bytes > 0, "segment_bytes must be positive");
  static const Pretokenizer pre{std::string(kOwnPattern)};
  std::vector<std::string_view> work = segments(documents, segment_bytes);
  // batches of consecutive pieces, about segment_bytes each, so many small documents (JSONL)
  // do not cost a scheduling step each
  std::vector<size_t> batch_begin = {0};
  for (size_t i = 0, bytes = 0; i < work.size(); i++) {
    bytes += work[i].size();
    if (bytes >= segment_bytes && i + 1 < work.size()) {
      batch_begin.push_back(i + 1);
      bytes = 0;
    }
  }
  batch_begin.push_back(work.size());
  const size_t n_batches = batch_begin.size() - 1;
  int n_threads = std::max(1, std::min<int>(omp_get_max_threads(), static_cast<int>(n_batches)));
  std::vector<ChunkMap> maps(static_cast<size_t>(n_threads));
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
  for (size_t b = 0; b < n_batches; b++) {
    ChunkMap& m = maps[omp_get_thread_num()];
    for (size_t i = batch_begin[b]; i < batch_begin[b + 1]; i++) {
      Pretokenizer::Cursor cursor(pre, work[i]);
      std::string_view chunk;
      while (cursor.next(chunk)) m[chunk]++;
    }
  }
  // sums do not depend on which thread saw what; sorting fixes the order
  ChunkMap& all = maps[0];
  for (size_t t = 1; t < maps.size(); t++) {
    for (const auto& [chunk, n] : maps[t]) all[chunk] += n;
    ChunkMap().swap(maps[t]);
  }
  std::vector<std::pair<std::string_view, int64_t>> out(all.begin(), all.end());
  std::sort(out.begin(), out.end());
  return out;
}

BpeVocab train_bpe(std::span<const std::string> documents, const TrainOptions& opt, TrainStats* stats) {
  const auto n_specials = static_cast<int64_t>(kOwnSpecials.size());
  if (opt.vocab_size < 256 + n_specials || opt.vocab_size >= INT32_MAX)
    input_error("--vocab must be in {}..{} (256 bytes + merges + {} special tokens), got {}", 256 + n_specials,
                INT32_MAX - 1, n_specials, opt.vocab_size);
  TrainStats st;
  st.documents = static_cast<int64_t>(documents.size());
  for (const auto& d : documents) st.bytes += static_cast<int64_t>(d.size());

  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string_view, int64_t>> chunks = count_chunks(documents);
  st.unique_chunks = static_cast<int64_t>(chunks.size());
  for (const auto& c : chunks) st.chunks += c.second;
  st.count_seconds = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();

  ChunkPositions positions = chunk_positions(chunks);
  PairMap pairs = count_pairs(positions);
  BpeVocab v;
  v.pattern = std::string(kOwnPattern);
  v.tokens.reserve(static_cast<size_t>(opt.vocab_size));
  for (int b = 0; b < 256; b++) v.tokens.emplace_back(1, static_cast<char>(b));
  const auto target = static_cast<size_t>(opt.vocab_size - n_specials);
  BpeMerger(positions, pairs, v).run(target, opt.progress);

  st.merges = static_cast<int64_t>(v.merges.size());
  if (opt.progress && v.tokens.size() < target) {
    fmt::print(stderr, "tokenizer: the text ran out of pairs after {} merges; vocabulary is {}, not {}\n",
               v.merges.size(), v.tokens.size() + kOwnSpecials.size(), opt.vocab_size);
  }
  for (size_t i = 0; i < kOwnSpecials.size(); i++) {
    v.specials.emplace_back(std::string(kOwnSpecials[i]), static_cast<int32_t>(v.tokens.size() + i));
  }
  st.merge_seconds = seconds_since(t0);
  if (stats) *stats = st;
  return v;
}

}  // namespace own
