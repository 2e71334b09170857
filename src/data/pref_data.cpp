#include "data/pref_data.h"

#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"
#include "core/json_util.h"
#include "data/clean.h"
#include "data/families_in_turn.h"

namespace own {

namespace {

using nlohmann::json;

constexpr size_t kMaxCompletions = 64;

// a message's content: a string, or text parts joined
std::string text_of(const json& content, const std::string& field) {
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array())
    input_error("{}: content must be a string or a list of text parts, not {}", field, content.type_name());
  std::string joined;
  for (const json& part : content) {
    const bool ok = string_or(part, "type", "") == "text" && part.contains("text") && part["text"].is_string();
    if (!ok) input_error("{}: content parts must be {{\"type\": \"text\", \"text\": \"...\"}}", field);
    joined += part["text"].get<std::string>();
  }
  return joined;
}

ChatMessage message_of(const json& m, const std::string& field) {
  if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content"))
    input_error("{}: expected {{\"role\": ..., \"content\": ...}}", field);
  ChatMessage msg{m["role"].get<std::string>(), text_of(m["content"], field)};
  if (!is_template_role(msg.role))
    input_error("{}: unknown role '{}' (expected system, context, user or assistant)", field, msg.role);
  utf8_repair(msg.content);
  return msg;
}

// one answer: "text", or [{"role": "assistant", "content": ...}]; never empty
std::string answer_of(const json& a, const std::string& field) {
  std::string text;
  if (a.is_string()) {
    text = a.get<std::string>();
    utf8_repair(text);
  } else if (a.is_array() && a.size() == 1) {
    ChatMessage m = message_of(a[0], field + "[0]");
    if (m.role != "assistant") input_error("{}[0]: the answer's role must be 'assistant', not '{}'", field, m.role);
    text = std::move(m.content);
  } else {
    input_error("{}: expected a string or a list holding one assistant message (got {})", field,
                a.is_array() ? fmt::format("a list of {}", a.size()) : std::string(a.type_name()));
  }
  if (trim(text).empty()) input_error("{}: the answer is empty", field);
  return text;
}

Ranking ranking_of(const json& j, const std::string& at) {
  if (!j.is_object() || !j.contains("prompt") || !j["prompt"].is_array())
    input_error("{}: prompt: expected an object with a \"prompt\" array of messages", at);
  if (j["prompt"].empty()) input_error("{}: prompt: is empty", at);
  Ranking r;
  for (size_t i = 0; i < j["prompt"].size(); i++)
    r.prompt.push_back(message_of(j["prompt"][i], fmt::format("{}: prompt[{}]", at, i)));
  if (r.prompt.back().role != "user")
    input_error("{}: prompt: the last message must be the user's (it is '{}')", at, r.prompt.back().role);
  const bool ranked = j.contains("completions"), paired = j.contains("chosen") || j.contains("rejected");
  if (ranked == paired)
    input_error("{}: expected either \"completions\" (a ranking) or \"chosen\" and \"rejected\" (a pair){}", at,
                ranked ? ", not both" : "");
  if (ranked) {
    const json& c = j["completions"];
    if (!c.is_array() || c.size() < 2)
      input_error("{}: completions: expected a list of at least 2 answers, best first (got {})", at,
                  c.is_array() ? std::to_string(c.size()) : c.type_name());
    // K answers make K(K-1)/2 training pairs and K^2 repeat checks; real rankings have <= 8
    if (c.size() > kMaxCompletions)
      input_error("{}: completions: {} answers, more than the limit of {}", at, c.size(), kMaxCompletions);
    for (size_t i = 0; i < c.size(); i++) r.completions.push_back(answer_of(c[i], fmt::format("{}: completions[{}]", at, i)));
    if (j.contains("kinds")) {
      const json& k = j["kinds"];
      if (!k.is_array() || k.size() != c.size())
        input_error("{}: kinds: expected a list of {} strings, one per completion (got {})", at, c.size(),
                    k.is_array() ? std::to_string(k.size()) : k.type_name());
      for (size_t i = 0; i < k.size(); i++) {
        if (!k[i].is_string()) input_error("{}: kinds[{}]: expected a string, not {}", at, i, k[i].type_name());
        r.kinds.push_back(k[i].get<std::string>());
      }
    } else {
      r.kinds.assign(c.size(), "rejected");
      r.kinds[0] = "chosen";
    }
  } else {
    for (const char* side : {"chosen", "rejected"}) {
      if (!j.contains(side)) input_error("{}: {}: missing (a pair needs both \"chosen\" and \"rejected\")", at, side);
      r.completions.push_back(answer_of(j[side], fmt::format("{}: {}", at, side)));
      r.kinds.push_back(side);
    }
    if (r.completions[0] == r.completions[1]) input_error("{}: rejected: is identical to chosen", at);
  }
  for (size_t i = 1; i < r.completions.size(); i++)
    for (size_t k = 0; k < i; k++)
      if (r.completions[i] == r.completions[k]) input_error("{}: completions[{}]: repeats completions[{}]", at, i, k);
  if (j.contains("family") && j["family"].is_string()) r.family = j["family"].get<std::string>();
  if (j.contains("item") && j["item"].is_string()) r.item = j["item"].get<std::string>();
  return r;
}

json messages_json(const std::vector<ChatMessage>& msgs) {
  json out = json::array();
  for (const ChatMessage& m : msgs) out.push_back({{"role", m.role}, {"content", m.content}});
  return out;
}

std::string line_of(const json& j) { return dump_json(j) + "\n"; }

}  // namespace

