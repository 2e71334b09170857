#include "tokenizer/hf_json.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/chat_template.h"

namespace own {

using nlohmann::json;

namespace {

// A literal string as a regex (HF's Split pattern {"String": ...}).
std::string regex_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view(R"(\^$.|?*+()[]{}-#)").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

constexpr int64_t kMaxIdGap = 65536;

struct Reader {
  const std::string& source;

  template <typename... Args>
  [[noreturn]] void fail(std::string_view field, fmt::format_string<Args...> f, Args&&... args) const {
    input_error("{}: {}: {}", source, field, fmt::format(f, std::forward<Args>(args)...));
  }

  bool get_bool(const json& obj, const char* key, bool fallback, std::string_view field) const {
    if (!obj.contains(key) || obj[key].is_null()) return fallback;
    if (!obj[key].is_boolean()) fail(fmt::format("{}.{}", field, key), "expected true or false, got {}", obj[key].dump());
    return obj[key].get<bool>();
  }

  std::string get_string(const json& obj, const char* key, const std::string& fallback, std::string_view field) const {
    if (!obj.contains(key) || obj[key].is_null()) return fallback;
    if (!obj[key].is_string()) fail(fmt::format("{}.{}", field, key), "expected a string, got {}", obj[key].dump());
    return obj[key].get<std::string>();
  }

  // ByteLevel(use_regex: true) -> the GPT-2 pattern; (use_regex: false) -> "" (no split of its own)
  std::string byte_level(const json& p, std::string_view field) const {
    // HF's default for add_prefix_space is true
    if (get_bool(p, "add_prefix_space", true, field))
      fail(fmt::format("{}.add_prefix_space", field), "true is not supported (it changes the text); expected false");
    return get_bool(p, "use_regex", true, field) ? std::string(kGpt2Pattern) : std::string();
  }

  std::string split(const json& p, std::string_view field) const {
    if (!p.contains("pattern") || !p["pattern"].is_object())
      fail(fmt::format("{}.pattern", field), "missing; expected {{\"Regex\": ...}} or {{\"String\": ...}}");
    const json& pat = p["pattern"];
    std::string pattern;
    if (pat.contains("Regex") && pat["Regex"].is_string()) {
      pattern = pat["Regex"].get<std::string>();
    } else if (pat.contains("String") && pat["String"].is_string()) {
      pattern = regex_escape(pat["String"].get<std::string>());
    } else {
      fail(fmt::format("{}.pattern", field), "expected {{\"Regex\": ...}} or {{\"String\": ...}}, got {}", pat.dump());
    }
    const std::string behavior = get_string(p, "behavior", "Isolated", field);
    if (behavior != "Isolated")
      fail(fmt::format("{}.behavior", field), "\"{}\" is not supported; expected \"Isolated\"", behavior);
    if (get_bool(p, "invert", false, field)) fail(fmt::format("{}.invert", field), "true is not supported");
    return pattern;
  }

  std::string pre_tokenizer(const json& j) const {
    if (!j.contains("pre_tokenizer") || !j["pre_tokenizer"].is_object())
      fail("pre_tokenizer", "missing; expected ByteLevel or Sequence[Split, ByteLevel]");
    const json& p = j["pre_tokenizer"];
    const std::string type = get_string(p, "type", "", "pre_tokenizer");
    if (type == "ByteLevel") {
      std::string pattern = byte_level(p, "pre_tokenizer");
      if (pattern.empty()) fail("pre_tokenizer.use_regex", "false alone (no split at all) is not supported");
      return pattern;
    }
    if (type != "Sequence")
      fail("pre_tokenizer.type", "\"{}\" is not supported; expected ByteLevel or Sequence[Split, ByteLevel]", type);
    if (!p.contains("pretokenizers") || !p["pretokenizers"].is_array() || p["pretokenizers"].size() != 2)
      fail("pre_tokenizer.pretokenizers", "expected exactly [Split, ByteLevel]");
    const json& s = p["pretokenizers"][0];
    const json& b = p["pretokenizers"][1];
    if (const std::string t = get_string(s, "type", "none", "pre_tokenizer.pretokenizers[0]"); t != "Split")
      fail("pre_tokenizer.pretokenizers[0].type", "expected \"Split\", got {}", t);
    if (const std::string t = get_string(b, "type", "none", "pre_tokenizer.pretokenizers[1]"); t != "ByteLevel")
      fail("pre_tokenizer.pretokenizers[1].type", "expected \"ByteLevel\", got {}", t);
    if (!byte_level(b, "pre_tokenizer.pretokenizers[1]").empty())
      fail("pre_tokenizer.pretokenizers[1].use_regex", "true after a Split is not supported; expected false");
    return split(s, "pre_tokenizer.pretokenizers[0]");
  }

