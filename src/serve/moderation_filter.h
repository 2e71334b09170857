// serve --moderate: the moderation applied around the engine, which knows nothing of it.
//   input:  a request whose (last user) text is flagged is refused before it reaches the engine.
//   output: a filter on the engine's event stream; an answer that turns flagged is stopped there:
//           the flagged text is not sent, what the engine still sends for it is dropped, and the
//           choice finishes content_filter.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "infer/engine.h"
#include "moderation/moderator.h"
#include "serve/openai_request.h"
#include "serve/response_writer.h"

namespace own {

// chat: the last user message; completions: any prompt text (token-id prompts are not read)
bool input_flagged(const Moderator& moderator, const ApiRequest& r);

class OutputFilter {
 public:
  // moderator: null passes every event as it is
  OutputFilter(const Moderator* moderator, size_t n_choices);

  // What choice i gains from ev, or nullopt when the event is dropped. `stop` is set when the
  // choice has just turned flagged: its sequence should be cancelled (it ends at the next step).
  std::optional<ChoiceDelta> filter(size_t i, GenerationEvent& ev, bool& stop);

 private:
  const Moderator* moderator_;
  std::vector<std::string> text_;  // what each choice has passed so far
  std::vector<bool> flagged_;
};

}  // namespace own
