#include "eval/answers.h"

#include <algorithm>

#include "infer/engine.h"
#include "infer/model.h"

namespace own {

std::vector<Answer> generate_answers(const Checkpoint& ck, const Tokenizer& tok,
                                     const std::vector<std::vector<ChatMessage>>& prompts, int64_t max_tokens) {
  InferOptions io;
  io.n_slots = 16;
  io.context = std::min<int64_t>(ck.config.max_position_embeddings, 512);
  InferModel model(ck, io);
  Engine engine(model, &tok);
  const int32_t end = tok.special_id("<|end|>");
  std::vector<Answer> out(prompts.size());
  for (size_t i = 0; i < prompts.size(); i++) {
    GenerationRequest r;
    r.prompt = render_chat(tok, prompts[i], true);
    r.max_tokens = max_tokens;
    r.sampling.temperature = 0.0f;
    r.stop_tokens = chat_stop_tokens(tok);
    r.on_event = [&out, i, end](const GenerationEvent& ev) {
      out[i].text += ev.text;
      if (ev.done && !ev.tokens.empty()) out[i].ended = ev.tokens.back().token == end && ev.finish == FinishReason::stop;
    };
    engine.submit(std::move(r));
  }
  engine.run_until_idle();
  return out;
}

}  // namespace own
