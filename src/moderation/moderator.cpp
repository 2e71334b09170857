// Moderation's shared pieces: category names and parents, the tokenizer both layers use, hashed
// features, the classifier's scores and checkpoint reader, and Moderator (lexicon + classifier,
// max per category). Scores in the JSON are rounded to 6 decimals.
#include "moderation/moderator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/check.h"
#include "core/fileio.h"
#include "core/json_util.h"
#include "model/safetensors.h"
#include "moderation/lexicon.h"

namespace own {

namespace fs = std::filesystem;
using nlohmann::json;

const std::array<const char*, kModerationCategories> kModerationCategoryNames = {
    "harassment", "harassment/threatening", "hate",  "hate/threatening", "illicit", "illicit/violent", "self-harm",
    "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic"};

ModCategory moderation_parent(ModCategory c) {
  switch (c) {
    case ModCategory::harassment_threatening: return ModCategory::harassment;
    case ModCategory::hate_threatening: return ModCategory::hate;
    case ModCategory::illicit_violent: return ModCategory::illicit;
    case ModCategory::self_harm_intent:
    case ModCategory::self_harm_instructions: return ModCategory::self_harm;
    case ModCategory::sexual_minors: return ModCategory::sexual;
    case ModCategory::violence_graphic: return ModCategory::violence;
    default: return c;
  }
}

namespace {

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}
bool is_joiner(unsigned char c) { return c == '!' || c == '*' || c == '@' || c == '$' || c == '+' || c == '_'; }

// bytes of a UTF-8 apostrophe at text[i] (' or U+2018/U+2019), else 0
size_t apostrophe_len(std::string_view t, size_t i) {
  if (t[i] == '\'') return 1;
  if (i + 2 < t.size() && static_cast<unsigned char>(t[i]) == 0xE2 && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(t[i + 2]) == 0x98 || static_cast<unsigned char>(t[i + 2]) == 0x99))
    return 3;
  return 0;
}

// U+2000..U+206F (general punctuation: dashes, quotes, spaces) separate words
bool general_punct(std::string_view t, size_t i) {
  return i + 2 < t.size() && static_cast<unsigned char>(t[i]) == 0xE2 &&
         (static_cast<unsigned char>(t[i + 1]) == 0x80 || static_cast<unsigned char>(t[i + 1]) == 0x81);
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

constexpr int64_t kMaxBuckets = int64_t{1} << 26;

}  // namespace

std::vector<std::string> moderation_tokens(std::string_view t) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  size_t i = 0;
  while (i < t.size()) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    if (const size_t a = apostrophe_len(t, i); a > 0) {
      // inside a word it vanishes ("don't" -> "dont"); elsewhere it separates
      const bool next_word = i + a < t.size() && is_word_byte(static_cast<unsigned char>(t[i + a]));
      if (cur.empty() || !next_word) flush();
      i += a;
      continue;
    }
    if (general_punct(t, i)) {
      flush();
      i += 3;
      continue;
    }
    if (is_word_byte(c)) {
      cur.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
      i++;
      continue;
    }
    if (is_joiner(c) && !cur.empty()) {  // "sh!t", "f**k": kept when a letter or digit follows the run
      size_t j = i;
      while (j < t.size() && is_joiner(static_cast<unsigned char>(t[j]))) j++;
      if (j < t.size() && is_word_byte(static_cast<unsigned char>(t[j])) && apostrophe_len(t, j) == 0 &&
          !general_punct(t, j)) {
        cur.append(t.substr(i, j - i));
        i = j;
        continue;
      }
    }
    flush();
    i++;
  }
  flush();
  return out;
}

void moderation_features(const std::vector<std::string>& tokens, int64_t buckets, std::vector<uint32_t>& out) {
  OWN_CHECK(buckets > 0 && buckets <= kMaxBuckets, "buckets {}", buckets);
  const uint64_t b = static_cast<uint64_t>(buckets);
  out.clear();
  uint64_t prev = 0;
  for (size_t i = 0; i < tokens.size(); i++) {
    const uint64_t h = fnv1a(tokens[i]);
    out.push_back(static_cast<uint32_t>(mix64(h) % b));
    if (i > 0) out.push_back(static_cast<uint32_t>(mix64(prev * 0x9E3779B97F4A7C15ull + h + 1) % b));
    prev = h;
  }
}

ModScores moderation_model_scores(const ModerationModel& m, const std::vector<std::string>& tokens) {
  std::vector<uint32_t> f;
  moderation_features(tokens, m.buckets, f);
  ModScores z = m.bias;
  if (!f.empty()) {
    const float v = 1.0f / std::sqrt(static_cast<float>(f.size()));
    for (uint32_t b : f) {
      const float* w = m.weight.data() + static_cast<size_t>(b) * kModerationCategories;
      for (size_t c = 0; c < kModerationCategories; c++) z[c] += v * w[c];
    }
  }
  for (float& x : z) x = sigmoid(x);
  return z;
}

