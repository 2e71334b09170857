// The store's rows as JSON (what the REST routes send) and as the CLI's tables.
#include <fmt/format.h>

#include <ctime>

#include "serve/store.h"

namespace own {

namespace {

std::string utc_minutes(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
  return buf;
}

}  // namespace

void to_json(nlohmann::json& j, const ApiKeyInfo& k) {
  j = {{"id", k.id},       {"name", k.name}, {"prefix", k.prefix}, {"created_at", k.created_at},
       {"revoked_at", nullptr}, {"admin", k.admin}};
  if (k.revoked_at) j["revoked_at"] = *k.revoked_at;
}

void to_json(nlohmann::json& j, const ConversationInfo& c) {
  j = {{"id", c.id},           {"title", c.title},           {"system_prompt", c.system_prompt},
       {"model", c.model},     {"created_at", c.created_at}, {"updated_at", c.updated_at}};
}

void to_json(nlohmann::json& j, const Message& m) {
  j = {{"id", m.id},
       {"conversation_id", m.conversation_id},
       {"parent_id", m.parent_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.parent_id)},
       {"role", m.role},
       {"content", m.content},
       {"model", m.model},
       {"checkpoint", m.checkpoint},
       {"sampling", m.sampling},
       {"citations", m.citations},
       {"prompt_tokens", m.prompt_tokens},
       {"completion_tokens", m.completion_tokens},
       {"tokens_per_s", m.tokens_per_s},
       {"created_at", m.created_at}};
}

void to_json(nlohmann::json& j, const Rating& r) {
  j = {{"message_id", r.message_id}, {"rating", r.rating},         {"reason", r.reason},
       {"comment", r.comment},       {"created_at", r.created_at}, {"updated_at", r.updated_at}};
}

void to_json(nlohmann::json& j, const ConversationTree& t) {
  j = t.info;
  j["messages"] = t.messages;
  j["ratings"] = t.ratings;
}

void to_json(nlohmann::json& j, const FeedbackStats& s) {
  j = {{"ratings", s.ratings}, {"up", s.up}, {"down", s.down}, {"pairs", s.pairs}};
}

std::string api_keys_table(const std::vector<ApiKeyInfo>& keys) {
  if (keys.empty()) return "no API keys; create one with `ownchat keys create --name NAME`\n";
  static constexpr char row[] = "{:>4}  {:<20}  {:<12}  {:<16}  {:<5}  {}\n";
  std::string out = fmt::format(row, "id", "name", "prefix", "created (UTC)", "admin", "status");
  for (const ApiKeyInfo& k : keys)
    out += fmt::format(row, k.id, k.name, k.prefix, utc_minutes(k.created_at), k.admin ? "yes" : "no",
                       k.revoked_at ? "revoked " + utc_minutes(*k.revoked_at) : std::string("active"));
  return out;
}

}  // namespace own
