#include "data/feedback_pairs.h"

#include <filesystem>

#include "core/check.h"
#include "core/fileio.h"
#include "core/json_util.h"

namespace own {

void to_json(nlohmann::json& j, const PreferencePair& p) {
  nlohmann::json prompt = nlohmann::json::array();
  for (const auto& m : p.prompt) prompt.push_back({{"role", m.role}, {"content", m.content}});
  j = {{"prompt", std::move(prompt)},
       {"chosen", {{{"role", "assistant"}, {"content", p.chosen}}}},
       {"rejected", {{{"role", "assistant"}, {"content", p.rejected}}}},
       {"chosen_model", p.chosen_model},
       {"rejected_model", p.rejected_model},
       {"conversation_id", p.conversation_id},
       {"chosen_id", p.chosen_id},
       {"rejected_id", p.rejected_id}};
}

std::vector<PreferencePair> feedback_pairs(std::span<const RatedTurn> turns) {
  std::vector<PreferencePair> pairs;
  for (const RatedTurn& t : turns)
    for (const RatedAnswer& u : t.answers)
      for (const RatedAnswer& d : t.answers)
        if (u.rating > 0 && d.rating <= 0)
          pairs.push_back(PreferencePair{t.prompt, u.content, d.content, u.id, d.id, u.model, d.model, t.conversation_id});
  return pairs;
}

void write_preference_jsonl(const std::string& path, const std::vector<PreferencePair>& pairs) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::create_directories(parent, ec) && ec)
    input_error("{}: cannot create directory {}: {}", path, parent.string(), ec.message());
  write_file_atomic(path, [&](FileSink& sink) {
    for (const PreferencePair& p : pairs) {
      sink.write(dump_json(nlohmann::json(p)));  // invalid UTF-8 -> U+FFFD
      sink.write("\n");
    }
  });
}

}  // namespace own