  // what byte-level BPE reads unchanged: no normalizer, a ByteLevel decoder, a plain BPE model
  void check_supported(json& j) const {
    if (j.contains("normalizer") && !j["normalizer"].is_null())
      fail("normalizer", "{} is not supported; byte-level BPE reads text unchanged (expected null)",
           get_string(j["normalizer"], "type", "?", "normalizer"));
    if (j.contains("decoder") && !j["decoder"].is_null() && get_string(j["decoder"], "type", "", "decoder") != "ByteLevel")
      fail("decoder.type", "expected \"ByteLevel\" or a null decoder");

    if (!j.contains("model") || !j["model"].is_object()) fail("model", "missing or not an object");
    const json& m = j["model"];
    if (m.contains("type") && m["type"] != "BPE") fail("model.type", "expected \"BPE\", got {}", m["type"].dump());
    if (get_bool(m, "byte_fallback", false, "model")) fail("model.byte_fallback", "true is not supported");
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
      if (m.contains(key) && !m[key].is_null() && m[key] != "")
        fail(fmt::format("model.{}", key), "{} is not supported; expected null", m[key].dump());
    }
    if (m.contains("dropout") && !m["dropout"].is_null() && m["dropout"] != 0)
      fail("model.dropout", "{} is not supported; expected null", m["dropout"].dump());
  }

  // model.vocab: the bytes of each id
  void read_vocab(const json& vocab, int64_t max_id, BpeVocab& v) const {
    std::string bytes;
    for (const auto& [key, val] : vocab.items()) {
      std::string field = fmt::format("model.vocab[{}]", json(key).dump());
      if (!val.is_number_integer() || val.get<int64_t>() < 0 || val.get<int64_t>() >= max_id)
        fail(field, "expected an id in 0..{} (the number of tokens + {}), got {}", max_id - 1, kMaxIdGap, val.dump());
      if (!byte_level_decode(key, bytes) || bytes.empty())
        fail(field, "not a byte-level token (GPT-2 byte-to-unicode characters)");
      auto id = static_cast<size_t>(val.get<int64_t>());
      if (v.tokens.size() <= id) v.tokens.resize(id + 1);
      if (!v.tokens[id].empty())
        fail("model.vocab", "id {} used by both {} and {}", id, json(byte_level_encode(v.tokens[id])).dump(),
             json(key).dump());
      v.tokens[id] = bytes;
    }
  }

  // model.merges: "left right" or [left, right], both and their concatenation in model.vocab
  void read_merges(const json& m, BpeVocab& v) const {
    if (!m.contains("merges") || !m["merges"].is_array()) fail("model.merges", "missing or not an array");
    const json& merges = m["merges"];
    const json& vocab = m["vocab"];
    v.merges.reserve(merges.size());
    for (size_t i = 0; i < merges.size(); i++) {
      std::string field = fmt::format("model.merges[{}]", i);
      const json& e = merges[i];
      std::string left, right;
      if (e.is_string()) {
        const std::string& s = e.get_ref<const std::string&>();
        size_t sp = s.find(' ');
        if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
          fail(field, "expected \"left right\" (one space), got {}", e.dump());
        left = s.substr(0, sp);
        right = s.substr(sp + 1);
      } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
        left = e[0].get<std::string>();
        right = e[1].get<std::string>();
      } else {
        fail(field, "expected \"left right\" or [left, right], got {}", e.dump());
      }
      std::array<int32_t, 2> pair{};
      for (int k = 0; k < 2; k++) {
        const std::string& t = k == 0 ? left : right;
        auto it = vocab.find(t);
        if (it == vocab.end()) fail(field, "token {} not in vocab", json(t).dump());
        pair[k] = it->get<int32_t>();
      }
      if (!vocab.contains(left + right)) fail(field, "merged token {} not in vocab", json(left + right).dump());
      v.merges.push_back(pair);
    }
  }

