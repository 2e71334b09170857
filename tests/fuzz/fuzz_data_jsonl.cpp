// The chat JSONL reader (SFT data) and the preference JSONL reader (RM/DPO data) on the same
// bytes. Properties: conversations/rankings or an InputError; a conversation has messages with
// known roles and, for training, ends with the assistant; it survives write-then-read unchanged;
// a ranking has >= 2 distinct non-empty answers, one kind per answer, a prompt ending with user.
#include "data/chat_data.h"
#include "data/pref_data.h"
#include "fuzz_util.h"

static bool same_messages(const std::vector<own::ChatMessage>& a, const std::vector<own::ChatMessage>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++)
    if (a[i].role != b[i].role || a[i].content != b[i].content) return false;
  return true;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool for_training : {false, true}) {
    std::vector<own::Conversation> convs;
    if (!own::fuzz::accepts([&] { convs = own::parse_chat_jsonl(text, "fuzz/chat.jsonl", for_training); })) continue;
    for (const auto& c : convs) {
      FUZZ_REQUIRE(!c.messages.empty(), "empty conversation");
      for (const auto& m : c.messages) FUZZ_REQUIRE(own::is_chat_role(m.role), "unknown role " + m.role);
      if (for_training) FUZZ_REQUIRE(c.messages.back().role == "assistant", "training conversation ends with " + c.messages.back().role);
      std::vector<own::Conversation> again;
      const std::string line = own::chat_jsonl_line(c);
      FUZZ_REQUIRE(own::fuzz::accepts([&] { again = own::parse_chat_jsonl(line, "fuzz/rewritten.jsonl", for_training); }),
                   "cannot read back " + line);
      FUZZ_REQUIRE(again.size() == 1 && same_messages(again[0].messages, c.messages), "write/read changed " + line);
    }
  }
  std::vector<own::Ranking> rankings;
  if (own::fuzz::accepts([&] { rankings = own::parse_preferences_jsonl(text, "fuzz/prefs.jsonl"); })) {
    for (const auto& r : rankings) {
      FUZZ_REQUIRE(!r.prompt.empty() && r.prompt.back().role == "user", "prompt");
      FUZZ_REQUIRE(r.completions.size() >= 2 && r.kinds.size() == r.completions.size(), "completions/kinds");
      for (size_t i = 0; i < r.completions.size(); i++)
        for (size_t k = 0; k < i; k++) FUZZ_REQUIRE(r.completions[i] != r.completions[k], "repeated completion");
    }
  }
  return 0;
}