ModerationModel moderation_model_load(const std::string& dir_in) {
  std::error_code ec;
  fs::path dir = fs::path(dir_in);
  if (!fs::is_directory(dir, ec) && fs::is_directory(dir_in + ".old", ec)) dir = dir_in + ".old";  // interrupted save
  const std::string fix = "retrain it with `ownchat train moderation --run RUN`";
  const std::string config_path = (dir / "config.json").string(), model_path = (dir / "model.safetensors").string();
  if (!fs::exists(config_path, ec))
    input_error("{}: missing config.json: not a moderation checkpoint; {}", dir.string(), fix);
  if (!fs::exists(model_path, ec)) input_error("{}: missing model.safetensors; {}", dir.string(), fix);
  json cfg = json::parse(read_file(config_path), nullptr, false);
  if (!cfg.is_object()) input_error("{}: invalid JSON; {}", config_path, fix);
  if (string_or(cfg, "model_type", "") != "ownchat-moderation")
    input_error("{}: model_type is not \"ownchat-moderation\"; {}", config_path, fix);
  if (!cfg.contains("buckets") || !cfg["buckets"].is_number_integer())
    input_error("{}: \"buckets\" must be an integer; {}", config_path, fix);
  ModerationModel m;
  m.buckets = cfg["buckets"].get<int64_t>();
  if (m.buckets <= 0 || m.buckets > kMaxBuckets)
    input_error("{}: buckets {} out of range [1, {}]; {}", config_path, m.buckets, kMaxBuckets, fix);
  json want = json::array();
  for (const char* n : kModerationCategoryNames) want.push_back(n);
  if (cfg.value("categories", json()) != want)
    input_error("{}: \"categories\" is not the 13 categories of this ownchat, in order; {}", config_path, fix);
  const json th = cfg.value("threshold", json(0.5));
  if (!th.is_number() || !(th.get<double>() > 0 && th.get<double>() < 1))
    input_error("{}: \"threshold\" must be a number in (0, 1); {}", config_path, fix);
  m.threshold = th.get<float>();

  SafetensorsFile st(model_path);  // validates framing, offsets, sizes
  const int64_t C = static_cast<int64_t>(kModerationCategories);
  const StInfo& wi = st.info("weight");
  const StInfo& bi = st.info("bias");
  if (wi.shape != std::vector<int64_t>{C, m.buckets})
    input_error("{}: weight has shape {}, config.json says [{}, {}]; {}", model_path, shape_str(wi.shape), C, m.buckets,
                fix);
  if (bi.shape != std::vector<int64_t>{C}) input_error("{}: bias has shape {}, want [{}]", model_path, shape_str(bi.shape), C);
  std::vector<float> w(static_cast<size_t>(C * m.buckets));  // (13, buckets) as stored
  st.read_f32("weight", w.data(), C * m.buckets);
  st.read_f32("bias", m.bias.data(), C);
  m.weight.resize(w.size());
  for (int64_t c = 0; c < C; c++)
    for (int64_t b = 0; b < m.buckets; b++) {
      const float x = w[c * m.buckets + b];
      if (!std::isfinite(x)) input_error("{}: weight[{}, {}] is not finite; {}", model_path, c, b, fix);
      m.weight[b * C + c] = x;
    }
  for (float x : m.bias)
    if (!std::isfinite(x)) input_error("{}: bias is not finite; {}", model_path, fix);
  return m;
}

Moderator Moderator::load(const std::string& ckpt_dir) {
  Moderator m;
  m.lexicon_ = ModerationLexicon::get();
  std::error_code ec;
  if (!ckpt_dir.empty() && (fs::exists(ckpt_dir, ec) || fs::exists(ckpt_dir + ".old", ec)))
    m.model_ = std::make_shared<const ModerationModel>(moderation_model_load(ckpt_dir));
  return m;
}

ModerationResult Moderator::classify(std::string_view text) const {
  const std::vector<std::string> tokens = moderation_tokens(text);
  ModScores s = lexicon_->scores(tokens);
  if (model_) {
    const ModScores c = moderation_model_scores(*model_, tokens);
    for (size_t i = 0; i < kModerationCategories; i++) s[i] = std::max(s[i], c[i]);
  }
  return moderation_result(s, threshold());
}

ModerationResult moderation_result(const ModScores& scores, float threshold) {
  ModerationResult r;
  r.scores = scores;
  for (size_t i = 0; i < kModerationCategories; i++) {
    const size_t p = static_cast<size_t>(moderation_parent(static_cast<ModCategory>(i)));
    r.scores[p] = std::max(r.scores[p], r.scores[i]);
  }
  for (size_t i = 0; i < kModerationCategories; i++) {
    r.categories[i] = r.scores[i] >= threshold;
    r.flagged = r.flagged || r.categories[i];
  }
  return r;
}

json moderation_result_json(const ModerationResult& r) {
  json cats = json::object(), scores = json::object(), types = json::object();
  for (size_t i = 0; i < kModerationCategories; i++) {
    const char* n = kModerationCategoryNames[i];
    cats[n] = r.categories[i];
    scores[n] = std::round(static_cast<double>(r.scores[i]) * 1e6) / 1e6;
    types[n] = json::array({"text"});
  }
  return {{"flagged", r.flagged},
          {"categories", cats},
          {"category_scores", scores},
          {"category_applied_input_types", types}};
}

}  // namespace own
