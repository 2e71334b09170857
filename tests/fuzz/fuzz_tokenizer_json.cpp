// The tokenizer.json loader (parse_tokenizer_json + the Tokenizer constructor, what
// Tokenizer::load runs). Properties: a tokenizer or an InputError, nothing else; a loaded one
// round-trips a fixed text (or its regex refuses it with an InputError), and writing it out and reading it back gives the same vocabulary.
#include "fuzz_util.h"
#include "tokenizer/hf_json.h"
#include "tokenizer/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<own::Tokenizer> tok;
  if (!own::fuzz::accepts([&] { tok.emplace(own::parse_tokenizer_json(text, "fuzz/tokenizer.json")); })) return 0;

  const std::string sample = "Hello, world! It's 2024 \xc3\xa9t\xc3\xa9 <|endoftext|> \xff\xfe end\n\n  x";
  for (auto specials : {own::Specials::as_text, own::Specials::allowed}) {
    std::vector<int32_t> ids;
    std::string back;
    // a pattern may give up on some text (PCRE2's limits): an InputError, then nothing to check
    if (!own::fuzz::accepts([&] { ids = tok->encode(sample, specials); })) return 0;
    FUZZ_REQUIRE(own::fuzz::accepts([&] { back = tok->decode(ids); }), "decode threw on encode's ids");
    FUZZ_REQUIRE(back == sample, "decode(encode(x)) != x");
  }
  std::string written;
  FUZZ_REQUIRE(own::fuzz::accepts([&] { written = own::tokenizer_json_string(*tok); }), "cannot write a loaded tokenizer");
  std::optional<own::Tokenizer> again;
  FUZZ_REQUIRE(own::fuzz::accepts([&] { again.emplace(own::parse_tokenizer_json(written, "fuzz/rewritten.json")); }),
               "cannot read back what was written");
  FUZZ_REQUIRE(again->vocab_size() == tok->vocab_size() && again->merges() == tok->merges() &&
                   again->specials() == tok->specials() && again->pattern() == tok->pattern(),
               "write/read changed the vocabulary");
  return 0;
}
