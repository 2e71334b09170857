// The response to one completion request, chat or legacy, streamed (SSE chunks, then
// "data: [DONE]") or whole (one JSON object at the end), and the refusal that answers a request
// serve's moderation flagged. It turns what each choice gains into the text to send; it does not
// know the engine, the HTTP connection or the moderation (a choice that ends content_filter is
// answered with the refusal, whatever stopped it).
#pragma once
#include <httplib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "infer/engine.h"
#include "serve/openai_request.h"
#include "serve/openai_response.h"
#include "tokenizer/tokenizer.h"

namespace own {

// what --moderate answers instead
inline constexpr const char* kRefusal = "Sorry, I can't help with that.";

// What one choice gained from one engine event, after serve's filters.
struct ChoiceDelta {
  std::string text;
  std::vector<GeneratedToken> tokens;
  bool done = false;
  ApiFinish finish = ApiFinish::none;  // when done
  int64_t completion_tokens = 0;       // so far
};

class CompletionWriter {
 public:
  // echo: completions with echo, each choice's prompt text (else empty); prompt_tokens: usage,
  // each prompt once, whatever n
  CompletionWriter(ResponseHead head, const ApiRequest& r, const Tokenizer& tok, size_t n_choices, int64_t prompt_tokens,
                   std::vector<std::string> echo);

  // the passages a retrieval-grounded answer was given (a JSON array; empty: none): streamed, on
  // the first chunk, before any content; whole, beside "choices"
  void set_citations(nlohmann::json citations) { citations_ = std::move(citations); }
  bool streaming() const { return stream_; }
  const char* content_type() const { return stream_ ? "text/event-stream" : "application/json"; }
  // streamed: the first chunk of each choice, sent at once (chat: the role; legacy echo: the
  // prompt); "" otherwise
  std::string begin() const;
  // choice i gained d; streamed: its chunks, else ""
  std::string add(size_t i, ChoiceDelta&& d);
  bool done() const { return remaining_ == 0; }
  Usage usage() const;
  // after the last choice is done. streamed: the usage chunk (when asked for) and [DONE];
  // whole: the response
  std::string end() const;
  // the refusal as the answer of every choice, without running the model: the whole response,
  // or its every chunk and [DONE]
  std::string refusal();

 private:
  std::string finish_chunk(size_t i, ApiFinish finish) const;

  ResponseHead head_;
  bool chat_, stream_, logprobs_, include_usage_;
  const Tokenizer& tok_;
  std::vector<ChoiceState> choices_;
  std::vector<std::string> echo_;
  int64_t prompt_tokens_ = 0;
  size_t remaining_ = 0;
  nlohmann::json citations_ = nlohmann::json::array();
};

// The refusal of a flagged request as the response (streamed: text/event-stream, no-cache).
void send_refusal(httplib::Response& res, CompletionWriter& w);

}  // namespace own
