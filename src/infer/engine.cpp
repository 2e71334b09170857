#include "infer/engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/check.h"

namespace own {

const char* finish_reason_name(FinishReason r) {
  switch (r) {
    case FinishReason::stop: return "stop";
    case FinishReason::length: return "length";
    case FinishReason::cancelled: return "cancelled";
    case FinishReason::none: break;
  }
  return "none";
}

struct Engine::Sequence {
  int64_t id = 0;
  GenerationRequest req;
  Sampler sampler;
  TextStream stream;
  std::vector<int32_t> tokens;  // prompt + generated
  int64_t n_prompt = 0, n_cached = 0, n_generated = 0, max_new = 0;
  int64_t slot = -1;
  uint64_t seed = 0;
  bool cancelled = false;
  std::vector<float> pooled;  // embed requests: (C) sum of hidden states

  Sequence(int64_t id_, GenerationRequest r, int64_t V, uint64_t seed_)
      : id(id_),
        req(std::move(r)),
        sampler(with_seed(req.sampling, seed_), V, req.prompt),
        stream(req.stop_strings),
        tokens(req.prompt),
        n_prompt(static_cast<int64_t>(req.prompt.size())),
        seed(seed_) {}
  static SamplingParams with_seed(SamplingParams p, uint64_t seed) {
    p.seed = seed;
    return p;
  }
  GenerationEvent event() const {  // an event of this sequence, before its text and tokens
    GenerationEvent ev;
    ev.id = id;
    ev.prompt_tokens = n_prompt;
    ev.completion_tokens = n_generated;
    ev.seed = seed;
    return ev;
  }
};

Engine::Engine(InferModel& model, const Tokenizer* tokenizer, EngineOptions o)
    : model_(model), tok_(tokenizer), opt_(o) {
  if (opt_.prefill_chunk < 1) input_error("prefill chunk must be positive (got {})", opt_.prefill_chunk);
  slots_.resize(static_cast<size_t>(model_.n_slots()));
  logits_.resize(static_cast<size_t>(model_.n_slots() * model_.config().vocab_size));
}

Engine::~Engine() { stop(); }

int64_t Engine::submit(GenerationRequest r) {
  const int64_t V = model_.config().vocab_size, ctx = model_.context();
  const int64_t n = static_cast<int64_t>(r.prompt.size());
  if (n == 0) input_error("the prompt is empty (it needs at least one token)");
  if (r.embed ? n > ctx : n >= ctx)
    input_error("the prompt has {} tokens but the context holds {}{}", n, ctx,
                r.embed ? "" : " (prompt + at least one generated token)");
  for (int64_t i = 0; i < n; i++)
    if (r.prompt[i] < 0 || r.prompt[i] >= V)
      input_error("prompt token {} at position {} is outside the vocabulary [0, {})", r.prompt[i], i, V);
  for (int32_t t : r.stop_tokens)
    if (t < 0 || t >= V) input_error("stop token {} is outside the vocabulary [0, {})", t, V);
  if (r.max_tokens < 1 && !r.embed) input_error("max_tokens must be >= 1 (got {})", r.max_tokens);  // sampling: the Sampler checks
  int64_t id;
  {
    std::lock_guard lk(mu_);
    id = next_id_++;
  }
  const uint64_t seed = r.sampling.seed ? *r.sampling.seed : Rng(opt_.seed ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(id))).next_u64();
  auto s = std::make_unique<Sequence>(id, std::move(r), V, seed);
  s->max_new = std::min(s->req.max_tokens, ctx - n);
  if (s->req.embed) s->pooled.assign(static_cast<size_t>(model_.config().hidden_size), 0.0f);
  {
    std::lock_guard lk(mu_);
    incoming_.push_back(std::move(s));
    n_queued_++;
  }
  cv_.notify_one();
  return id;
}

void Engine::cancel(int64_t id) {
  {
    std::lock_guard lk(mu_);
    cancels_.push_back(id);
  }
  cv_.notify_one();
}

void Engine::finish(Sequence& s, FinishReason why, GenerationEvent& ev) {
  std::string tail;
  s.stream.flush(tail);
  ev.text += tail;
  ev.done = true;
  ev.finish = why;
  if (s.req.on_event) s.req.on_event(ev);
}

bool Engine::step() {
  const std::vector<int64_t> cancels = take_incoming();
  const bool did = retire_cancelled(cancels);
  admit_waiting();
  plan_batch();
  if (chunks_.empty()) {
    publish_counts();
    return did;
  }
  model_.forward(chunks_, logits_.data());
  read_batch();
  publish_counts();
  return true;
}

// submitted requests join waiting_; returns the cancellations asked for since the last step
std::vector<int64_t> Engine::take_incoming() {
  std::vector<int64_t> cancels;
  std::lock_guard lk(mu_);
  while (!incoming_.empty()) {
    waiting_.push_back(std::move(incoming_.front()));
    incoming_.pop_front();
  }
  cancels.swap(cancels_);
  return cancels;
}

// cancellations: running sequences free their slot now; queued ones never start
bool Engine::retire_cancelled(const std::vector<int64_t>& cancels) {
  bool did = false;
  for (int64_t id : cancels) {
    for (auto& s : slots_)
      if (s && s->id == id) s->cancelled = true;
    for (auto& s : waiting_)
      if (s->id == id) s->cancelled = true;
  }
  for (auto& s : slots_)
    if (s && s->cancelled) {
      GenerationEvent ev = s->event();
      finish(*s, FinishReason::cancelled, ev);
      s.reset();
      did = true;
    }
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if ((*it)->cancelled) {
      GenerationEvent ev = (*it)->event();
      finish(**it, FinishReason::cancelled, ev);
      it = waiting_.erase(it);
      did = true;
    } else {
      ++it;
    }
  }
  return did;
}

