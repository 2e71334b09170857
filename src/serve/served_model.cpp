#include "serve/served_model.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/gguf.h"
#include "core/json_util.h"
#include "core/run_dir.h"
#include "infer/generate.h"
#include "tokenizer/chat_template.h"

namespace own {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// the latest value of each eval metric recorded for checkpoint `dir` in RUN/metrics.jsonl: lines
// naming it by "ckpt" (`eval --ckpt`), or by "model" = its stage (`eval --run`, RUN/ckpt/<stage>)
json eval_metrics(const fs::path& dir, const std::string& stage) {
  json out = json::object();
  const fs::path path = RunDir(dir.parent_path().parent_path()).metrics();
  std::ifstream in(path);
  std::error_code ec;
  const fs::path want = fs::weakly_canonical(dir, ec);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"eval\"") == std::string::npos) continue;  // cheap filter: most lines are training steps
    json j = json::parse(line, nullptr, false);
    if (!j.is_object() || string_or(j, "stage", "") != "eval" || !j.contains("value")) continue;
    const bool by_ckpt = j.contains("ckpt") && j["ckpt"].is_string() &&
                         fs::weakly_canonical(fs::path(j["ckpt"].get<std::string>()), ec) == want;
    const bool by_stage = !j.contains("ckpt") && string_or(j, "model", "") == stage;
    const std::string name = j.contains("name") ? string_or(j, "name", "") : string_or(j, "metric", "");
    if ((by_ckpt || by_stage) && !name.empty()) out[name] = j["value"];
  }
  return out;
}

}  // namespace

ServedModel::ServedModel(std::string name_, const std::string& dir_, const std::string& tokenizer, const InferOptions& io)
    : name(std::move(name_)), dir(dir_), tok(Tokenizer::load(find_tokenizer(dir_, tokenizer))) {
  const fs::path d = fs::path(dir).lexically_normal();
  const fs::path leaf_path = (d.filename().empty() ? d.parent_path() : d).filename();
  const std::string leaf = (is_gguf_path(dir) ? leaf_path.stem() : leaf_path).string();
  stage = "custom";
  for (const char* s : {"base", "sft", "rm", "ppo", "dpo", "bon"})
    if (leaf == s) stage = s;
  struct stat st {};
  const fs::path weights = is_gguf_path(dir) ? d : d / "model.safetensors";
  if (::stat(weights.c_str(), &st) == 0) created = static_cast<int64_t>(st.st_mtime);
  model = load_infer_model(dir, tok, io);
  if (has_chat_tokens(tok)) chat_stops = chat_stop_tokens(tok);
  for (const char* s : {"<|eos|>", "<|bos|>", "<|endoftext|>"})
    if (int32_t id = tok.find_special(s); id >= 0) text_stops.push_back(id);
  metrics = eval_metrics(d, stage);
  engine = std::make_unique<Engine>(*model, &tok);
  engine->start();
}

ServedModel::~ServedModel() {
  if (engine) engine->stop();
}

std::vector<int32_t> ServedModel::document_ids(std::string_view text) const {
  std::vector<int32_t> ids;
  if (int32_t bos = tok.find_special("<|bos|>"); bos >= 0) ids.push_back(bos);
  tok.encode_append(text, ids);
  return ids;
}

json ServedModel::describe() const {
  return {{"id", name},
          {"object", "model"},
          {"created", created},
          {"owned_by", "ownchat"},
          {"stage", stage},
          {"checkpoint", dir},
          {"context_length", model->context()},
          {"vocab_size", tok.vocab_size()},
          {"chat", !chat_stops.empty()},
          {"retrieval", index != nullptr},
          {"metrics", metrics}};
}

}  // namespace own
