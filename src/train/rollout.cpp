#include "train/rollout.h"

#include <algorithm>
#include <set>

#include "infer/engine.h"
#include "infer/model.h"

namespace own {

std::vector<std::vector<ChatMessage>> unique_prompts(const std::vector<Ranking>& rankings, const Tokenizer& tok,
                                                     int64_t max_prompt_tokens) {
  std::vector<std::vector<ChatMessage>> out;
  std::set<std::string> seen;
  for (const Ranking& r : rankings) {
    if (!seen.insert(prompt_key(r.prompt)).second) continue;
    if (static_cast<int64_t>(render_chat(tok, r.prompt, true).size()) > max_prompt_tokens) continue;
    out.push_back(r.prompt);
  }
  return out;
}

std::vector<Rollout> sample_answers(const Checkpoint& policy, const Tokenizer& tok,
                                    const std::vector<std::vector<ChatMessage>>& prompts, const RolloutOptions& o) {
  std::vector<Rollout> out(prompts.size() * static_cast<size_t>(o.per_prompt));
  if (out.empty()) return out;
  InferOptions io;
  io.n_slots = std::min<int64_t>(o.slots, static_cast<int64_t>(out.size()));
  InferModel model(policy, io);
  Engine engine(model, &tok);
  const int32_t end = tok.special_id("<|end|>");
  const std::vector<int32_t> stops = chat_stop_tokens(tok);
  for (size_t i = 0; i < prompts.size(); i++) {
    const std::vector<int32_t> prompt = render_chat(tok, prompts[i], true);
    for (int64_t k = 0; k < o.per_prompt; k++) {
      const size_t at = i * static_cast<size_t>(o.per_prompt) + static_cast<size_t>(k);
      Rollout& r = out[at];
      r.prompt = i;
      r.row.ids = prompt;
      r.row.answer_start = static_cast<int64_t>(prompt.size());
      GenerationRequest req;
      req.prompt = prompt;
      req.max_tokens = o.max_tokens;
      req.sampling.temperature = o.temperature;
      req.sampling.top_p = o.top_p;
      req.sampling.seed = o.seed * 0x9E3779B97F4A7C15ull + o.first * static_cast<uint64_t>(o.per_prompt) + at;
      req.stop_tokens = stops;
      req.on_event = [&r, end](const GenerationEvent& ev) {
        r.text += ev.text;
        for (const GeneratedToken& t : ev.tokens) r.row.ids.push_back(t.token);
        if (ev.done) r.ended = ev.finish == FinishReason::stop && !ev.tokens.empty() && ev.tokens.back().token == end;
      };
      engine.submit(std::move(req));
    }
  }
  engine.run_until_idle();
  return out;
}

}  // namespace own
