#include "data/chat_data.h"

#include <cstddef>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"
#include "core/json_util.h"
#include "data/clean.h"

namespace own {

namespace {

std::string content_text(const nlohmann::json& c, const std::string& where) {
  if (c.is_string()) return c.get<std::string>();
  if (c.is_array()) {
    std::string out;
    for (const auto& part : c) {
      if (string_or(part, "type", "") != "text" || !part.contains("text") || !part["text"].is_string())
        input_error("{}: content parts must be {{\"type\": \"text\", \"text\": \"...\"}}", where);
      out += part["text"].get<std::string>();
    }
    return out;
  }
  input_error("{}: content must be a string or a list of text parts, not {}", where, c.type_name());
}

}  // namespace

std::vector<Conversation> read_chat_jsonl(const std::string& path, bool for_training) {
  return parse_chat_jsonl(read_file(path), path, for_training);
}

std::vector<Conversation> parse_chat_jsonl(std::string_view text, const std::string& path, bool for_training) {
  std::vector<Conversation> out;
  int64_t line_no = 0;
  for (std::string_view line : split_lines(text)) {
    line_no++;
    if (trim(line).empty()) continue;
    const std::string at = fmt::format("{}:{}", path, line_no);
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) input_error("{}: not valid JSON", at);
    if (!j.is_object() || !j.contains("messages") || !j["messages"].is_array())
      input_error("{}: expected an object with a \"messages\" array", at);
    const auto& msgs = j["messages"];
    if (msgs.empty()) input_error("{}: \"messages\" is empty", at);
    Conversation c;
    for (size_t i = 0; i < msgs.size(); i++) {
      const std::string where = fmt::format("{}: messages[{}]", at, i);
      const auto& m = msgs[i];
      if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content"))
        input_error("{}: expected {{\"role\": ..., \"content\": ...}}", where);
      std::string role = m["role"].get<std::string>();
      if (!is_template_role(role))
        input_error("{}: unknown role '{}' (expected system, context, user or assistant)", where, role);
      std::string content = content_text(m["content"], where);
      utf8_repair(content);
      c.messages.push_back({std::move(role), std::move(content)});
    }
    if (for_training && c.messages.back().role != "assistant")
      input_error("{}: the conversation must end with an assistant message (it ends with '{}')", at,
                  c.messages.back().role);
    if (j.contains("family") && j["family"].is_string()) c.family = j["family"].get<std::string>();
    if (j.contains("item") && j["item"].is_string()) c.item = j["item"].get<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<ChatMessage> first_ask(const Conversation& c) {
  size_t answer = 0;
  while (answer < c.messages.size() && c.messages[answer].role != "assistant") answer++;
  if (answer == 0 || answer == c.messages.size()) return {};
  return {c.messages.begin(), c.messages.begin() + static_cast<std::ptrdiff_t>(answer)};
}

std::string chat_jsonl_line(const Conversation& c) {
  nlohmann::json msgs = nlohmann::json::array();
  for (const auto& m : c.messages) msgs.push_back({{"role", m.role}, {"content", m.content}});
  nlohmann::json j = {{"messages", msgs}, {"family", c.family}, {"item", c.item}};
  return dump_json(j) + "\n";
}

void write_chat_jsonl(const std::string& path, const std::vector<Conversation>& convs) {
  write_file_atomic(path, [&](FileSink& sink) {
    for (const auto& c : convs) sink.write(chat_jsonl_line(c));
  });
}

}  // namespace own
