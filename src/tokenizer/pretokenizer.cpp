#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/pretokenizer.h"

#include <pcre2.h>

#include "core/check.h"

namespace own {

std::string widen_whitespace_classes(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 32);
  bool in_class = false;
  for (size_t i = 0; i < p.size(); i++) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char e = p[++i];
      if (e == 's') {
        out += in_class ? R"(\s\x{85})" : R"([\s\x{85}])";
      } else if (e == 'S' && !in_class) {
        out += R"([^\s\x{85}])";
      } else {  // any other escape, and \S inside a class (rare; left as PCRE2 defines it)
        out += c;
        out += e;
      }
      continue;
    }
    out += c;
    if (!in_class && c == '[') {
      in_class = true;
      // a ']' right after '[' or '[^' is a literal member, not the end of the class
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
    } else if (in_class && c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
      size_t end = p.find(":]", i + 2);  // POSIX class [:alpha:] inside a class
      if (end != std::string_view::npos) {
        out.append(p.substr(i + 1, end + 2 - (i + 1)));
        i = end + 1;
      }
    } else if (in_class && c == ']') {
      in_class = false;
    }
  }
  return out;
}

Pretokenizer::Pretokenizer(std::string pattern) : pattern_(std::move(pattern)) {
  std::string widened = widen_whitespace_classes(pattern_);
  int err = 0;
  PCRE2_SIZE err_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(widened.data()), widened.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &err_offset, nullptr);
  if (!code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    input_error("pre-tokenizer regex \"{}\": {} at offset {} (of the pattern as compiled: \"{}\")", pattern_,
                reinterpret_cast<const char*>(msg), err_offset, widened);
  }
  code_ = std::shared_ptr<void>(code, [](void* c) { pcre2_code_free(static_cast<pcre2_code*>(c)); });
  // JIT fails on patterns too large for its code buffer; that is the pattern's fault, not ours
  if (int jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); jit != 0) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(jit, msg, sizeof msg);
    input_error("pre-tokenizer regex \"{}\": cannot be compiled: {}", pattern_, reinterpret_cast<const char*>(msg));
  }
}

Pretokenizer::Cursor::Cursor(const Pretokenizer& pre, std::string_view text) : pre_(pre), text_(text) {
  match_data_ = pcre2_match_data_create_from_pattern(static_cast<pcre2_code*>(pre_.code_.get()), nullptr);
  OWN_CHECK(match_data_ != nullptr, "out of memory creating PCRE2 match data");
}

Pretokenizer::Cursor::~Cursor() { pcre2_match_data_free(static_cast<pcre2_match_data*>(match_data_)); }

bool Pretokenizer::Cursor::next(std::string_view& chunk) {
  if (have_pending_) {
    have_pending_ = false;
    chunk = text_.substr(pending_begin_, pending_end_ - pending_begin_);
    pos_ = match_pos_ = pending_end_;
    return true;
  }
  if (pos_ >= text_.size()) return false;
  auto* md = static_cast<pcre2_match_data*>(match_data_);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text_.data());
  while (match_pos_ < text_.size()) {
    int rc = pcre2_jit_match(static_cast<pcre2_code*>(pre_.code_.get()), subject, text_.size(), match_pos_, 0, md,
                             nullptr);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    // a pattern from a tokenizer.json may exhaust PCRE2's limits (JIT stack, match limit) on some text
    if (rc <= 0) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(rc, msg, sizeof msg);
      input_error("pre-tokenizer regex \"{}\" failed at byte {} of the text: {}", pre_.pattern_, match_pos_,
                  reinterpret_cast<const char*>(msg));
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    size_t begin = ov[0], end = ov[1];
    if (end == begin) {  // an empty match: step over one byte; it joins the unmatched gap
      match_pos_ = begin + 1;
      continue;
    }
    if (begin == pos_) {
      chunk = text_.substr(begin, end - begin);
      pos_ = match_pos_ = end;
      return true;
    }
    // bytes [pos_, begin) matched nothing: they are a chunk, and the match comes next
    chunk = text_.substr(pos_, begin - pos_);
    pending_begin_ = begin;
    pending_end_ = end;
    have_pending_ = true;
    return true;
  }
  chunk = text_.substr(pos_);
  pos_ = match_pos_ = text_.size();
  return true;
}

}  // namespace own