// admission, first come first served
void Engine::admit_waiting() {
  for (size_t i = 0; i < slots_.size() && !waiting_.empty(); i++)
    if (!slots_[i]) {
      slots_[i] = std::move(waiting_.front());
      waiting_.pop_front();
      slots_[i]->slot = static_cast<int64_t>(i);
    }
}

// one batch: every decoding sequence's next token, then prefill chunks while the rows last
void Engine::plan_batch() {
  chunks_.clear();
  chunk_seq_.clear();
  int64_t budget = model_.max_batch_rows();
  for (auto& s : slots_)
    if (s && s->n_generated > 0 && budget > 0) {
      chunks_.push_back({s->slot, s->n_cached, std::span<const int32_t>(&s->tokens.back(), 1), true});
      chunk_seq_.push_back(s.get());
      budget--;
    }
  for (auto& s : slots_)
    if (s && s->n_cached < s->n_prompt && budget > 0) {
      const int64_t take = std::min({s->n_prompt - s->n_cached, opt_.prefill_chunk, budget});
      const bool last = s->n_cached + take == s->n_prompt;
      chunks_.push_back({s->slot, s->n_cached,
                         std::span<const int32_t>(s->tokens.data() + s->n_cached, static_cast<size_t>(take)),
                         last && !s->req.embed, s->req.embed ? s->pooled.data() : nullptr});
      chunk_seq_.push_back(s.get());
      budget -= take;
    }
}

// after the forward: finished embeddings retire; each chunk that asked for logits samples a token
void Engine::read_batch() {
  const int64_t V = model_.config().vocab_size;
  int64_t row = 0;
  for (size_t i = 0; i < chunks_.size(); i++) {
    Sequence& s = *chunk_seq_[i];
    s.n_cached += static_cast<int64_t>(chunks_[i].tokens.size());
    if (s.req.embed && s.n_cached == s.n_prompt) {
      finish_embedding(s);
      continue;
    }
    if (!chunks_[i].want_logits) continue;
    next_token(s, logits_.data() + row * V);
    row++;
  }
}

void Engine::finish_embedding(Sequence& s) {
  GenerationEvent ev = s.event();
  double norm2 = 0;
  for (float v : s.pooled) norm2 += static_cast<double>(v) * v;
  const float scale = norm2 > 0 ? static_cast<float>(1.0 / std::sqrt(norm2)) : 0.0f;  // mean, then unit length
  ev.embedding = std::move(s.pooled);
  for (float& v : ev.embedding) v *= scale;
  finish(s, FinishReason::stop, ev);
  slots_[s.slot].reset();
}

// samples s's next token from its logits (V), streams its text, and retires s when it is done
void Engine::next_token(Sequence& s, float* logits) {
  GeneratedToken gt;
  const int32_t tok = s.sampler.sample(logits, s.req.logprobs, &gt.chosen, &gt.top);
  gt.token = tok;
  s.sampler.accept(tok);
  s.tokens.push_back(tok);
  s.n_generated++;
  GenerationEvent ev = s.event();
  ev.tokens.push_back(std::move(gt));
  FinishReason why = FinishReason::none;
  if (std::find(s.req.stop_tokens.begin(), s.req.stop_tokens.end(), tok) != s.req.stop_tokens.end()) {
    why = FinishReason::stop;
  } else {
    // special tokens (reserved ones, a stray <|pad|>) carry no text, as with skip_special_tokens
    const bool has_text = tok_ && tok < tok_->vocab_size() && tok_->is_valid(tok) && !tok_->is_special(tok);
    if (s.stream.push(has_text ? tok_->token_bytes(tok) : std::string_view(), ev.text)) why = FinishReason::stop;
    else if (s.n_generated >= s.max_new) why = FinishReason::length;
  }
  if (why == FinishReason::none) {
    if (s.req.on_event) s.req.on_event(ev);
  } else {
    finish(s, why, ev);
    slots_[s.slot].reset();
  }
}

void Engine::publish_counts() {
  int64_t running = 0;
  for (auto& s : slots_) running += s != nullptr;
  std::lock_guard lk(mu_);
  n_running_ = running;
  n_queued_ = static_cast<int64_t>(waiting_.size() + incoming_.size());
}

void Engine::run_until_idle() {
  while (step()) {
  }
}

void Engine::start() {
  OWN_CHECK(!thread_.joinable(), "engine already started");
  stop_requested_ = false;
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock lk(mu_);
        cv_.wait(lk, [&] { return stop_requested_ || !incoming_.empty() || !cancels_.empty() || n_running_ > 0 || n_queued_ > 0; });
        if (stop_requested_) return;
      }
      step();
    }
  });
}

void Engine::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lk(mu_);
    stop_requested_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

int64_t Engine::free_slots() const {
  std::lock_guard lk(mu_);
  return model_.n_slots() - n_running_;
}
int64_t Engine::running() const {
  std::lock_guard lk(mu_);
  return n_running_;
}
int64_t Engine::queued() const {
  std::lock_guard lk(mu_);
  return n_queued_;
}

}  // namespace own
