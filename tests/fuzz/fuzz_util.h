// Shared by the libFuzzer targets: the "valid object or InputError" contract as one wrapper, and
// a private scratch directory for targets whose entry point reads files (one per process, so
// parallel fuzzers do not collide). Any other exception, or a broken property, aborts: libFuzzer
// then saves the input as a crash.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/check.h"

namespace own::fuzz {

[[noreturn]] inline void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz property broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

#define FUZZ_REQUIRE(cond, detail)                                \
  do {                                                            \
    if (!(cond)) ::own::fuzz::fail(#cond, std::string(detail));   \
  } while (0)

// Runs f(); true when it returned, false when it threw InputError. Anything else aborts.
template <typename F>
bool accepts(F&& f) {
  try {
    f();
    return true;
  } catch (const InputError& e) {
    FUZZ_REQUIRE(e.what()[0] != '\0', "InputError with an empty message");
    return false;
  } catch (const std::exception& e) {
    fail("only InputError may escape a loader", e.what());
  } catch (...) {
    fail("only InputError may escape a loader", "a non-std exception");
  }
}

inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("ownchat-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

inline void write_bytes(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) fail("scratch write", p.string());
}

}  // namespace own::fuzz
