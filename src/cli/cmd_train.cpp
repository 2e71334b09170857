// ownchat train pretrain | sft | rm | dpo | bon | ppo
#include <fmt/format.h>

#include <cstdlib>

#include "cli/commands.h"
#include "cli/result_line.h"
#include "core/check.h"
#include "train/bon.h"
#include "train/dpo.h"
#include "train/ppo.h"
#include "train/pretrain.h"
#include "train/ranking_accuracy.h"
#include "train/rm.h"
#include "train/sft.h"

namespace own {

// Each stage's result line: counts, losses and rates to 4 decimals, in this order.
void to_json(nlohmann::ordered_json& j, const PretrainResult& r) {
  j = {{"steps", r.steps}, {"train_loss", cli::rounded(r.train_loss)}, {"val_bpb", cli::rounded(r.val_bpb)},
       {"unigram_bpb", cli::rounded(r.unigram_bpb)}, {"copy_p", cli::rounded(r.copy_p)}, {"interrupted", r.interrupted}};
}

void to_json(nlohmann::ordered_json& j, const SftResult& r) {
  j = {{"steps", r.steps}, {"train_loss", cli::rounded(r.train_loss)}, {"val_loss_start", cli::rounded(r.val_loss_start)},
       {"val_loss", cli::rounded(r.val_loss)}, {"train_examples", r.train_examples}, {"too_long", r.too_long},
       {"interrupted", r.interrupted}};
}

void to_json(nlohmann::ordered_json& j, const RmResult& r) {
  nlohmann::ordered_json by_kind = nlohmann::ordered_json::object();  // the worse answer's kind
  for (const auto& [kind, okn] : r.val.by_kind) by_kind[kind] = cli::rounded(kind_accuracy(okn));
  j = {{"steps", r.steps}, {"train_rankings", r.train_rankings}, {"too_long", r.too_long},
       {"val_acc_start", cli::rounded(r.val_accuracy_start)}, {"val_acc", cli::rounded(r.val.accuracy)},
       {"val_acc_by_kind", by_kind}, {"interrupted", r.interrupted}};
}

void to_json(nlohmann::ordered_json& j, const DpoResult& r) {
  j = {{"steps", r.steps}, {"train_pairs", r.train_pairs}, {"too_long", r.too_long},
       {"val_acc_start", cli::rounded(r.val_accuracy_start)}, {"val_acc", cli::rounded(r.val_accuracy)},
       {"val_margin", cli::rounded(r.val_margin)}, {"val_chosen_nll", cli::rounded(r.val_nll)},
       {"best_step", r.kept.best_step}, {"judge_start", cli::rounded(r.kept.judge_start)},
       {"judge_best", cli::rounded(r.kept.judge_best)}, {"interrupted", r.interrupted}};
}

void to_json(nlohmann::ordered_json& j, const PpoResult& r) {
  j = {{"steps", r.steps}, {"prompts", r.prompts}, {"reward_first", cli::rounded(r.reward_first)},
       {"reward_last", cli::rounded(r.reward_last)}, {"kl_last", cli::rounded(r.kl_last)},
       {"length_last", cli::rounded(r.length_last, 2)}, {"nonfinite_skipped", r.nonfinite_skipped},
       {"best_step", r.best_step}, {"judge_first", cli::rounded(r.judge_first)},
       {"judge_best", cli::rounded(r.judge_best)}, {"kl_stopped", r.kl_stopped}, {"judge_stopped", r.judge_stopped},
       {"interrupted", r.interrupted}};
}

void to_json(nlohmann::ordered_json& j, const BonResult& r) {
  j = {{"prompts", r.prompts}, {"samples", r.samples}, {"mean_reward", cli::rounded(r.mean_reward)},
       {"best_reward", cli::rounded(r.best_reward)}, {"steps", r.sft.steps},
       {"val_loss_start", cli::rounded(r.sft.val_loss_start)}, {"val_loss", cli::rounded(r.sft.val_loss)},
       {"best_step", r.sft.kept.best_step}, {"judge_start", cli::rounded(r.sft.kept.judge_start)},
       {"judge_best", cli::rounded(r.sft.kept.judge_best)}, {"interrupted", r.sft.interrupted}};
}

}  // namespace own

