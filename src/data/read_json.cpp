// JSON sources: the @stdlib datasets (one JSON object per file), one-liner-joke's array, and
// the user's JSONL. Package files that fail to parse are InputErrors naming the file (a broken
// install); a user's JSONL names file:line and what is wrong with the line.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "data/clean.h"
#include "data/readers.h"

namespace own {

namespace {

using nlohmann::json;

// nlohmann's message without its "[json.exception.parse_error.101] " prefix
std::string json_error_text(const std::exception& e) {
  std::string m = e.what();
  size_t close = m.find("] ");
  return close == std::string::npos ? m : m.substr(close + 2);
}

json parse_package_json(std::string_view text, const std::string& what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    input_error("{}: not valid JSON ({}); reinstall the npm packages with scripts/setup.sh", what, json_error_text(e));
  }
}

std::string string_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

}  // namespace

std::string stdlib_dataset_text(std::string_view text, const std::string& what) {
  json j = parse_package_json(text, what);
  if (!j.is_object()) return "";
  std::string body = string_field(j, "text");
  if (body.empty()) return "";
  if (j.contains("chapter")) {  // Moby Dick
    std::string chapter = string_field(j, "chapter"), title = string_field(j, "title");
    if (chapter == "Contents") return "";  // the table of contents
    bool numbered = !chapter.empty() && std::all_of(chapter.begin(), chapter.end(), [](char c) { return c >= '0' && c <= '9'; });
    return numbered ? "CHAPTER " + chapter + ". " + title + "\n\n" + body : body;  // others carry their heading
  }
  if (j.contains("year") && j.contains("name"))  // State of the Union
    return "State of the Union Address, " + string_field(j, "name") + ", " + string_field(j, "year") + "\n\n" + body;
  return body;
}

std::vector<std::string> joke_documents(std::string_view text, const std::string& what) {
  json j = parse_package_json(text, what);
  std::vector<std::string> docs;
  if (!j.is_array()) input_error("{}: expected a JSON array of jokes, got {}", what, j.type_name());
  for (const json& joke : j) {
    std::string body = joke.is_object() ? string_field(joke, "body") : "";
    if (!trim(body).empty()) docs.push_back(std::move(body));
  }
  return docs;
}

int64_t jsonl_documents(std::string_view text, const std::string& path, const DocEmit& emit) {
  int64_t line_no = 0, repaired = 0;
  for (std::string_view view : split_lines(text)) {
    ++line_no;
    if (trim(view).empty()) continue;
    std::string line(view);
    std::vector<int64_t> offsets;
    int64_t bad = utf8_repair(line, &offsets);
    if (bad) {
      for (int64_t& o : offsets) o += view.data() - text.data();  // offsets in the file, not the line
      utf8_report(fmt::format("{}:{}", path, line_no), bad, offsets);
    }
    repaired += bad;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception& e) {
      input_error("{}:{}: not valid JSON: {}; each line must be an object like {{\"text\": \"...\"}}", path, line_no,
                  json_error_text(e));
    }
    if (!j.is_object())
      input_error("{}:{}: expected a JSON object with a \"text\" field, got {}", path, line_no, j.type_name());
    auto it = j.find("text");
    if (it == j.end()) {
      std::string keys;
      for (auto kv = j.begin(); kv != j.end(); ++kv) keys += (keys.empty() ? "" : ", ") + kv.key();
      input_error("{}:{}: missing \"text\" field (keys: {}); each line must be an object like {{\"text\": \"...\"}}",
                  path, line_no, keys.empty() ? "none" : keys);
    }
    if (!it->is_string())
      input_error("{}:{}: \"text\" must be a string, got {}", path, line_no, it->type_name());
    emit(it->get<std::string>());
  }
  return repaired;
}

}  // namespace own