  // added_tokens: the specials (and ordinary tokens HF also lists, which add nothing)
  void read_added_tokens(json& j, int64_t max_id, BpeVocab& v) const {
    if (!j.contains("added_tokens") || j["added_tokens"].is_null()) return;
    const json& added = j["added_tokens"];
    if (!added.is_array()) fail("added_tokens", "expected an array");
    for (size_t i = 0; i < added.size(); i++) {
      std::string field = fmt::format("added_tokens[{}]", i);
      const json& a = added[i];
      if (!a.is_object()) fail(field, "expected an object");
      if (!a.contains("id") || !a["id"].is_number_integer() || a["id"].get<int64_t>() < 0 ||
          a["id"].get<int64_t>() >= max_id)
        fail(field + ".id", "missing or not an id in 0..{} (the number of tokens + {})", max_id - 1, kMaxIdGap);
      if (!a.contains("content") || !a["content"].is_string() || a["content"] == "")
        fail(field + ".content", "missing or empty");
      auto id = a["id"].get<int32_t>();
      std::string content = a["content"].get<std::string>();
      bool special = get_bool(a, "special", true, field);
      for (const auto& [other, other_id] : v.specials) {
        if (other_id == id) fail(field + ".id", "id {} is already added token {}", id, json(other).dump());
        if (other == content) fail(field + ".content", "{} is already added with id {}", json(content).dump(), other_id);
      }
      auto uid = static_cast<size_t>(id);
      if (uid < v.tokens.size() && !v.tokens[uid].empty()) {
        if (v.tokens[uid] != content)
          fail(field, "id {} is {} in model.vocab but {} here", id, json(byte_level_encode(v.tokens[uid])).dump(),
               json(content).dump());
        if (!special) continue;  // an ordinary token that HF also lists: nothing to add
        v.tokens[uid].clear();   // the special takes the id; BPE never produces it
      }
      // non-special added tokens behave as specials here: matched only when allowed
      v.specials.emplace_back(content, id);
    }
  }
};

}  // namespace

BpeVocab parse_tokenizer_json(std::string_view text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    input_error("{}: invalid JSON: {}", source, e.what());
  }
  Reader r{source};
  if (!j.is_object()) input_error("{}: expected a JSON object at the top level", source);
  r.check_supported(j);
  const json& m = j["model"];

  BpeVocab v;
  v.pattern = r.pre_tokenizer(j);
  v.ignore_merges = r.get_bool(m, "ignore_merges", false, "model");

  if (!m.contains("vocab") || !m["vocab"].is_object()) r.fail("model.vocab", "missing or not an object");
  // Ids index a table, so one id of 2^31 in a 100-byte file would allocate gigabytes. Real files
  // number their tokens densely (cl100k, the gappiest we know, skips 2 ids); allow gaps, not that.
  const size_t n_added = j.contains("added_tokens") && j["added_tokens"].is_array() ? j["added_tokens"].size() : 0;
  const int64_t max_id = static_cast<int64_t>(m["vocab"].size() + n_added) + kMaxIdGap;
  r.read_vocab(m["vocab"], max_id, v);
  r.read_merges(m, v);
  r.read_added_tokens(j, max_id, v);
  return v;
}
BpeVocab read_tokenizer_json(const std::string& path) { return parse_tokenizer_json(read_file(path), path); }

std::string tokenizer_json_string(const Tokenizer& tok) {
  if (tok.merge_any_split())
    input_error("this tokenizer (tiktoken ranks) has no merge list, so it cannot be written as tokenizer.json");
  using ojson = nlohmann::ordered_json;
  ojson added = ojson::array();
  for (const auto& [content, id] : tok.specials()) {
    added.push_back({{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false},
                     {"rstrip", false}, {"normalized", false}, {"special", true}});
  }
  ojson vocab = ojson::object();
  std::vector<std::string> names(static_cast<size_t>(tok.vocab_size()));
  for (int32_t id = 0; id < tok.vocab_size(); id++) {
    if (!tok.is_valid(id) || tok.is_special(id)) continue;
    names[id] = byte_level_encode(tok.token_bytes(id));
    vocab[names[id]] = id;
  }
  ojson merges = ojson::array();
  for (const auto& [l, r] : tok.merges()) {
    merges.push_back(names[l] + " " + names[r]);
  }
  ojson j;
  j["version"] = "1.0";
  j["truncation"] = nullptr;
  j["padding"] = nullptr;
  j["added_tokens"] = added;
  j["normalizer"] = nullptr;
  j["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"}, {"pattern", {{"Regex", tok.pattern()}}}, {"behavior", "Isolated"}, {"invert", false}},
        {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}};
  j["post_processor"] = nullptr;
  j["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
  j["model"] = {{"type", "BPE"},
                {"dropout", nullptr},
                {"unk_token", nullptr},
                {"continuing_subword_prefix", nullptr},
                {"end_of_word_suffix", nullptr},
                {"fuse_unk", false},
                {"byte_fallback", false},
                {"ignore_merges", tok.ignore_merges()},
                {"vocab", vocab},
                {"merges", merges}};
  return j.dump(2) + "\n";
}

void write_tokenizer_json(const Tokenizer& tok, const std::string& path) {
  std::string text = tokenizer_json_string(tok);
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) input_error("{}: cannot create the directory {}: {}", path, parent.string(), ec.message());
  }
  write_file_atomic(path, text);
  // the chat template and special tokens travel beside it, as Hugging Face tools expect
  if (has_chat_tokens(tok)) write_file_atomic((parent / "tokenizer_config.json").string(), tokenizer_config_json(tok));
}

}  // namespace own
