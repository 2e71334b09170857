// Two kinds of error (STYLE.md §8).
// - OWN_CHECK: a broken invariant, i.e. a bug in ownchat. Prints file:line and aborts.
// - InputError: bad input from a file, flag or request. Thrown with a message that names the
//   file/line/field, expected vs got; caught at the command or request boundary, never aborts.
#pragma once
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace own {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename... Args>
[[noreturn]] void input_error(fmt::format_string<Args...> f, Args&&... args) {
  throw InputError(fmt::format(f, std::forward<Args>(args)...));
}

[[noreturn]] inline void check_failed(const char* file, int line, const char* cond, const std::string& msg) {
  std::fprintf(stderr, "ownchat: internal error at %s:%d: check `%s` failed: %s\n", file, line, cond, msg.c_str());
  std::abort();
}

}  // namespace own

#define OWN_CHECK(cond, ...)                                                          \
  do {                                                                                \
    if (!(cond)) ::own::check_failed(__FILE__, __LINE__, #cond, fmt::format(__VA_ARGS__)); \
  } while (0)
