#include "tokenizer/gguf_vocab.h"

#include <unordered_map>

#include "core/check.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/chat_template.h"

namespace own {

namespace {

// llama.cpp's token types (llama_token_type)
constexpr int32_t kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6;

// GPT-4's pattern with single digits, as Qwen2 uses it (llama.cpp "qwen2").
constexpr std::string_view kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

struct PreName {
  std::string_view name;
  std::string_view pattern;
};
// The first name of a pattern is the one written; every name is read. llama.cpp spells GPT-4's
// case-insensitive contractions as character classes: the same regex.
constexpr PreName kPreNames[] = {
    {"gpt-2", kGpt2Pattern},      {"llama-bpe", kGpt4Pattern}, {"llama3", kGpt4Pattern},
    {"llama-v3", kGpt4Pattern},   {"dbrx", kGpt4Pattern},      {"smaug-bpe", kGpt4Pattern},
    {"qwen2", kQwen2Pattern},     {"stablelm2", kQwen2Pattern}};

std::string unused_token_text(int64_t id) { return "<|unused_" + std::to_string(id) + "|>"; }

}  // namespace

std::string gguf_pre_name(const std::string& pattern) {
  for (const PreName& p : kPreNames)
    if (p.pattern == pattern) return std::string(p.name);
  input_error("the tokenizer's pre-tokenizer regex \"{}\" is not one llama.cpp knows by name (it knows GPT-2's "
              "and GPT-4's); tokenizers trained by ownchat before 0.10 split digits with a regex of their own: "
              "train the tokenizer again (`ownchat tokenizer train`) to export to GGUF",
              pattern);
}

void gguf_put_vocab(GgufWriter& w, const Tokenizer& tok, int64_t vocab_size) {
  OWN_CHECK(vocab_size >= tok.vocab_size(), "model vocab {} < tokenizer vocab {}", vocab_size, tok.vocab_size());
  if (tok.merge_any_split() || tok.ignore_merges())
    input_error("a tiktoken-style vocabulary (no merge list) cannot be written as a GGUF \"gpt2\" tokenizer");
  std::vector<std::string> tokens(static_cast<size_t>(vocab_size));
  std::vector<int32_t> types(static_cast<size_t>(vocab_size), kUnused);
  for (int64_t id = 0; id < vocab_size; id++) {
    const auto i = static_cast<size_t>(id);
    const auto id32 = static_cast<int32_t>(id);
    if (id < tok.vocab_size() && tok.is_special(id32)) {
      tokens[i] = std::string(tok.token_bytes(id32));
      types[i] = kControl;
    } else if (id < tok.vocab_size() && tok.is_valid(id32)) {
      tokens[i] = byte_level_encode(tok.token_bytes(id32));
      types[i] = kNormal;
    } else {
      tokens[i] = unused_token_text(id);
    }
  }
  std::vector<std::string> merges;
  merges.reserve(tok.merges().size());
  for (const auto& [a, b] : tok.merges())
    merges.push_back(byte_level_encode(tok.token_bytes(a)) + " " + byte_level_encode(tok.token_bytes(b)));
  w.set("tokenizer.ggml.model", GgufValue::string("gpt2"));
  w.set("tokenizer.ggml.pre", GgufValue::string(gguf_pre_name(tok.pattern())));
  w.set("tokenizer.ggml.tokens", GgufValue::strings(std::move(tokens)));
  w.set("tokenizer.ggml.token_type", GgufValue::i32s(std::move(types)));
  w.set("tokenizer.ggml.merges", GgufValue::strings(std::move(merges)));
  const std::pair<const char*, const char*> ids[] = {{"bos_token_id", "<|bos|>"},
                                                     {"eos_token_id", "<|eos|>"},
                                                     {"eot_token_id", "<|end|>"},
                                                     {"padding_token_id", "<|pad|>"}};
  for (const auto& [key, special] : ids)
    if (int32_t id = tok.find_special(special); id >= 0)
      w.set(std::string("tokenizer.ggml.") + key, GgufValue::u32(static_cast<uint32_t>(id)));
  w.set("tokenizer.ggml.add_bos_token", GgufValue::boolean(false));
  w.set("tokenizer.ggml.add_eos_token", GgufValue::boolean(false));
  if (has_chat_tokens(tok)) w.set("tokenizer.chat_template", GgufValue::string(std::string(kChatTemplate)));
}

namespace {

std::string read_pattern(const GgufFile& f) {
  const std::string& model = f.get_string("tokenizer.ggml.model");
  if (model != "gpt2")
    input_error("{}: metadata \"tokenizer.ggml.model\" is \"{}\"; only \"gpt2\" (byte-level BPE) vocabularies are "
                "supported, not SentencePiece (\"llama\") or others",
                f.path(), model);
  const std::string& pre = f.get_string("tokenizer.ggml.pre");
  for (const PreName& p : kPreNames)
    if (p.name == pre) return std::string(p.pattern);
  std::string known;
  for (const PreName& p : kPreNames) known += (known.empty() ? "" : ", ") + std::string(p.name);
  input_error("{}: metadata \"tokenizer.ggml.pre\" is \"{}\", a pre-tokenizer we do not have the regex of (known: {})",
              f.path(), pre, known);
}

}  // namespace

BpeVocab gguf_read_vocab(const GgufFile& f) {
  BpeVocab v;
  v.pattern = read_pattern(f);
  const GgufValue& tokens = f.get_array("tokenizer.ggml.tokens");
  if (tokens.elem != GgufType::STRING) input_error("{}: metadata \"tokenizer.ggml.tokens\" is not an array of strings", f.path());
  const GgufValue* types = f.find("tokenizer.ggml.token_type");
  if (types && (types->type != GgufType::ARRAY || types->ints.size() != tokens.strs.size()))
    input_error("{}: metadata \"tokenizer.ggml.token_type\" must be an integer array of {} entries, one per token",
                f.path(), tokens.strs.size());
  v.tokens.resize(tokens.strs.size());
  std::unordered_map<std::string_view, int32_t> id_of;
  for (size_t id = 0; id < tokens.strs.size(); id++) {
    const std::string& text = tokens.strs[id];
    const int64_t type = types ? types->ints[id] : kNormal;
    const auto id32 = static_cast<int32_t>(id);
    if (type == kControl || type == kUserDefined) {
      v.specials.emplace_back(text, id32);
    } else if (type == kNormal) {
      if (!byte_level_decode(text, v.tokens[id]) || v.tokens[id].empty())
        input_error("{}: tokenizer.ggml.tokens[{}] \"{}\" is not a byte-level token", f.path(), id, text);
      id_of.emplace(text, id32);
    } else if (type != kUnused) {
      input_error("{}: tokenizer.ggml.token_type[{}] is {} ({}); byte-level BPE has normal, control, user-defined "
                  "and unused tokens only",
                  f.path(), id, type, type == kByte ? "a SentencePiece byte token" : type == kUnknown ? "unknown" : "?");
    }
  }
  const GgufValue& merges = f.get_array("tokenizer.ggml.merges");
  if (merges.elem != GgufType::STRING) input_error("{}: metadata \"tokenizer.ggml.merges\" is not an array of strings", f.path());
  v.merges.reserve(merges.strs.size());
  for (size_t r = 0; r < merges.strs.size(); r++) {
    const std::string& m = merges.strs[r];
    const size_t space = m.find(' ');
    auto a = id_of.find(std::string_view(m).substr(0, space == std::string::npos ? 0 : space));
    auto b = space == std::string::npos ? id_of.end() : id_of.find(std::string_view(m).substr(space + 1));
    if (a == id_of.end() || b == id_of.end())
      input_error("{}: tokenizer.ggml.merges[{}] \"{}\" is not two tokens of the vocabulary separated by a space",
                  f.path(), r, m);
    v.merges.push_back({a->second, b->second});
  }
  return v;
}

Tokenizer gguf_tokenizer(const std::string& path) {
  GgufFile f(path);
  try {
    return Tokenizer(gguf_read_vocab(f));
  } catch (const InputError& e) {
    const std::string msg = e.what();
    if (msg.starts_with(path)) throw;
    input_error("{}: {}", path, msg);
  }
}

}  // namespace own
