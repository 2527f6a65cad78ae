// LogFileWriter: a file that grows line by line while a run goes on (the
// training log of `wembed train --log-json`), so that it can be followed
// with `tail -f` and keeps every line written before a crash. Unlike
// AtomicFileWriter it writes in place: each line is one write(2) to the
// file itself. Every system call goes through the Env.
#ifndef WEMBED_SRC_BASE_LOG_FILE_WRITER_H_
#define WEMBED_SRC_BASE_LOG_FILE_WRITER_H_

#include <string>
#include <string_view>

#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

// Not thread-safe.
class LogFileWriter {
 public:
  // `env` must outlive the writer.
  explicit LogFileWriter(std::string path, const Env& env = Env::Default());
  ~LogFileWriter();
  LogFileWriter(const LogFileWriter&) = delete;
  LogFileWriter& operator=(const LogFileWriter&) = delete;

  // Opens the file the way outputs are resolved (symlinks followed,
  // /dev/stdout through its descriptor): truncated, or with `append` kept
  // and written at its end. Errors name the file.
  Status Open(bool append);
  // Writes `line` and a '\n' at once (one write(2) unless it comes short).
  // After an error every later call returns it again.
  Status AppendLine(std::string_view line);
  Status Close();
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  Status Fail(FileOp op, int err);

  std::string path_;
  const Env& env_;
  int fd_ = -1;
  Status error_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_LOG_FILE_WRITER_H_
