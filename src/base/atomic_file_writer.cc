#include "base/atomic_file_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "base/gzip_file_writer.h"
#include "base/path_util.h"

namespace wembed {

namespace {

// Longest symlink chain followed (the kernel's limit for a path is 40).
constexpr int kMaxSymlinkHops = 40;

// Descriptor number N of "/dev/fd/N" or "/proc/self/fd/N"; -1 otherwise.
int DescriptorOfPath(const std::string& path) {
  for (const std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix))
      continue;
    const std::string_view digits =
        std::string_view(path).substr(prefix.size());
    if (digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return -1;
    }
    return int(std::strtol(std::string(digits).c_str(), nullptr, 10));
  }
  return -1;
}

// Creates `temp` anew, never through whatever is there: O_EXCL|O_NOFOLLOW.
// A name already there (a stale temp file of an earlier process that had
// our pid, or anything planted) is unlinked, never followed, and creation
// tried once more. The mode is `target`'s if it exists, else 0666 less the
// umask. Returns the descriptor, or -1 with errno set.
int CreateTempFile(const std::string& temp, const std::string& target) {
  constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  struct stat st;
  const bool keep_mode = ::stat(target.c_str(), &st) == 0;
  int fd = ::open(temp.c_str(), kFlags, 0666);
  if (fd < 0 && errno == EEXIST && ::unlink(temp.c_str()) == 0) {
    fd = ::open(temp.c_str(), kFlags, 0666);
  }
  if (fd >= 0 && keep_mode && ::fchmod(fd, st.st_mode & 07777) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    errno = err;
    return -1;
  }
  return fd;
}

}  // namespace

StatusOr<OutputTarget> ResolveOutputTarget(const std::string& path) {
  std::string current = path;
  for (int hop = 0; hop <= kMaxSymlinkHops; ++hop) {
    OutputTarget t;
    // /dev/stdout is a symlink to /proc/self/fd/1, whose own link text
    // ("pipe:[123]", a deleted file...) is not a usable path: stop here.
    t.fd = DescriptorOfPath(current);
    if (t.fd >= 0) {
      t.kind = OutputTarget::Kind::kFd;
      t.path = path;
      return t;
    }
    struct stat st;
    t.path = current;
    if (::lstat(current.c_str(), &st) != 0) return t;  // kNew
    if (S_ISLNK(st.st_mode)) {
      std::string link(size_t(st.st_size > 0 ? st.st_size : 255) + 1, '\0');
      const ssize_t n = ::readlink(current.c_str(), link.data(), link.size());
      if (n < 0 || size_t(n) >= link.size()) {
        return Status::IoError(path + ": cannot read the symlink " + current);
      }
      link.resize(size_t(n));
      // A relative target is relative to the link's directory; ".." is left
      // to the kernel, which resolves it physically.
      current = link[0] == '/' ? link : DirName(current) + "/" + link;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      return Status::IoError(path +
                             (current == path ? "" : " (-> " + current + ")") +
                             ": is a directory");
    }
    t.kind = S_ISREG(st.st_mode) ? OutputTarget::Kind::kRegular
                                 : OutputTarget::Kind::kStream;
    return t;
  }
  return Status::IoError(path + ": too many levels of symbolic links");
}

AtomicFileWriter::AtomicFileWriter(std::string path, const Env& env)
    : path_(std::move(path)), env_(env) {}

AtomicFileWriter::~AtomicFileWriter() { Abandon(); }

int AtomicFileWriter::Inject(FileOp op, size_t* size) {
  return env_.BeforeOp(op, temp_path_, size);
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
  StatusOr<OutputTarget> target = ResolveOutputTarget(path_);
  if (!target.ok()) {
    error_ = target.status();
    return error_;
  }
  target_ = std::move(target).value();
  using Kind = OutputTarget::Kind;
  direct_ = target_.kind == Kind::kStream || target_.kind == Kind::kFd;
  temp_path_ = direct_ ? target_.path
                       : target_.path + ".tmp." + std::to_string(::getpid());
  if (!direct_) RemoveStaleTempFiles(target_.path);
  int err = Inject(FileOp::kCreate, nullptr);
  if (err == 0) {
    if (target_.kind == Kind::kFd) {
      fd_ = ::fcntl(target_.fd, F_DUPFD_CLOEXEC, 0);
    } else if (direct_) {
      fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CLOEXEC);
    } else {
      fd_ = CreateTempFile(temp_path_, target_.path);
    }
    if (fd_ < 0) err = errno;
  }
  if (err != 0) return Fail(FileOp::kCreate, temp_path_, err);
  return Status::Ok();
}

Status AtomicFileWriter::Append(const void* data, size_t size) {
  if (!error_.ok()) return error_;
  if (fd_ < 0) {
    return Status::Internal("AtomicFileWriter::Append without Open for " +
                            path_);
  }
  const int err =
      WriteFully(fd_, data, size, env_, temp_path_, &bytes_written_);
  if (err != 0) return Fail(FileOp::kWrite, temp_path_, err);
  return Status::Ok();
}

Status AtomicFileWriter::Commit() {
  if (!error_.ok()) return error_;
  if (fd_ < 0) {
    return Status::Internal("AtomicFileWriter::Commit without Open for " +
                            path_);
  }
  if (direct_) {  // a device, pipe or descriptor: no sync, no rename
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 && errno != EINTR) {
      return Fail(FileOp::kClose, temp_path_, errno);
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
  const std::string& final_path = target_.path;
  if (err == 0 && ::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
    err = errno;
  }
  if (err != 0) {
    return Fail(FileOp::kRename, temp_path_ + " to " + final_path, err);
  }
  committed_ = true;

  Status dir_status = SyncDirectory(DirName(final_path), env_);
  if (!dir_status.ok()) {
    error_ = Status::IoError(dir_status.message() + " (" + final_path +
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
  // Never unlink a device, a pipe or a descriptor's file; ENOENT when the
  // temp file was never created is fine.
  if (!direct_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Compression CompressionForPath(const std::string& path) {
  const std::string_view suffix = ".gz";
  return path.size() > suffix.size() &&
                 path.compare(path.size() - suffix.size(), suffix.size(),
                              suffix) == 0
             ? Compression::kGzip
             : Compression::kNone;
}

BufferedFileWriter::BufferedFileWriter(std::string path, const Env& env,
                                       size_t flush_bytes,
                                       Compression compression)
    : writer_(std::move(path), env), flush_bytes_(flush_bytes) {
  if (compression == Compression::kGzip) {
    gzip_ = std::make_unique<GzipFileWriter>(&writer_);
  }
  buffer_.reserve(flush_bytes_ + 4096);
}

BufferedFileWriter::~BufferedFileWriter() = default;

Status BufferedFileWriter::Flush() {
  WEMBED_RETURN_IF_ERROR(gzip_ != nullptr
                             ? gzip_->Append(buffer_.data(), buffer_.size())
                             : writer_.Append(buffer_.data(), buffer_.size()));
  buffer_.clear();
  return Status::Ok();
}

Status BufferedFileWriter::Commit() {
  WEMBED_RETURN_IF_ERROR(Flush());
  if (gzip_ != nullptr) WEMBED_RETURN_IF_ERROR(gzip_->Finish());
  return writer_.Commit();
}

Status SyncDirectory(const std::string& dir, const Env& env) {
  int err = env.BeforeOp(FileOp::kSyncDir, dir, nullptr);
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

}  // namespace wembed
