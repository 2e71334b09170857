#include "train/sft.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "core/check.h"
#include "data/chat_loader.h"
#include "data/mix.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"
#include "train/loop.h"
#include "train/stage.h"

namespace own {
namespace fs = std::filesystem;

namespace {

// mean loss per answer token over every validation conversation (fixed order, padded batches)
double validation_loss(Llama& m, const std::vector<ChatExample>& val, int32_t pad) {
  const int64_t B = m.batch(), T = m.seq();
  ChatSource src(val, pad, 0, false, false);
  std::vector<int32_t> in(static_cast<size_t>(B * T)), tg(static_cast<size_t>(B * T));
  double nats = 0;
  int64_t count = 0;
  for (int64_t done = 0; done < src.size(); done += B) {
    src.next(in.data(), tg.data(), B, T);
    m.forward_loss(in.data(), tg.data());
    const int64_t rows = std::min(B, src.size() - done);  // the last batch wraps around: skip repeats
    for (int64_t j = 0; j < rows * T; j++)
      if (tg[static_cast<size_t>(j)] >= 0) nats += m.token_losses()[j], count++;
  }
  return count > 0 ? nats / static_cast<double>(count) : 0.0;
}

}  // namespace

SftResult train_sft(const SftOptions& o) {
  const fs::path run(o.run_dir);
  const fs::path chat = run / "data" / "chat";
  const std::string train_file = o.train_file.empty() ? (chat / "train.jsonl").string() : o.train_file;
  if (!fs::exists(train_file))
    input_error("{} is missing; run `ownchat data chat --run {}` first", train_file, o.run_dir);
  std::vector<Conversation> train = read_chat_jsonl(train_file, true);
  std::vector<Conversation> val = read_chat_jsonl((chat / "val.jsonl").string(), true);
  if (o.val_conversations > 0 && static_cast<int64_t>(val.size()) > o.val_conversations)
    val.resize(static_cast<size_t>(o.val_conversations));
  for (const auto& [path, weight] : o.user_data)
    mix_in(train, read_chat_jsonl(path, true), weight, "--data " + path, chat_jsonl_line);

  StageStart st = stage_start(o.run_dir, o.stage, o.init, o.init_stage, o.resume);
  const Tokenizer& tok = st.tok;
  const Checkpoint& base = st.ck;
  if (o.seq > base.config.max_position_embeddings)
    input_error("--seq {} exceeds the model's context {}", o.seq, base.config.max_position_embeddings);

  Llama model(base.config);
  std::copy(base.params.data, base.params.data + base.layout.total, model.params.data);
  model.reserve(o.batch, o.seq);

  SftResult result;
  int64_t too_long_val = 0;
  std::vector<ChatExample> train_ex = chat_examples(tok, train, o.seq + 1, &result.too_long);
  std::vector<ChatExample> val_ex = chat_examples(tok, val, o.seq + 1, &too_long_val);
  result.train_examples = static_cast<int64_t>(train_ex.size());
  if (result.too_long + too_long_val > 0)
    std::fprintf(stderr, "%s: %lld train and %lld val conversations are longer than --seq %lld + 1 tokens; left out\n",
                 o.stage.c_str(), static_cast<long long>(result.too_long), static_cast<long long>(too_long_val),
                 static_cast<long long>(o.seq));
  const int32_t pad = tok.special_id("<|pad|>");

  OptimizerConfig oc;
  oc.lr = o.lr > 0 ? o.lr : default_lr(base.config);
  oc.weight_decay = o.weight_decay;
  oc.warmup_steps = std::max<int64_t>(1, o.steps / 20);
  oc.min_lr_frac = 0.0f;
  TrainLoopOptions lo = stage_loop_options(o.run_dir, o.stage, st.out, o.steps, o.save_every, o.seed, o.stop_at);

  ChatSource source(std::move(train_ex), pad, o.seed, true, o.pack);
  Trainer trainer(model, oc, lo);
  if (st.resuming) trainer.resume(source);
  std::fprintf(stderr, "%s: %lld train conversations (%s), %zu val, from %s, lr %.2e\n", o.stage.c_str(),
               static_cast<long long>(source.size()), o.pack ? "packed" : "padded, one per row", val_ex.size(),
               st.from.c_str(), static_cast<double>(oc.lr));
  result.val_loss_start = static_cast<float>(validation_loss(model, val_ex, pad));
  trainer.hook_every = o.eval_every;
  trainer.hook = [&](Trainer& t, int64_t step) {
    const double v = validation_loss(model, val_ex, pad);
    result.val_loss = static_cast<float>(v);
    t.log_metric(step, "val_loss", v);
    t.progress_note = fmt::format("val loss {:.3f}", v);
  };
  LmObjective lm;
  TrainResult tr = run_interruptible(trainer, source, lm);
  result.steps = tr.end_step;
  result.train_loss = tr.last_loss;
  result.interrupted = tr.interrupted;
  if (result.val_loss == 0) result.val_loss = static_cast<float>(validation_loss(model, val_ex, pad));
  return result;
}

}  // namespace own
