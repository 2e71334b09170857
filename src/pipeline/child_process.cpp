#include "pipeline/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/check.h"

extern char** environ;

namespace own {

namespace {

// Reads `fd` to its end, writing every chunk to our stdout as it comes; returns all of it.
std::string tee_to_stdout(int fd) {
  std::string out;
  std::array<char, 1 << 14> buf;
  for (;;) {
    const ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
    std::fwrite(buf.data(), 1, static_cast<size_t>(n), stdout);
    std::fflush(stdout);
  }
  return out;
}

}  // namespace

ChildResult run_self(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string name = "ownchat";
  argv.push_back(name.data());
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) input_error("speedrun: pipe: {}", std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t dflt;
  sigemptyset(&dflt);
  sigaddset(&dflt, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &dflt);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

  struct sigaction ignore {}, old_int {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGINT, &ignore, &old_int);
  std::fflush(stdout);
  pid_t pid = -1;
  const int err = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  ChildResult r;
  if (err != 0) {
    close(fds[0]);
    sigaction(SIGINT, &old_int, nullptr);
    input_error("speedrun: cannot start /proc/self/exe: {}", std::strerror(err));
  }
  r.out = tee_to_stdout(fds[0]);
  close(fds[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  sigaction(SIGINT, &old_int, nullptr);
  r.signaled = WIFSIGNALED(st);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace own
