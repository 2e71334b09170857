// One model `serve` holds: a checkpoint, its tokenizer, packed weights and its own engine thread.
// Its public description (GET /v1/models) carries the training stage (the checkpoint folder's
// name: base, sft, rm, ppo, dpo, bon) and that checkpoint's latest eval metrics from the run's
// metrics.jsonl, as extra fields beside OpenAI's.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "infer/engine.h"
#include "infer/model.h"
#include "retrieval/index_db.h"
#include "tokenizer/tokenizer.h"

namespace own {

struct ServedModel {
  std::string name, dir, stage;
  int64_t created = 0;  // unix time the checkpoint was written
  Tokenizer tok;
  std::unique_ptr<InferModel> model;
  std::unique_ptr<Engine> engine;
  std::vector<int32_t> chat_stops;  // end of an assistant turn
  std::vector<int32_t> text_stops;  // end of a document (legacy completions)
  nlohmann::json metrics = nlohmann::json::object();
  std::shared_ptr<const IndexDb> index;  // retrieval (serve --index); null: none
  int64_t retrieval_k = 3;               // passages per answer unless a request says otherwise

  // Loads and starts the engine. tokenizer: "" = found next to the checkpoint (infer/generate.h)
  ServedModel(std::string name, const std::string& dir, const std::string& tokenizer, const InferOptions& io);
  ~ServedModel();
  nlohmann::json describe() const;  // an OpenAI "model" object + stage, context, metrics
  // text as a document: <|bos|> (when the tokenizer has it, as documents start in pretraining) + ids
  std::vector<int32_t> document_ids(std::string_view text) const;
};

}  // namespace own
