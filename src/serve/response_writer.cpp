#include "serve/response_writer.h"

#include <span>
#include <utility>

namespace own {

using nlohmann::json;

namespace {

std::string sse(const json& j) { return "data: " + dump_json(j) + "\n\n"; }

constexpr const char* kDone = "data: [DONE]\n\n";

}  // namespace

CompletionWriter::CompletionWriter(ResponseHead head, const ApiRequest& r, const Tokenizer& tok, size_t n_choices,
                                   int64_t prompt_tokens, std::vector<std::string> echo)
    : head_(std::move(head)),
      chat_(r.chat),
      stream_(r.stream),
      logprobs_(r.logprobs),
      include_usage_(r.include_usage),
      tok_(tok),
      choices_(n_choices),
      echo_(std::move(echo)),
      prompt_tokens_(prompt_tokens),
      remaining_(n_choices) {}

Usage CompletionWriter::usage() const {
  Usage u{prompt_tokens_, 0};
  for (const ChoiceState& c : choices_) u.completion_tokens += c.completion_tokens;
  return u;
}

std::string CompletionWriter::begin() const {
  std::string out;
  if (!stream_) return out;
  for (size_t i = 0; i < choices_.size(); i++) {
    const auto index = static_cast<int64_t>(i);
    if (chat_) {
      json chunk = chat_chunk_json(head_, index, {{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}, nullptr,
                                   ApiFinish::none);
      if (i == 0 && !citations_.empty()) chunk["citations"] = citations_;
      out += sse(chunk);
    } else if (!echo_.empty())  // legacy echo: the prompt comes first
      out += sse(text_chunk_json(head_, index, echo_[i], nullptr, ApiFinish::none));
  }
  return out;
}

std::string CompletionWriter::finish_chunk(size_t i, ApiFinish finish) const {
  const auto index = static_cast<int64_t>(i);
  return sse(chat_ ? chat_chunk_json(head_, index, json::object(), nullptr, finish)
                   : text_chunk_json(head_, index, "", nullptr, finish));
}

std::string CompletionWriter::add(size_t i, ChoiceDelta&& d) {
  ChoiceState& c = choices_[i];
  std::string out;
  if (stream_ && (!d.text.empty() || (logprobs_ && !d.tokens.empty()))) {
    const std::span<const GeneratedToken> toks(d.tokens);
    const auto index = static_cast<int64_t>(i);
    if (chat_)
      out += sse(chat_chunk_json(head_, index, {{"content", d.text}}, logprobs_ ? chat_logprobs_json(tok_, toks) : json(nullptr),
                                 ApiFinish::none));
    else
      out += sse(text_chunk_json(head_, index, d.text, logprobs_ ? completion_logprobs_json(tok_, toks, 0) : json(nullptr),
                                 ApiFinish::none));
  }
  c.text += d.text;
  c.completion_tokens = d.completion_tokens;
  if (logprobs_) c.tokens.insert(c.tokens.end(), std::make_move_iterator(d.tokens.begin()), std::make_move_iterator(d.tokens.end()));
  if (d.done) {
    c.done = true;
    c.finish = d.finish;
    if (d.finish == ApiFinish::content_filter) c.refusal = kRefusal;
    remaining_--;
    if (stream_) out += finish_chunk(i, d.finish);
  }
  return out;
}

std::string CompletionWriter::end() const {
  const Usage u = usage();
  if (!stream_) {
    json body = chat_ ? chat_completion_json(head_, choices_, u, logprobs_, tok_)
                      : text_completion_json(head_, choices_, echo_, u, logprobs_, tok_);
    if (!citations_.empty()) body["citations"] = citations_;
    return dump_json(body);
  }
  std::string out;
  if (include_usage_) out += sse(usage_chunk_json(head_, chat_, u));
  return out + kDone;
}

std::string CompletionWriter::refusal() {
  choices_.assign(choices_.size(), ChoiceState{});
  for (ChoiceState& c : choices_) c.text = c.refusal = kRefusal, c.finish = ApiFinish::content_filter;
  remaining_ = 0;
  const Usage u = usage();
  if (!stream_) {
    const std::vector<std::string> no_echo;
    return dump_json(chat_ ? chat_completion_json(head_, choices_, u, false, tok_)
                           : text_completion_json(head_, choices_, no_echo, u, false, tok_));
  }
  std::string out;
  for (size_t i = 0; i < choices_.size(); i++) {
    const auto index = static_cast<int64_t>(i);
    if (chat_) {
      out += sse(chat_chunk_json(head_, index, {{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}, nullptr,
                                 ApiFinish::none));
      out += sse(chat_chunk_json(head_, index, {{"content", kRefusal}, {"refusal", kRefusal}}, nullptr, ApiFinish::none));
      out += finish_chunk(i, ApiFinish::content_filter);
    } else {
      out += sse(text_chunk_json(head_, index, kRefusal, nullptr, ApiFinish::content_filter));
    }
  }
  if (include_usage_) out += sse(usage_chunk_json(head_, chat_, u));
  return out + kDone;
}

void send_refusal(httplib::Response& res, CompletionWriter& w) {
  if (!w.streaming()) {
    res.status = 200;
    res.set_content(w.refusal(), "application/json");
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_content(w.refusal(), "text/event-stream");
}

}  // namespace own
