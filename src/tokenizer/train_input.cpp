#include "tokenizer/train_input.h"

#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"

namespace own {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void read_jsonl(const std::string& path, std::vector<std::string>& docs) {
  std::string text = read_file(path);
  size_t line_no = 0;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + begin, end - begin);
    begin = end + 1;
    line_no++;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
      input_error("{}:{}: invalid JSON: {}", path, line_no, e.what());
    }
    if (!j.is_object() || !j.contains("text") || !j["text"].is_string())
      input_error("{}:{}: expected an object with a string field \"text\"", path, line_no);
    docs.push_back(j["text"].get<std::string>());
  }
}

}  // namespace

std::vector<std::string> read_training_documents(const std::vector<std::string>& paths) {
  if (paths.empty()) input_error("no training input given (--input FILE...)");
  std::vector<std::string> docs;
  for (const std::string& path : paths) {
    if (ends_with(path, ".jsonl")) {
      read_jsonl(path, docs);
    } else {
      docs.push_back(read_file(path));
    }
  }
  return docs;
}

}  // namespace own
