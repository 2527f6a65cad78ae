// Helpers shared by the tests: temporary directories and small files, gzip
// data, child processes (the CLI), and small embeddings built in memory.
#ifndef WEMBED_TESTS_TEST_UTIL_H_
#define WEMBED_TESTS_TEST_UTIL_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/matrix.h"
#include "wembed/vectors/embeddings.h"

namespace wembed::testing {

// True in a sanitizer build (-DWEMBED_SANITIZE=..., scripts/sanitize.sh).
// The sanitizers reserve terabytes of address space for their shadow
// memory, so checks under an RLIMIT_AS cap cannot run there.
#ifdef WEMBED_SANITIZED
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

// ------------------------------------------------------------ faults

// Fails (or short-transfers, then fails) the nth call of one kind of system
// call, counting from 0 (nth -1: never fails, only counts). With a path
// filter, only calls on paths containing it count.
class FailOneOp : public FaultInjector {
 public:
  FailOneOp(FileOp op, int nth, int err, bool short_first = false,
            std::string path_filter = "")
      : op_(op),
        nth_(nth),
        err_(err),
        short_first_(short_first),
        filter_(std::move(path_filter)) {}
  int BeforeOp(FileOp op, const std::string& path, size_t* size) override {
    if (op != op_ || path.find(filter_) == std::string::npos) return 0;
    const int index = count_++;
    if (index == nth_ && short_first_ && size != nullptr && *size > 1) {
      *size /= 2;  // this call transfers half, the next one fails
      ++nth_;
      return 0;
    }
    return index == nth_ ? err_ : 0;
  }
  int count() const { return count_; }

 private:
  FileOp op_;
  int nth_;
  int err_;
  bool short_first_;
  std::string filter_;
  int count_ = 0;
};

// ------------------------------------------------------------ files

// A fresh directory under $TMPDIR, removed with its contents on destruction.
// Aborts if the directory cannot be created.
class TempDir {
 public:
  TempDir() {
    std::string templ =
        (std::filesystem::temp_directory_path() / "wembed_test_XXXXXX")
            .string();
    if (::mkdtemp(templ.data()) == nullptr) std::abort();
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  // Names of the entries of the directory (not its subdirectories), sorted.
  std::vector<std::string> List() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::string path_;
};

// Replaces `path` with `data` (bytes as given); a failed write fails the test.
inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

// WriteFile to a new file: `path` is removed first. For tests that rewrite
// one file thousands of times: truncating a file just written makes ext4
// wait for its data to reach the disk (auto_da_alloc), which costs them
// seconds to tens of seconds on a busy disk. Not for a symlink's target.
inline void RewriteFile(const std::string& path, const std::string& data) {
  std::remove(path.c_str());
  WriteFile(path, data);
}

// The bytes of `path`; "" if it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One complete gzip member holding `data`.
inline std::string Gzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(
      deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
      Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = data.size();
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = out.size();
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Number of '\n' in `s`.
inline int CountLines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

// ------------------------------------------------------------ words

// `n` words drawn from `distinct` random words of 1..20 bytes (inline in a
// table entry up to 8, stored elsewhere beyond), the first ones far more
// often (a cube of a uniform draw: Zipf-ish repeats).
inline std::vector<std::string> ZipfishWords(size_t n, uint64_t seed,
                                             size_t distinct) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> pool;
  for (size_t i = 0; i < distinct; ++i) {
    std::string w(1 + rng() % 20, 'a');
    for (char& c : w) c = char('a' + rng() % 26);
    pool.push_back(w);
  }
  std::vector<std::string> words;
  for (size_t i = 0; i < n; ++i) {
    const double u = std::generate_canonical<double, 53>(rng);
    words.push_back(pool[size_t(u * u * u * double(pool.size()))]);
  }
  return words;
}

// ------------------------------------------------------------ processes

// Starts `args` (args[0] is the program path) with stdout and stderr
// redirected to the given files ("" = /dev/null) and stdin from /dev/null;
// `in_child` (if set) runs in the child just before exec (limits, umask).
// Returns the child's pid, or -1.
inline pid_t Spawn(const std::vector<std::string>& args,
                   const std::string& stdout_path = "",
                   const std::string& stderr_path = "",
                   const std::function<void()>& in_child = {}) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  auto redirect = [](const std::string& path, int fd, int flags) {
    const int f =
        ::open(path.empty() ? "/dev/null" : path.c_str(), flags, 0644);
    if (f >= 0) ::dup2(f, fd);
  };
  redirect("", 0, O_RDONLY);
  redirect(stdout_path, 1, O_WRONLY | O_CREAT | O_TRUNC);
  redirect(stderr_path, 2, O_WRONLY | O_CREAT | O_TRUNC);
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  if (in_child) in_child();
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

// Runs `args` to completion, capturing stdout and stderr via two files in
// `dir` that are removed again (the directory is left as it was).
inline CommandResult RunCommand(const std::vector<std::string>& args,
                                const std::string& dir,
                                const std::function<void()>& in_child = {}) {
  const std::string out = dir + "/cmd.stdout", err = dir + "/cmd.stderr";
  CommandResult r;
  r.exit_code = WaitExit(Spawn(args, out, err, in_child));
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

// RunCommand of `/bin/sh -c command`: for command lines with quoting or
// redirections ("... < in.txt"). The exit code is the shell's.
inline CommandResult RunShell(const std::string& command,
                              const std::string& dir) {
  return RunCommand({"/bin/sh", "-c", command}, dir);
}

// ------------------------------------------------------------ vectors

// A matrix holding `rows` (all of the same length).
inline Matrix MakeMatrix(const std::vector<std::vector<float>>& rows) {
  Matrix m(rows.size(), rows.empty() ? 0 : rows[0].size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) m.row(r)[c] = rows[r][c];
  }
  return m;
}

// Embeddings with one (word, vector) per row; at least one row, all vectors
// of the same length.
inline Embeddings MakeEmbeddings(
    const std::vector<std::pair<std::string, std::vector<float>>>& rows) {
  Embeddings e;
  e.vectors = Matrix(rows.size(), rows[0].second.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    e.words.push_back(rows[r].first);
    for (size_t c = 0; c < rows[r].second.size(); ++c) {
      e.vectors.row(r)[c] = rows[r].second[c];
    }
  }
  return e;
}

// `n` rows "w0".."w<n-1>" of `dim` standard-normal values drawn from `rng`,
// row by row.
inline Embeddings RandomEmbeddings(size_t n, size_t dim, std::mt19937* rng) {
  std::normal_distribution<float> normal(0, 1);
  Embeddings e;
  e.vectors = Matrix(n, dim);
  for (size_t r = 0; r < n; ++r) {
    e.words.push_back("w" + std::to_string(r));
    for (size_t c = 0; c < dim; ++c) e.vectors.row(r)[c] = normal(*rng);
  }
  return e;
}

}  // namespace wembed::testing

#endif  // WEMBED_TESTS_TEST_UTIL_H_
