// Helpers shared by the tests: temporary directories and small files.
#ifndef WEMBED_TESTS_TEST_UTIL_H_
#define WEMBED_TESTS_TEST_UTIL_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace wembed::testing {

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string templ =
        (std::filesystem::temp_directory_path() / "wembed_test_XXXXXX")
            .string();
    path_ = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Starts `args` (args[0] is the program path) with stdout and stderr
// redirected to the given files ("" = /dev/null) and stdin from /dev/null.
// Returns the child's pid, or -1.
inline pid_t Spawn(const std::vector<std::string>& args,
                   const std::string& stdout_path = "",
                   const std::string& stderr_path = "") {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  auto redirect = [](const std::string& path, int fd, int flags) {
    const int f = ::open(path.empty() ? "/dev/null" : path.c_str(), flags, 0644);
    if (f >= 0) ::dup2(f, fd);
  };
  redirect("", 0, O_RDONLY);
  redirect(stdout_path, 1, O_WRONLY | O_CREAT | O_TRUNC);
  redirect(stderr_path, 2, O_WRONLY | O_CREAT | O_TRUNC);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

// Waits for `pid`; returns its exit code, or 128 + signal if it was killed.
inline int WaitExit(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `args` to completion, capturing stdout and stderr via files in `dir`.
inline CommandResult RunCommand(const std::vector<std::string>& args,
                                const std::string& dir) {
  const std::string out = dir + "/cmd.stdout", err = dir + "/cmd.stderr";
  CommandResult r;
  r.exit_code = WaitExit(Spawn(args, out, err));
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

}  // namespace wembed::testing

#endif  // WEMBED_TESTS_TEST_UTIL_H_
