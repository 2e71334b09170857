// A stage of the speedrun as a child process: this same binary (/proc/self/exe) run with the
// stage's arguments. Its stdout is copied to ours and kept (the stage's result line); its stderr
// passes through. While it runs, Ctrl-C goes to the child only (a training stage saves its
// checkpoint on it) and we wait for it to exit.
#pragma once
#include <string>
#include <vector>

namespace own {

struct ChildResult {
  int status = -1;  // exit code; -1 when killed by a signal
  bool signaled = false;
  std::string out;  // its stdout
};

// Runs `ownchat args...` and waits for it. InputError when it cannot be started.
ChildResult run_self(const std::vector<std::string>& args);

}  // namespace own
