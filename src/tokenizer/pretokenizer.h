// Pre-tokenizer: splits text into chunks with a regex (PCRE2, JIT-compiled); BPE never merges
// across chunks. Chunks are contiguous and cover every byte: bytes the regex does not match
// (invalid UTF-8, or characters a custom pattern leaves out) come out as chunks of their own,
// as HF's Split(behavior: Isolated) does. `\s` means Unicode White_Space (U+0085 included), as
// in OpenAI's tiktoken and HF tokenizers; plain PCRE2 would leave U+0085 out. Character
// properties come from PCRE2's Unicode tables (14.0 for PCRE2 10.42).
#pragma once
#include <memory>
#include <string>
#include <string_view>

namespace own {

// GPT-2's pattern (also HF ByteLevel(use_regex: true)).
inline constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
// GPT-4's cl100k_base pattern.
inline constexpr std::string_view kGpt4Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// Our own tokenizers: GPT-2's pattern, with the trainer refusing every merge that joins a digit to
// a digit (trainer.cpp), so " 2026" encodes as " 2", "0", "2", "6" (numbers one digit a token, as
// Llama 1 and 2 split them, and the space before a number on its first digit, as a word takes it).
// A small model then learns column arithmetic from ~100 digit facts instead of a table of 1000
// three-digit tokens, and no number costs a lone " " token (in worked sums those spaces are so
// frequent that a barely trained model answers with nothing but spaces). The digits are one by one
// by the merges, not the regex, because the regex must be one llama.cpp knows by name ("gpt-2"):
// an exported GGUF then tokenizes every text exactly as we do (model/gguf_export.cpp).
inline constexpr std::string_view kOwnPattern = kGpt2Pattern;

class Pretokenizer {
 public:
  // Throws InputError naming the pattern and the offset of a syntax error.
  explicit Pretokenizer(std::string pattern);
  const std::string& pattern() const { return pattern_; }

  // Iterates the chunks of one text. Holds its own match buffer, so several cursors may run
  // over one Pretokenizer on different threads. `text` must outlive the cursor.
  class Cursor {
   public:
    Cursor(const Pretokenizer& pre, std::string_view text);
    ~Cursor();
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    // The next chunk, or false at the end of the text.
    bool next(std::string_view& chunk);

   private:
    const Pretokenizer& pre_;
    std::string_view text_;
    size_t pos_ = 0;        // start of the next chunk
    size_t match_pos_ = 0;  // where the next regex search starts
    size_t pending_begin_ = 0, pending_end_ = 0;  // a match found after an unmatched gap
    bool have_pending_ = false;
    void* match_data_;
  };

 private:
  std::string pattern_;
  std::shared_ptr<void> code_;  // pcre2_code_8*
};

// `pattern` with \s / \S widened to Unicode White_Space (adds U+0085), outside and inside [...].
std::string widen_whitespace_classes(std::string_view pattern);

}  // namespace own
