// The generation engine: one scheduler shared by `generate`, `chat`, `serve`, eval and PPO
// rollouts. Continuous batching over a slot-based KV cache (model/kv_cache.h):
//   - submit() queues a request (thread-safe); each step() admits queued requests into free
//     slots, then runs ONE forward over every running sequence's next token plus prefill chunks
//     of newly admitted prompts (at most prefill_chunk tokens of one prompt per step, so a long
//     prompt never stalls the running streams for long), samples, streams and retires.
//   - cancel() (thread-safe) ends a sequence at the next step and frees its slot.
// Context policy: a prompt that leaves no room for one generated token is refused at submit()
// with InputError; otherwise generation ends with finish reason "length" when max_tokens or
// the context is reached. Nothing is truncated silently.
// Events are delivered on the thread that calls step() (the engine thread under serve).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "infer/model.h"
#include "infer/sampler.h"
#include "infer/text_stream.h"
#include "tokenizer/tokenizer.h"

namespace own {

enum class FinishReason { none, stop, length, cancelled };
const char* finish_reason_name(FinishReason r);  // "stop", "length", "cancelled"

struct GeneratedToken {
  int32_t token = 0;
  TokenLogprob chosen;              // when logprobs were asked for
  std::vector<TokenLogprob> top;    // top_logprobs alternatives
};

struct GenerationEvent {
  int64_t id = 0;
  std::string text;                     // new text since the last event: whole UTF-8 characters
  std::vector<GeneratedToken> tokens;   // the token(s) behind it
  bool done = false;
  FinishReason finish = FinishReason::none;
  int64_t prompt_tokens = 0, completion_tokens = 0;
  uint64_t seed = 0;                    // the seed the sampler used
  std::vector<float> embedding;         // embedding requests: (C), unit length, in the done event
};

struct GenerationRequest {
  std::vector<int32_t> prompt;
  SamplingParams sampling;
  int64_t max_tokens = 256;              // clipped to the context left over by the prompt
  std::vector<int32_t> stop_tokens;      // end the answer; never emitted as text
  std::vector<std::string> stop_strings; // likewise, matched across token boundaries
  bool logprobs = false;
  // embed: no generation; the prompt (up to the whole context) is read and the done event
  // carries the mean of its tokens' final-norm hidden states, scaled to unit length
  bool embed = false;
  std::function<void(const GenerationEvent&)> on_event;
};

struct EngineOptions {
  int64_t prefill_chunk = 256;  // prompt tokens of one sequence per step
  uint64_t seed = 0;            // base for requests that bring no seed
};

class Engine {
 public:
  // tokenizer may be null (benchmarks, raw token generation): events then carry no text
  Engine(InferModel& model, const Tokenizer* tokenizer, EngineOptions o = {});
  ~Engine();

  // Thread-safe. Returns the request id; InputError for an empty or too long prompt, token ids
  // outside the vocabulary, or out-of-range sampling values.
  int64_t submit(GenerationRequest r);
  void cancel(int64_t id);  // thread-safe; unknown or finished ids are ignored

  bool step();            // one scheduling iteration; false when there was nothing to do
  void run_until_idle();  // step() until every request has finished
  void start();           // run step() on a background thread until stop()
  void stop();

  int64_t free_slots() const;
  int64_t running() const;
  int64_t queued() const;
  const InferModel& model() const { return model_; }

 private:
  struct Sequence;
  InferModel& model_;
  const Tokenizer* tok_;
  EngineOptions opt_;
  mutable std::mutex mu_;  // guards incoming_, cancels_, next_id_ and the counters below
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Sequence>> incoming_;
  std::vector<int64_t> cancels_;
  int64_t next_id_ = 1;
  int64_t n_running_ = 0, n_queued_ = 0;
  // owned by the stepping thread
  std::deque<std::unique_ptr<Sequence>> waiting_;
  std::vector<std::unique_ptr<Sequence>> slots_;  // (n_slots), null = free
  std::vector<SeqChunk> chunks_;
  std::vector<Sequence*> chunk_seq_;
  std::vector<float> logits_;  // (n_slots, V)
  std::thread thread_;
  bool stop_requested_ = false;

  // the steps of step(), in order
  std::vector<int64_t> take_incoming();
  bool retire_cancelled(const std::vector<int64_t>& cancels);
  void admit_waiting();
  void plan_batch();
  void read_batch();
  void finish_embedding(Sequence& s);
  void next_token(Sequence& s, float* logits);
  void finish(Sequence& s, FinishReason why, GenerationEvent& ev);
  void publish_counts();
};

}  // namespace own
