// Tokenizer::encode / decode on arbitrary bytes, with a small byte-level BPE vocabulary built in
// code (256 bytes, a few merges, two specials). Properties: decode(encode(x)) == x for any bytes,
// with specials matched or not; as text, no special id appears; decoding the input read as ids
// either gives the tokens' bytes or an InputError naming the bad id.
#include <cstring>
#include <span>
#include <vector>

#include "fuzz_util.h"
#include "tokenizer/tokenizer.h"

namespace {

own::Tokenizer make_tokenizer() {
  own::BpeVocab v;
  for (int b = 0; b < 256; b++) v.tokens.emplace_back(1, static_cast<char>(b));
  auto id_of = [&](const std::string& s) -> int32_t {
    for (size_t i = 0; i < v.tokens.size(); i++)
      if (v.tokens[i] == s) return static_cast<int32_t>(i);
    return -1;
  };
  // each word is merged as (word minus its last byte) + (last byte); shorter words come first
  for (std::string w : {"th", "the", " t", " th", " the", "in", "ing", " a", " an", "er", "\xc3\xa9", "\xe2\x80",
                        "\xe2\x80\x99", "<|", "  "}) {
    int32_t l = id_of(w.substr(0, w.size() - 1)), r = id_of(w.substr(w.size() - 1));
    v.tokens.push_back(w);
    v.merges.push_back({l, r});
  }
  const auto n = static_cast<int32_t>(v.tokens.size());
  v.specials = {{"<|endoftext|>", n}, {"<|im_start|>", n + 1}};
  return own::Tokenizer(std::move(v));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const own::Tokenizer tok = make_tokenizer();
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::vector<int32_t> ids;
  FUZZ_REQUIRE(own::fuzz::accepts([&] { ids = tok.encode(text); }), "encode threw on plain text");
  for (int32_t id : ids) FUZZ_REQUIRE(tok.is_valid(id) && !tok.is_special(id), "bad id from encode");
  std::string back;
  FUZZ_REQUIRE(own::fuzz::accepts([&] { back = tok.decode(ids); }), "decode threw on encode's ids");
  FUZZ_REQUIRE(back == text, "decode(encode(x)) != x");

  FUZZ_REQUIRE(own::fuzz::accepts([&] { ids = tok.encode(text, own::Specials::allowed); }), "encode threw");
  FUZZ_REQUIRE(own::fuzz::accepts([&] { back = tok.decode(ids); }), "decode threw on encode's ids");
  FUZZ_REQUIRE(back == text, "decode(encode(x, allowed)) != x");

  // the bytes as ids
  std::vector<int32_t> raw(size / 4);
  if (!raw.empty()) std::memcpy(raw.data(), data, raw.size() * 4);
  bool all_valid = true;
  for (int32_t id : raw) all_valid = all_valid && tok.is_valid(id);
  const bool ok = own::fuzz::accepts([&] { back = tok.decode(raw); });
  FUZZ_REQUIRE(ok == all_valid, "decode accepted an invalid id or refused valid ones");
  return 0;
}