namespace own::cli {

namespace {

// --data FILE or FILE:WEIGHT (repeatable) -> (path, weight)
std::vector<std::pair<std::string, double>> weighted_files(const std::vector<std::string>& args) {
  std::vector<std::pair<std::string, double>> out;
  for (const std::string& d : args) {
    const size_t colon = d.rfind(':');
    double w = 1.0;
    std::string path = d;
    if (colon != std::string::npos) {
      char* end = nullptr;
      w = std::strtod(d.c_str() + colon + 1, &end);
      if (*end != '\0' || end == d.c_str() + colon + 1) input_error("--data {}: expected FILE or FILE:WEIGHT", d);
      path = d.substr(0, colon);
    }
    out.push_back({path, w});
  }
  return out;
}

// the flags every fine-tuning stage shares (its options struct has these fields)
template <class Options>
void add_stage_flags(CLI::App* cmd, Options& o, std::vector<std::string>& data, const char* stage, const char* init_from,
                     const char* data_help) {
  cmd->add_option("--run", o.run_dir, "run directory")->capture_default_str();
  cmd->add_option("--init", o.init, fmt::format("checkpoint to start from (default RUN/ckpt/{})", init_from));
  cmd->add_option("--data", data, data_help);
  cmd->add_option("--batch", o.batch, "rows per micro-batch")->capture_default_str();
  cmd->add_option("--grad-accum", o.grad_accum,
                  "micro-batches per step: a step sees batch * grad-accum rows (under mpirun -np K, each rank "
                  "takes grad-accum / K of them)")
      ->capture_default_str();
  cmd->add_option("--seq", o.seq, "longest row in tokens (longer examples are left out and counted)")
      ->capture_default_str();
  cmd->add_option("--steps", o.steps, "optimizer steps")->capture_default_str();
  cmd->add_option("--lr", o.lr, "peak learning rate (default: derived from the model width)");
  cmd->add_option("--eval-every", o.eval_every, "steps between validations")->capture_default_str();
  cmd->add_option("--save-every", o.save_every, "steps between checkpoints")->capture_default_str();
  cmd->add_flag("--resume", o.resume, fmt::format("continue RUN/ckpt/{}", stage));
  cmd->add_option("--stop-at", o.stop_at, "pause: save and stop at this step, as Ctrl-C would (resume later)");
  cmd->add_option("--seed", o.seed, "data order seed")->capture_default_str();
  add_threads_flag(cmd);
}

template <class Options>
void check_stage_flags(const Options& o) {
  if (o.batch <= 0 || o.seq <= 1 || o.steps <= 0) input_error("--batch, --seq and --steps must be positive");
}

constexpr const char* kPrefDataHelp =
    "your preferences (TRL pairs JSONL as `ownchat feedback export` writes, or rankings), as FILE or FILE:WEIGHT";

void add_pretrain_command(CLI::App& train) {
  CLI::App* pre = train.add_subcommand("pretrain", "pretrain a base model on DIR/data/shards -> DIR/ckpt/base");
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
  pre->add_option("--repeat-share", o.repeat_share,
                  "share of rows that repeat their first 16 to seq/2 tokens over and over: in-context copying practice")
      ->capture_default_str();
  pre->add_flag("--induction-init", o.induction_init,
                "start with a planted induction circuit (a previous-token head and a copying head): in-context "
                "copying from step 0");
  pre->add_option("--eval-every", o.eval_every, "steps between validation (bits per byte)")->capture_default_str();
  pre->add_option("--eval-tokens", o.eval_tokens, "validation tokens per evaluation")->capture_default_str();
  pre->add_option("--sample-every", o.sample_every, "steps between printed samples (0: never)")->capture_default_str();
  pre->add_option("--save-every", o.save_every, "steps between checkpoints")->capture_default_str();
  pre->add_flag("--resume", o.resume, "continue DIR/ckpt/base from its train state");
  pre->add_option("--stop-at", o.stop_at, "pause: save and stop at this step, as Ctrl-C would (resume later)");
  pre->add_option("--dtype", f->dtype, "matmul precision: f32 or bf16")->capture_default_str();
  pre->add_option("--seed", o.seed, "seed for init and data order")->capture_default_str();
  pre->add_option("--peak-gflops", o.peak_gflops, "GEMM peak for the MFU figure")->capture_default_str();
  add_threads_flag(pre);
  pre->callback([=] {
    if (f->o.batch <= 0 || f->o.seq <= 0 || f->o.steps <= 0) input_error("--batch, --seq and --steps must be positive");
    f->o.config = f->model.config(f->o.seq);
    f->o.precision = parse_precision(f->dtype);
    PretrainResult r = pretrain(f->o);
    fmt::print("{}\n", json_line(r));
  });
}

void add_sft_command(CLI::App& train) {
  CLI::App* sft = train.add_subcommand("sft", "supervised fine-tuning on DIR/data/chat (+ your JSONL) -> DIR/ckpt/sft");
  auto so = std::make_shared<SftOptions>();
  auto data = std::make_shared<std::vector<std::string>>();
  add_stage_flags(sft, *so, *data, "sft", "base",
                  "your conversations (OpenAI fine-tuning JSONL), as FILE or FILE:WEIGHT (copies)");
  sft->add_flag("--pack,!--no-pack", so->pack, "several whole conversations per row (--no-pack: one per row, padded)")
      ->capture_default_str();
  sft->add_option("--minutes", so->minutes, "wall-time budget: caps --steps so the run ends in time");
  sft->add_option("--val-conversations", so->val_conversations, "validation conversations (0: all of val.jsonl)")
      ->capture_default_str();
  sft->callback([=] {
    check_stage_flags(*so);
    so->user_data = weighted_files(*data);
    SftResult r = train_sft(*so);
    fmt::print("{}\n", json_line(r));
  });
}

void add_rm_command(CLI::App& train) {
  CLI::App* rm = train.add_subcommand("rm", "reward model on DIR/data/prefs (+ your preferences) -> DIR/ckpt/rm");
  auto ro = std::make_shared<RmOptions>();
  auto rm_data = std::make_shared<std::vector<std::string>>();
  add_stage_flags(rm, *ro, *rm_data, "rm", "sft", kPrefDataHelp);
  rm->add_option("--val-rankings", ro->val_rankings, "validation rankings, the families in turn (0: all of val.jsonl)")
      ->capture_default_str();
  rm->callback([=] {
    check_stage_flags(*ro);
    ro->user_data = weighted_files(*rm_data);
    RmResult r = train_rm(*ro);
    fmt::print("{}\n", json_line(r));
  });
}

// the val rule-judge guard of the stages after SFT (train/keep_best.h)
void add_judge_flags(CLI::App* cmd, int64_t& prompts, int64_t& max_tokens) {
  cmd->add_option("--judge-prompts", prompts,
                  "val prompts per judged family for the rule-judge check that keeps the best policy, the one the "
                  "stage starts from included (0: off)")
      ->capture_default_str();
  cmd->add_option("--judge-max-tokens", max_tokens, "longest greedy answer the rule judges read")->capture_default_str();
}

void add_dpo_command(CLI::App& train) {
  CLI::App* dpo = train.add_subcommand("dpo", "direct preference optimization on DIR/data/prefs -> DIR/ckpt/dpo");
  auto dop = std::make_shared<DpoOptions>();
  auto dpo_data = std::make_shared<std::vector<std::string>>();
  add_stage_flags(dpo, *dop, *dpo_data, "dpo", "sft", kPrefDataHelp);
  dpo->add_option("--beta", dop->beta, "strength of the pull towards the reference (KL weight)")->capture_default_str();
  dpo->add_option("--sft-coef", dop->sft_coef,
                  "weight of the chosen answer's NLL per token added to the DPO loss (RPO; 0: plain DPO)")
      ->capture_default_str();
  dpo->add_option("--val-pairs", dop->val_pairs, "validation pairs (0: all)")->capture_default_str();
  add_judge_flags(dpo, dop->judge_prompts, dop->judge_max_tokens);
  dpo->callback([=] {
    check_stage_flags(*dop);
    dop->user_data = weighted_files(*dpo_data);
    DpoResult r = train_dpo(*dop);
    fmt::print("{}\n", json_line(r));
  });
}

void add_ppo_command(CLI::App& train) {
  CLI::App* ppo = train.add_subcommand("ppo", "PPO against the reward model (InstructGPT step 3) -> DIR/ckpt/ppo");
  auto po = std::make_shared<PpoOptions>();
  ppo->add_option("--run", po->run_dir, "run directory")->capture_default_str();
  ppo->add_option("--init", po->init, "policy and reference to start from (default RUN/ckpt/sft)");
  ppo->add_option("--rm", po->rm, "reward model, also the critic's start (default RUN/ckpt/rm)");
  ppo->add_option("--steps", po->steps, "rollout + update rounds")->capture_default_str();
  ppo->add_option("--prompts", po->prompts, "rollouts per step")->capture_default_str();
  ppo->add_option("--max-tokens", po->max_tokens, "longest sampled answer")->capture_default_str();
  ppo->add_option("--seq", po->seq, "longest prompt + answer in tokens")->capture_default_str();
  ppo->add_option("--epochs", po->epochs, "passes over each batch of rollouts")->capture_default_str();
  ppo->add_option("--minibatch", po->minibatch, "rollouts per update")->capture_default_str();
  ppo->add_option("--lr", po->lr, "policy learning rate (default: a thirtieth of the width-derived one)");
  ppo->add_option("--critic-lr", po->critic_lr, "critic learning rate (default: a third of the width-derived one)");
  ppo->add_option("--kl-coef", po->kl_coef, "per-token KL penalty to the reference (beta)")->capture_default_str();
  ppo->add_option("--target-kl", po->target_kl, "adapt --kl-coef towards this KL per answer (0: fixed)")
      ->capture_default_str();
  ppo->add_option("--kl-horizon", po->kl_horizon, "rollouts over which --target-kl's controller acts")
      ->capture_default_str();
  ppo->add_option("--reward-clip", po->reward_clip,
                  "clip of the reward model's score after centring on its batch and scaling by its running std")
      ->capture_default_str();
  ppo->add_option("--gamma", po->gamma, "discount")->capture_default_str();
  ppo->add_option("--lambda", po->lambda, "GAE lambda")->capture_default_str();
  ppo->add_option("--clip", po->clip, "policy ratio clip")->capture_default_str();
  ppo->add_option("--value-clip", po->value_clip, "value clip around the rollout's values")->capture_default_str();
  ppo->add_option("--no-end-penalty", po->no_end_penalty, "reward taken off answers cut off by --max-tokens")
      ->capture_default_str();
  ppo->add_option("--ptx-coef", po->ptx_coef, "PPO-ptx: weight of the pretraining loss mixed into each update")
      ->capture_default_str();
  ppo->add_option("--ptx-data", po->ptx_data,
                  "PPO-ptx's data: the pretraining shards, or chat: SFT's conversations (RUN/data/chat/train.jsonl), "
                  "the skills SFT taught")
      ->capture_default_str();
  ppo->add_option("--max-update-kl", po->max_update_kl, "per-token KL to the rollout policy that ends a step's epochs")
      ->capture_default_str();
  ppo->add_option("--kl-stop", po->kl_stop, "KL to the reference per answer that ends the run")->capture_default_str();
  ppo->add_option("--temperature", po->temperature, "sampling temperature of the rollouts")->capture_default_str();
  ppo->add_option("--save-every", po->save_every, "steps between checkpoints")->capture_default_str();
  ppo->add_option("--judge-every", po->judge_every,
                  "steps between rule-judge checks on val prompts that keep the best policy (-1: at each save; 0: off)")
      ->capture_default_str();
  ppo->add_option("--judge-prompts", po->judge_prompts, "val prompts per judged family")->capture_default_str();
  ppo->add_option("--judge-drop", po->judge_drop, "a check this far below the best judge score counts towards the stop")
      ->capture_default_str();
  ppo->add_option("--judge-patience", po->judge_patience, "that many such checks in a row end the run (0: never)")
      ->capture_default_str();
  ppo->add_flag("--resume", po->resume, "continue RUN/ckpt/ppo");
  ppo->add_option("--stop-at", po->stop_at, "pause: save and stop at this step, as Ctrl-C would (resume later)");
  ppo->add_option("--seed", po->seed, "rollout and minibatch seed")->capture_default_str();
  add_threads_flag(ppo);
  ppo->callback([=] {
    PpoResult r = train_ppo(*po);
    fmt::print("{}\n", json_line(r));
  });
}

void add_bon_command(CLI::App& train) {
  CLI::App* bon = train.add_subcommand(
      "bon", "best-of-n: sample n answers per prompt, keep the reward model's best, fine-tune on them -> DIR/ckpt/bon");
  auto bo = std::make_shared<BonOptions>();
  bo->sft.steps = 100;
  bo->sft.default_lr_divisor = 10;  // at the SFT rate it undoes SFT (docs/quality.md, run g1)
  auto bon_data = std::make_shared<std::vector<std::string>>();
  add_stage_flags(bon, bo->sft, *bon_data, "bon", "sft",
                  "your conversations to mix in (OpenAI fine-tuning JSONL), as FILE or FILE:WEIGHT");
  bon->add_option("--rm", bo->rm, "reward model that picks the best answer (default RUN/ckpt/rm)");
  bon->add_option("--n", bo->n, "answers sampled per prompt")->capture_default_str();
  bon->add_option("--prompts", bo->prompts, "prompts from the preference data")->capture_default_str();
  bon->add_option("--max-tokens", bo->max_tokens, "longest sampled answer")->capture_default_str();
  bon->add_option("--temperature", bo->temperature, "sampling temperature")->capture_default_str();
  bon->add_option("--no-end-penalty", bo->no_end_penalty, "score taken off answers cut off by --max-tokens")
      ->capture_default_str();
  bo->sft.judge_prompts = 32;  // as dpo and ppo
  add_judge_flags(bon, bo->sft.judge_prompts, bo->sft.judge_max_tokens);
  bon->callback([=] {
    check_stage_flags(bo->sft);
    bo->sft.user_data = weighted_files(*bon_data);
    BonResult r = train_bon(*bo);
    fmt::print("{}\n", json_line(r));
  });
}

}  // namespace

void register_train_commands(CLI::App& app) {
  CLI::App* train = app.add_subcommand("train", "training stages; each reads the previous stage's checkpoint");
  train->require_subcommand(1);
  add_pretrain_command(*train);
  add_sft_command(*train);
  add_rm_command(*train);
  add_dpo_command(*train);
  add_ppo_command(*train);
  add_bon_command(*train);
}

}  // namespace own::cli
