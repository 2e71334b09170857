#include "tokenizer/tiktoken_ranks.h"

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"

namespace own {
namespace fs = std::filesystem;

namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < in.size() && in[i] != '='; i++) {
    int v = base64_value(in[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  for (; i < in.size(); i++) {
    if (in[i] != '=') return false;
  }
  return true;
}

std::vector<fs::path> node_modules_roots() {
  std::vector<fs::path> roots;
  // the source tree this file was compiled from: <root>/src/tokenizer/tiktoken_ranks.cpp
  fs::path src = fs::path(__FILE__);
  if (src.is_absolute()) roots.push_back(src.parent_path().parent_path().parent_path());
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path p = exe.parent_path(); !p.empty() && roots.size() < 6; p = p.parent_path()) {
      roots.push_back(p);
      if (p == p.root_path()) break;
    }
  }
  roots.push_back(fs::current_path(ec));
  return roots;
}

}  // namespace

std::string find_node_modules_file(const std::string& rel) {
  std::string looked;
  for (const fs::path& root : node_modules_roots()) {
    fs::path p = root / "node_modules" / rel;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
    looked += "\n  " + p.string();
  }
  input_error("cannot find node_modules/{}; looked in:{}\n(run `npm ci` in the repository root, "
              "which installs npm `tiktoken`, or pass a tokenizer.json path instead)", rel, looked);
}

BpeVocab parse_tiktoken_ranks(std::string_view json_text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    input_error("{}: invalid JSON: {}", source, e.what());
  }
  if (!j.is_object()) input_error("{}: expected a JSON object", source);
  for (const char* key : {"pat_str", "bpe_ranks"}) {
    if (!j.contains(key) || !j[key].is_string()) input_error("{}: {}: missing or not a string", source, key);
  }
  BpeVocab v;
  v.pattern = j["pat_str"].get<std::string>();
  v.merge_any_split = true;
  v.ignore_merges = true;
  const std::string& ranks = j["bpe_ranks"].get_ref<const std::string&>();
  std::string bytes;
  size_t line_no = 0;
  for (size_t begin = 0; begin < ranks.size(); line_no++) {
    size_t end = ranks.find('\n', begin);
    if (end == std::string::npos) end = ranks.size();
    std::string_view line(ranks.data() + begin, end - begin);
    begin = end + 1;
    if (line.empty()) continue;
    // fields: tag, first rank, tokens...
    size_t sp1 = line.find(' '), sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) input_error("{}: bpe_ranks line {}: expected \"<tag> <rank> <tokens>\"", source, line_no);
    int64_t rank = 0;
    for (char c : line.substr(sp1 + 1, sp2 - sp1 - 1)) {
      if (c < '0' || c > '9' || rank > INT32_MAX / 10)
        input_error("{}: bpe_ranks line {}: bad first rank", source, line_no);
      rank = rank * 10 + (c - '0');
    }
    for (size_t pos = sp2 + 1; pos <= line.size(); rank++) {
      size_t sp = line.find(' ', pos);
      if (sp == std::string_view::npos) sp = line.size();
      std::string_view b64 = line.substr(pos, sp - pos);
      pos = sp + 1;
      if (!base64_decode(b64, bytes) || bytes.empty())
        input_error("{}: bpe_ranks: token of rank {} is not valid base64: \"{}\"", source, rank, b64);
      if (rank >= INT32_MAX) input_error("{}: bpe_ranks: rank {} too large", source, rank);
      auto r = static_cast<size_t>(rank);
      if (v.tokens.size() <= r) v.tokens.resize(r + 1);
      if (!v.tokens[r].empty()) input_error("{}: bpe_ranks: rank {} appears twice", source, rank);
      v.tokens[r] = bytes;
    }
  }
  if (j.contains("special_tokens")) {
    if (!j["special_tokens"].is_object()) input_error("{}: special_tokens: expected an object", source);
    for (const auto& [text, id] : j["special_tokens"].items()) {
      if (!id.is_number_integer()) input_error("{}: special_tokens[\"{}\"]: id is not an integer", source, text);
      v.specials.emplace_back(text, id.get<int32_t>());
    }
  }
  if (j.contains("explicit_n_vocab")) {
    size_t n = v.specials.size();
    for (const auto& t : v.tokens) n += t.empty() ? 0 : 1;
    if (!j["explicit_n_vocab"].is_number_integer() || j["explicit_n_vocab"].get<int64_t>() != static_cast<int64_t>(n))
      input_error("{}: explicit_n_vocab is {}, but the file has {} tokens", source, j["explicit_n_vocab"].dump(), n);
  }
  return v;
}

BpeVocab tiktoken_vocab(std::string_view name) {
  std::string path = find_node_modules_file("tiktoken/encoders/" + std::string(name) + ".json");
  return parse_tiktoken_ranks(read_file(path), path);
}

}  // namespace own
