// The engine sequences of one API request (n choices, possibly several prompts): fed by the
// engine thread through each sequence's on_event, drained by the HTTP thread that writes the
// response. The one place the two threads meet for a request.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

#include "infer/engine.h"

namespace own {

struct InFlight {
  using Events = std::deque<std::pair<size_t, GenerationEvent>>;  // (choice, event)

  std::mutex mu;
  std::condition_variable cv;
  Events events;
  std::vector<int64_t> ids;  // the engine's id of each choice's sequence
  Engine* engine = nullptr;

  void push(size_t choice, const GenerationEvent& ev) {
    {
      std::lock_guard lk(mu);
      events.emplace_back(choice, ev);
    }
    cv.notify_one();
  }
  // what has arrived, after waiting at most `wait` for something
  Events take(std::chrono::milliseconds wait) {
    Events out;
    std::unique_lock lk(mu);
    cv.wait_for(lk, wait, [&] { return !events.empty(); });
    out.swap(events);
    return out;
  }
  void cancel() {  // finished ids are ignored
    for (int64_t id : ids) engine->cancel(id);
  }
};

}  // namespace own
