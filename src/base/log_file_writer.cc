#include "base/log_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "base/atomic_file_writer.h"
#include "base/path_util.h"

namespace wembed {

LogFileWriter::LogFileWriter(std::string path, const Env& env)
    : path_(std::move(path)), env_(env) {}

LogFileWriter::~LogFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status LogFileWriter::Fail(FileOp op, int err) {
  error_ = Status::IoError(std::string(FileOpName(op)) + " " + path_ + ": " +
                           ErrnoMessage(err));
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  return error_;
}

Status LogFileWriter::Open(bool append) {
  if (!error_.ok()) return error_;
  StatusOr<OutputTarget> target = ResolveOutputTarget(path_);
  if (!target.ok()) return error_ = target.status();
  int err = env_.BeforeOp(FileOp::kCreate, path_, nullptr);
  if (err == 0) {
    if (target->kind == OutputTarget::Kind::kFd) {
      fd_ = ::fcntl(target->fd, F_DUPFD_CLOEXEC, 0);
    } else {
      const int mode = append ? O_APPEND : O_TRUNC;
      fd_ = ::open(target->path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | mode,
                   0644);
    }
    if (fd_ < 0) err = errno;
  }
  return err != 0 ? Fail(FileOp::kCreate, err) : Status::Ok();
}

Status LogFileWriter::AppendLine(std::string_view line) {
  if (!error_.ok()) return error_;
  if (fd_ < 0) return Status::Internal("LogFileWriter: " + path_ + " not open");
  std::string data(line);
  data += '\n';
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    size_t n = left;
    int err = env_.BeforeOp(FileOp::kWrite, path_, &n);
    if (n == 0 || n > left) n = left;
    ssize_t written = -1;
    if (err == 0) {
      written = ::write(fd_, p, n);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) err = written < 0 ? errno : EIO;
    }
    if (err != 0) return Fail(FileOp::kWrite, err);
    p += written;
    left -= size_t(written);
  }
  return Status::Ok();
}

Status LogFileWriter::Close() {
  if (!error_.ok()) return error_;
  if (fd_ < 0) return Status::Ok();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && errno != EINTR) return Fail(FileOp::kClose, errno);
  return Status::Ok();
}

}  // namespace wembed
