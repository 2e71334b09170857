// ownchat train pretrain | sft (later: rm | ppo | dpo | bon)
#include <cstdio>

#include "cli/commands.h"
#include "core/check.h"
#include "train/pretrain.h"
#include "train/sft.h"

namespace own::cli {

void register_train_commands(CLI::App& app) {
  CLI::App* train = app.add_subcommand("train", "training stages; each reads the previous stage's checkpoint");
  train->require_subcommand(1);

  CLI::App* pre = train->add_subcommand("pretrain", "pretrain a base model on DIR/data/shards -> DIR/ckpt/base");
  struct Flags {
    ModelFlags model;
    PretrainOptions o;
    std::string dtype = "f32";
  };
  auto f = std::make_shared<Flags>();
  f->model.depth = 4;
  f->model.add(pre);
  PretrainOptions& o = f->o;
  pre->add_option("--run", o.run_dir, "run directory")->capture_default_str();
  pre->add_option("--batch", o.batch, "sequences per micro-batch")->capture_default_str();
  pre->add_option("--seq", o.seq, "tokens per sequence")->capture_default_str();
  pre->add_option("--total-batch-tokens", o.total_batch_tokens,
                  "tokens per optimizer step; a multiple of batch*seq (gradient accumulation)");
  pre->add_option("--steps", o.steps, "optimizer steps")->capture_default_str();
  pre->add_option("--minutes", o.minutes, "wall-time budget: caps --steps so the run ends in time");
  pre->add_option("--lr", o.lr, "peak learning rate (default 0.03/sqrt(width))");
  pre->add_option("--weight-decay", o.weight_decay, "AdamW weight decay on matrices")->capture_default_str();
  pre->add_option("--warmup-frac", o.warmup_frac, "fraction of steps warming up")->capture_default_str();
  pre->add_option("--eval-every", o.eval_every, "steps between validation (bits per byte)")->capture_default_str();
  pre->add_option("--eval-tokens", o.eval_tokens, "validation tokens per evaluation")->capture_default_str();
  pre->add_option("--sample-every", o.sample_every, "steps between printed samples (0: never)")->capture_default_str();
  pre->add_option("--save-every", o.save_every, "steps between checkpoints")->capture_default_str();
  pre->add_flag("--resume", o.resume, "continue DIR/ckpt/base from its train state");
  pre->add_option("--dtype", f->dtype, "matmul precision: f32 or bf16")->capture_default_str();
  pre->add_option("--seed", o.seed, "seed for init and data order")->capture_default_str();
  pre->add_option("--peak-gflops", o.peak_gflops, "GEMM peak for the MFU figure")->capture_default_str();
  add_threads_flag(pre);
  pre->callback([=] {
    if (f->o.batch <= 0 || f->o.seq <= 0 || f->o.steps <= 0) input_error("--batch, --seq and --steps must be positive");
    f->o.config = f->model.config(f->o.seq);
    f->o.precision = parse_precision(f->dtype);
    PretrainResult r = pretrain(f->o);
    std::printf("{\"steps\": %lld, \"train_loss\": %.4f, \"val_bpb\": %.4f, \"unigram_bpb\": %.4f, \"interrupted\": %s}\n",
                static_cast<long long>(r.steps), r.train_loss, r.val_bpb, r.unigram_bpb, r.interrupted ? "true" : "false");
  });

  CLI::App* sft = train->add_subcommand("sft", "supervised fine-tuning on DIR/data/chat (+ your JSONL) -> DIR/ckpt/sft");
  auto so = std::make_shared<SftOptions>();
  auto data = std::make_shared<std::vector<std::string>>();
  sft->add_option("--run", so->run_dir, "run directory")->capture_default_str();
  sft->add_option("--init", so->init, "checkpoint to start from (default RUN/ckpt/base)");
  sft->add_option("--data", *data, "your conversations (OpenAI fine-tuning JSONL), as FILE or FILE:WEIGHT (copies)");
  sft->add_option("--batch", so->batch, "rows per step")->capture_default_str();
  sft->add_option("--seq", so->seq, "longest conversation in tokens (longer ones are left out and counted)")
      ->capture_default_str();
  sft->add_option("--steps", so->steps, "optimizer steps")->capture_default_str();
  sft->add_flag("--pack,!--no-pack", so->pack, "several whole conversations per row (--no-pack: one per row, padded)")
      ->capture_default_str();
  sft->add_option("--lr", so->lr, "peak learning rate (default 0.03/sqrt(width), as in pretraining)");
  sft->add_option("--eval-every", so->eval_every, "steps between validation losses")->capture_default_str();
  sft->add_option("--val-conversations", so->val_conversations, "validation conversations (0: all of val.jsonl)")
      ->capture_default_str();
  sft->add_option("--save-every", so->save_every, "steps between checkpoints")->capture_default_str();
  sft->add_flag("--resume", so->resume, "continue RUN/ckpt/sft");
  sft->add_option("--stop-at", so->stop_at, "pause: save and stop at this step, as Ctrl-C would (resume later)");
  sft->add_option("--seed", so->seed, "data order seed")->capture_default_str();
  add_threads_flag(sft);
  sft->callback([=] {
    if (so->batch <= 0 || so->seq <= 1 || so->steps <= 0) input_error("--batch, --seq and --steps must be positive");
    so->user_data.clear();
    for (const std::string& d : *data) {
      const size_t colon = d.rfind(':');
      double w = 1.0;
      std::string path = d;
      if (colon != std::string::npos) {
        char* end = nullptr;
        w = std::strtod(d.c_str() + colon + 1, &end);
        if (*end != '\0' || end == d.c_str() + colon + 1) input_error("--data {}: expected FILE or FILE:WEIGHT", d);
        path = d.substr(0, colon);
      }
      so->user_data.push_back({path, w});
    }
    SftResult r = train_sft(*so);
    std::printf("{\"steps\": %lld, \"train_loss\": %.4f, \"val_loss_start\": %.4f, \"val_loss\": %.4f, "
                "\"train_examples\": %lld, \"too_long\": %lld, \"interrupted\": %s}\n",
                static_cast<long long>(r.steps), r.train_loss, r.val_loss_start, r.val_loss,
                static_cast<long long>(r.train_examples), static_cast<long long>(r.too_long),
                r.interrupted ? "true" : "false");
  });
}

}  // namespace own::cli