std::vector<Ranking> read_preferences_jsonl(const std::string& path) {
  return parse_preferences_jsonl(read_file(path), path);
}

std::vector<Ranking> parse_preferences_jsonl(std::string_view text, const std::string& path) {
  std::vector<Ranking> out;
  int64_t line_no = 0;
  for (std::string_view line : split_lines(text)) {
    line_no++;
    if (trim(line).empty()) continue;
    const std::string at = fmt::format("{}:{}", path, line_no);
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) input_error("{}: not valid JSON", at);
    out.push_back(ranking_of(j, at));
  }
  return out;
}

void write_rankings_jsonl(const std::string& path, const std::vector<Ranking>& rankings) {
  write_file_atomic(path, [&](FileSink& sink) {
    for (const Ranking& r : rankings) {
      OWN_CHECK(r.completions.size() >= 2 && r.kinds.size() == r.completions.size(), "ranking of {} with {} kinds",
                r.completions.size(), r.kinds.size());
      sink.write(line_of({{"prompt", messages_json(r.prompt)}, {"completions", r.completions}, {"kinds", r.kinds},
                          {"family", r.family}, {"item", r.item}}));
    }
  });
}

void write_pairs_jsonl(const std::string& path, const std::vector<Ranking>& rankings) {
  write_file_atomic(path, [&](FileSink& sink) {
    for (const Ranking& r : rankings) {
      const json prompt = messages_json(r.prompt);
      for (auto [better, worse] : ranking_pairs(r)) {
        const json chosen = messages_json({{"assistant", r.completions[better]}});
        const json rejected = messages_json({{"assistant", r.completions[worse]}});
        sink.write(line_of({{"prompt", prompt}, {"chosen", chosen}, {"rejected", rejected},
                            {"chosen_kind", r.kinds[better]},
                            {"rejected_kind", r.kinds[worse]}, {"family", r.family}, {"item", r.item}}));
      }
    }
  });
}

std::vector<std::pair<int, int>> ranking_pairs(const Ranking& r) {
  const int k = static_cast<int>(r.completions.size());
  std::vector<std::pair<int, int>> out;
  out.reserve(static_cast<size_t>(k * (k - 1) / 2));
  for (int better = 0; better < k; better++)
    for (int worse = better + 1; worse < k; worse++) out.push_back({better, worse});
  return out;
}

std::string prompt_key(const std::vector<ChatMessage>& prompt) {
  std::string k;
  for (const ChatMessage& m : prompt) k += m.role + "\x1f" + m.content + "\x1e";
  return k;
}

std::vector<Ranking> spread_by_family(const std::vector<Ranking>& rankings, int64_t limit) {
  return families_in_turn(rankings, limit, [](const Ranking& r) { return r.family; });
}

}  // namespace own
