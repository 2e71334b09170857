#include "train/loop.h"

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/dist.h"
#include "core/progress.h"

namespace own {

Trainer::Trainer(Llama& model, const OptimizerConfig& opt, const TrainLoopOptions& o)
    : model_(model), opt_(opt, model.layout.total), o_(o) {
  if (o.grad_accum <= 0) input_error("--grad-accum must be positive, got {}", o.grad_accum);
  if (o.grad_accum % dist::size() != 0)
    input_error("{} micro-batches per step do not split over {} ranks: each rank takes an equal share of every "
                "step; make the micro-batches per step (--grad-accum, or --total-batch-tokens / (batch * seq)) a "
                "multiple of {}",
                o.grad_accum, dist::size(), dist::size());
  if (o.steps < 0) input_error("--steps must be >= 0, got {}", o.steps);
  model_.enable_grads();
  size_t n = static_cast<size_t>(model_.batch() * model_.seq());
  OWN_CHECK(n > 0, "model.reserve(B, T) before creating a Trainer");
  inputs_.resize(n);
  targets_.resize(n);
}

void append_metric(const std::string& path, const std::string& stage, int64_t step, const std::string& name,
                   double value) {
  if (path.empty() || !dist::is_root()) return;  // data-parallel ranks: rank 0 writes
  nlohmann::json j = {{"stage", stage}, {"step", step}, {"name", name}, {"value", value}};
  std::ofstream f(path, std::ios::app);
  if (!f) input_error("{}: cannot open for appending", path);
  f << j.dump() << "\n";
}

void Trainer::log_metric(int64_t step, const std::string& name, double value) {
  append_metric(o_.metrics_path, o_.stage, step, name, value);
}

bool Trainer::resume(BatchSource& train) {
  if (o_.ckpt_dir.empty() || !checkpoint_has_train_state(o_.ckpt_dir)) return false;
  TrainState st = restore_with_optimizer(o_.ckpt_dir, model_, opt_);
  opt_.step = st.step;
  if (st.extra.is_object() && st.extra.contains("total_steps") && st.extra["total_steps"].is_number_integer()) {
    // a time-budgeted run fixed its length; keep the schedule of the interrupted run
    int64_t total = st.extra["total_steps"].get<int64_t>();
    if (o_.time_budget_s > 0 || total < o_.steps) o_.steps = total;
    o_.time_budget_s = 0;
  }
  train.seek(st.data_cursor);
  fmt::print(stderr, "{}: resumed from {} at step {}\n", o_.stage, o_.ckpt_dir, st.step);
  return true;
}

void save_with_optimizer(const std::string& dir, const Llama& model, AdamW& opt, TrainState& st) {
  MomentsLoan loan(opt, st);
  checkpoint_save(dir, model.config, model.layout, model.params.data, &st);
}

TrainState restore_with_optimizer(const std::string& dir, Llama& model, AdamW& opt) {
  Checkpoint ck = checkpoint_load(dir);
  if (ck.layout.total != model.layout.total || ck.config.hidden_size != model.config.hidden_size ||
      ck.config.num_hidden_layers != model.config.num_hidden_layers || ck.config.vocab_size != model.config.vocab_size)
    input_error("{}: checkpoint is of a different model shape than requested; use another --run or matching flags",
                dir);
  std::copy(ck.params.data, ck.params.data + ck.params.size, model.params.data);
  model.config.score_bias = ck.config.score_bias;
  TrainState st;
  checkpoint_load_train_state(dir, model.layout, st);
  opt.m = std::move(st.m);
  opt.v = std::move(st.v);
  return st;
}

void Trainer::save(const BatchSource& train) {
  if (o_.ckpt_dir.empty()) return;
  TrainState st;
  st.step = opt_.step;
  st.data_cursor = train.cursor();
  st.rng_state = o_.seed;
  st.extra = {{"stage", o_.stage}, {"lr", opt_.cfg.lr}, {"total_steps", o_.steps}};
  save_with_optimizer(o_.ckpt_dir, model_, opt_, st);
}

// One step's micro-batches: grads += each one's gradient / grad_accum, and the loss summed.
// Data-parallel, rank r computes micro-batches r, r + K, ... of the step, but every rank reads
// every batch, so the data cursor is the same global position on all ranks (a checkpoint resumes
// on any number of ranks); the gradients and losses are then summed over the ranks, which gives
// each rank the gradient of the whole step, as one process would compute it (up to the order of
// the float sums).
// The sum over the ranks overlaps the last backward pass: each layer's gradients are handed to the
// summing thread (a bucket) as soon as that pass is done with them, and the rest (embeddings, final
// norm, heads) after it.
double Trainer::micro_batches(BatchSource& train, Objective& objective) {
  const int64_t B = model_.batch(), T = model_.seq(), K = dist::size(), A = o_.grad_accum;
  double loss_sum = 0;
  for (int64_t micro = 0; micro < A; micro++) {
    train.next(inputs_.data(), targets_.data(), B, T);
    if (micro % K != dist::rank()) continue;
    if (K > 1 && micro + K >= A)  // this rank's last micro-batch of the step
      model_.on_layer_grads = [&](int64_t begin, int64_t end) { grad_sum_.add(model_.grads.data + begin, end - begin); };
    loss_sum += objective.forward_backward(model_, inputs_.data(), targets_.data(), 1.0f / static_cast<float>(A));
    model_.on_layer_grads = nullptr;
  }
  if (K == 1) return loss_sum;
  const ParamLayout& lay = model_.layout;
  const int64_t layers_begin = lay.layers.empty() ? lay.final_norm : lay.layers.front().attn_norm;
  grad_sum_.add(model_.grads.data, layers_begin);  // the embedding
  grad_sum_.add(model_.grads.data + lay.final_norm, lay.total - lay.final_norm);
  grad_sum_.wait();
  return dist::allreduce_sum(loss_sum);
}

TrainResult Trainer::run(BatchSource& train) {
  LmObjective lm;
  return run(train, lm);
}

TrainResult Trainer::run(BatchSource& train, Objective& objective) {
  TrainResult r;
  r.start_step = opt_.step;
  const int64_t B = model_.batch(), T = model_.seq();
  opt_.cfg.total_steps = opt_.cfg.total_steps > 0 ? opt_.cfg.total_steps : o_.steps;
  Progress progress(o_.stage, o_.steps, "steps", 2.0);
  const double tokens_per_step = static_cast<double>(B * T * o_.grad_accum);
  int64_t last = o_.stop_at > 0 ? std::min(o_.stop_at, o_.steps) : o_.steps;
  double budget_used = 0, first_step_s = 0;
  while (opt_.step < last) {
    auto t0 = std::chrono::steady_clock::now();
    model_.grads.zero();
    const double loss_sum = micro_batches(train, objective);
    const float loss = static_cast<float>(loss_sum / static_cast<double>(o_.grad_accum));
    const int64_t step = opt_.step;
    const float lr = lr_at(opt_.cfg, step);
    float norm = std::isfinite(loss) ? opt_.update(model_) : NAN;
    if (!std::isfinite(norm)) {
      // NaN/inf: skip the update, count it, and move on (the step counter still advances so a
      // poisoned batch cannot stall the run)
      r.skipped_steps++;
      opt_.step++;
      log_metric(step, "skipped_nonfinite", 1);
      fmt::print(stderr, "{}: step {}: non-finite loss or gradient, update skipped\n", o_.stage, step);
    }
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.last_loss = loss;
    budget_used += dt;
    if (opt_.step - r.start_step == 1) first_step_s = dt;  // primitive creation, page faults
    if (o_.time_budget_s > 0 && opt_.step - r.start_step == 11) {
      // fix the run length from the measured step time (steps 2..11); the schedule spans it from now on
      // (data-parallel ranks agree on the slowest rank's figures, so all stop at the same step)
      budget_used = dist::allreduce_max(budget_used);
      double per_step = dist::allreduce_max((budget_used - first_step_s) / 10.0);
      int64_t fit = opt_.step + static_cast<int64_t>((o_.time_budget_s - budget_used) / per_step);
      const int64_t planned = o_.steps;
      o_.steps = std::max(opt_.step, std::min(o_.steps, fit));
      opt_.cfg.total_steps = o_.steps;
      // the warmup keeps its share of the run
      opt_.cfg.warmup_steps = opt_.cfg.warmup_steps * o_.steps / std::max<int64_t>(1, planned);
      last = o_.stop_at > 0 ? std::min(o_.stop_at, o_.steps) : o_.steps;
      o_.time_budget_s = 0;
      fmt::print(stderr, "{}: {:.2f} s/step, time budget fits {} steps\n", o_.stage, per_step, o_.steps);
      progress = Progress(o_.stage, o_.steps, "steps", 2.0);
    }
    if (o_.log_every > 0 && (step % o_.log_every == 0 || opt_.step == o_.steps)) {
      log_metric(step, "loss", loss);
      log_metric(step, "lr", lr);
      log_metric(step, "grad_norm", norm);
      log_metric(step, "tok_per_s", tokens_per_step / dt);
    }
    std::string mfu;
    if (o_.flops_per_token > 0 && o_.peak_gflops > 0)
      mfu = fmt::format(" | MFU {:.1f}%", 100.0 * tokens_per_step / dt * o_.flops_per_token / (o_.peak_gflops * 1e9));
    progress.update(opt_.step, fmt::format("loss {:.4f} | lr {:.2e} | {:.0f} tok/s{}{}{}", loss, lr, tokens_per_step / dt,
                                           mfu, progress_note.empty() ? "" : " | ", progress_note));
    if (hook && hook_every > 0 && (opt_.step % hook_every == 0 || opt_.step == last)) hook(*this, opt_.step);
    if (dist::allreduce_max(o_.stop_flag && *o_.stop_flag ? 1.0 : 0.0) > 0) {  // any rank asked: all stop
      r.interrupted = true;
      fmt::print(stderr, "{}: interrupted at step {}; saving a checkpoint\n", o_.stage, opt_.step);
      break;
    }
    if (o_.save_every > 0 && opt_.step % o_.save_every == 0 && opt_.step < last) save(train);
  }
  save(train);
  r.end_step = opt_.step;
  return r;
}

namespace {
volatile int g_sigint = 0;
void on_sigint(int) { g_sigint = 1; }
}  // namespace

const volatile int* sigint_flag() { return &g_sigint; }

InterruptScope::InterruptScope() {
  g_sigint = 0;
  previous_ = std::signal(SIGINT, on_sigint);
}
InterruptScope::~InterruptScope() { std::signal(SIGINT, previous_); }
bool InterruptScope::raised() const { return g_sigint != 0; }

TrainResult run_interruptible(Trainer& trainer, BatchSource& train, Objective& objective) {
  InterruptScope scope;
  return trainer.run(train, objective);
}

}  // namespace own
