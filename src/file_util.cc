#include "file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>
#include <system_error>
#include <utility>

namespace wembed {

const char* FileOpName(FileOp op) {
  switch (op) {
    case FileOp::kCreate:
      return "create";
    case FileOp::kWrite:
      return "write";
    case FileOp::kFsync:
      return "fsync";
    case FileOp::kClose:
      return "close";
    case FileOp::kRename:
      return "rename";
    case FileOp::kSyncDir:
      return "fsync directory";
  }
  return "?";
}

std::string ErrnoMessage(int err) {
  return std::error_code(err, std::generic_category()).message();
}

std::string DirName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

AtomicFileWriter::AtomicFileWriter(std::string path, FaultInjector* faults)
    : path_(std::move(path)),
      temp_path_(path_ + ".tmp." + std::to_string(::getpid())),
      faults_(faults) {}

AtomicFileWriter::~AtomicFileWriter() { Abandon(); }

int AtomicFileWriter::Inject(FileOp op, size_t* size) {
  return faults_ == nullptr ? 0 : faults_->BeforeOp(op, size);
}

Status AtomicFileWriter::Fail(FileOp op, const std::string& file, int err) {
  error_ = Status::IoError(std::string(FileOpName(op)) + " " + file + ": " +
                           ErrnoMessage(err));
  Abandon();
  return error_;
}

Status AtomicFileWriter::Open() {
  if (!error_.ok()) return error_;
  if (fd_ >= 0 || committed_) {
    return Status::Internal("AtomicFileWriter::Open called twice for " + path_);
  }
  // A symlink is followed: the file it points to is replaced, the link
  // stays. A device, FIFO or socket (/dev/null, /dev/stdout, a pipe) cannot
  // be replaced by rename: it is written directly.
  struct stat st;
  if (::lstat(path_.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char* resolved = ::realpath(path_.c_str(), nullptr);
    if (resolved != nullptr) {
      path_ = resolved;
      std::free(resolved);
      temp_path_ = path_ + ".tmp." + std::to_string(::getpid());
    }
  }
  if (::stat(path_.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Fail(FileOp::kCreate, path_, EISDIR);
    direct_ = !S_ISREG(st.st_mode);
  }
  const std::string& target = direct_ ? path_ : temp_path_;
  if (!direct_) RemoveStaleTempFiles(path_);
  int err = Inject(FileOp::kCreate, nullptr);
  if (err == 0) {
    // O_TRUNC: a temp file of an earlier process that had our pid is stale.
    fd_ = direct_ ? ::open(target.c_str(), O_WRONLY | O_CLOEXEC)
                  : ::open(target.c_str(),
                           O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) err = errno;
  }
  if (err != 0) return Fail(FileOp::kCreate, target, err);
  return Status::Ok();
}

Status AtomicFileWriter::Append(const void* data, size_t size) {
  if (!error_.ok()) return error_;
  if (fd_ < 0) {
    return Status::Internal("AtomicFileWriter::Append without Open for " +
                            path_);
  }
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    size_t n = size;
    int err = Inject(FileOp::kWrite, &n);
    if (n == 0 || n > size) n = size;
    ssize_t written = -1;
    if (err == 0) {
      written = ::write(fd_, p, n);
      if (written < 0) {
        if (errno == EINTR) continue;
        err = errno;
      } else if (written == 0) {
        err = EIO;  // write(2) of a regular file never legitimately returns 0
      }
    }
    if (err != 0) return Fail(FileOp::kWrite, temp_path_, err);
    p += written;
    size -= size_t(written);
    bytes_written_ += uint64_t(written);
  }
  return Status::Ok();
}

Status AtomicFileWriter::Commit() {
  if (!error_.ok()) return error_;
  if (fd_ < 0) {
    return Status::Internal("AtomicFileWriter::Commit without Open for " +
                            path_);
  }
  if (direct_) {  // a device or pipe: nothing to sync or rename
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 && errno != EINTR) {
      return Fail(FileOp::kClose, path_, errno);
    }
    committed_ = true;
    return Status::Ok();
  }
  int err = Inject(FileOp::kFsync, nullptr);
  if (err == 0 && ::fsync(fd_) != 0) err = errno;
  if (err != 0) return Fail(FileOp::kFsync, temp_path_, err);

  err = Inject(FileOp::kClose, nullptr);
  const int fd = fd_;
  fd_ = -1;
  if (err == 0) {
    if (::close(fd) != 0 && errno != EINTR) err = errno;
  } else {
    ::close(fd);
  }
  if (err != 0) return Fail(FileOp::kClose, temp_path_, err);

  err = Inject(FileOp::kRename, nullptr);
  if (err == 0 && ::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    err = errno;
  }
  if (err != 0) return Fail(FileOp::kRename, temp_path_ + " to " + path_, err);
  committed_ = true;

  Status dir_status = SyncDirectory(DirName(path_), faults_);
  if (!dir_status.ok()) {
    error_ = Status::IoError(dir_status.message() + " (" + path_ +
                             " was replaced but may not be durable)");
    return error_;
  }
  return Status::Ok();
}

void AtomicFileWriter::Abandon() {
  if (committed_) return;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (direct_) return;           // never unlink a device or a pipe
  ::unlink(temp_path_.c_str());  // ENOENT when never created: fine
}

Status SyncDirectory(const std::string& dir, FaultInjector* faults) {
  int err = faults == nullptr ? 0 : faults->BeforeOp(FileOp::kSyncDir, nullptr);
  if (err == 0) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      err = errno;
    } else {
      if (::fsync(fd) != 0 && errno != EINVAL) err = errno;
      ::close(fd);
    }
  }
  if (err != 0) {
    return Status::IoError(std::string(FileOpName(FileOp::kSyncDir)) + " " +
                           dir + ": " + ErrnoMessage(err));
  }
  return Status::Ok();
}

int RemoveStaleTempFiles(const std::string& path) {
  const std::string dir = DirName(path);
  const size_t slash = path.find_last_of('/');
  const std::string prefix =
      (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp.";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return 0;
  const pid_t self = ::getpid();
  int removed = 0;
  while (const dirent* entry = ::readdir(d)) {
    const std::string_view name(entry->d_name);
    if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix)
      continue;
    const std::string_view digits = name.substr(prefix.size());
    if (digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos)
      continue;
    const pid_t pid =
        pid_t(std::strtol(std::string(digits).c_str(), nullptr, 10));
    if (pid <= 0 || pid == self) continue;
    // Only a process that certainly does not exist (ESRCH) is stale.
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;
    const std::string full = dir + "/" + std::string(name);
    if (::unlink(full.c_str()) == 0) ++removed;
  }
  ::closedir(d);
  return removed;
}

}  // namespace wembed
