#include "serve/moderation_filter.h"

#include <utility>

namespace own {

bool input_flagged(const Moderator& moderator, const ApiRequest& r) {
  if (r.chat) {
    for (auto it = r.messages.rbegin(); it != r.messages.rend(); ++it)
      if (it->role == "user") return moderator.classify(it->content).flagged;
    return false;
  }
  bool flagged = false;
  for (const std::string& t : r.prompt_texts) flagged |= moderator.classify(t).flagged;
  return flagged;
}

OutputFilter::OutputFilter(const Moderator* moderator, size_t n_choices)
    : moderator_(moderator), text_(moderator ? n_choices : 0), flagged_(n_choices, false) {}

std::optional<ChoiceDelta> OutputFilter::filter(size_t i, GenerationEvent& ev, bool& stop) {
  stop = false;
  if (flagged_[i]) {  // stopped by moderation: whatever came after is dropped
    if (!ev.done) return std::nullopt;
    ev.text.clear();
    ev.tokens.clear();
  }
  if (moderator_ && !flagged_[i] && !ev.text.empty() && moderator_->classify(text_[i] + ev.text).flagged) {
    flagged_[i] = true;  // the flagged text is not sent; the sequence ends at the next step
    stop = true;
    ev.text.clear();
    ev.tokens.clear();
    if (!ev.done) return std::nullopt;
  }
  if (moderator_) text_[i] += ev.text;
  ChoiceDelta d{std::move(ev.text), std::move(ev.tokens), ev.done, api_finish(ev.finish), ev.completion_tokens};
  if (ev.done && flagged_[i]) d.finish = ApiFinish::content_filter;
  return d;
}

}  // namespace own
