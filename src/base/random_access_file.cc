#include "base/random_access_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/path_util.h"

namespace wembed {

StatusOr<std::unique_ptr<RandomAccessFile>> RandomAccessFile::Open(
    const std::string& path, const Env& env) {
  WEMBED_RETURN_IF_ERROR(CheckInputPath(path));
  StatusOr<int> fd = OpenInputFd(path, env);
  if (!fd.ok()) return fd.status();
  struct stat st;
  if (::fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(*fd);
    return Status::IoError(path + ": not a regular file");
  }
  return std::make_unique<RandomAccessFile>(*fd, path, uint64_t(st.st_size),
                                            env);
}

RandomAccessFile::RandomAccessFile(int fd, std::string name, uint64_t size,
                                   const Env& env)
    : fd_(fd), name_(std::move(name)), size_(size), env_(env) {}

RandomAccessFile::~RandomAccessFile() { ::close(fd_); }

Status RandomAccessFile::ReadAt(uint64_t offset, void* buf, size_t n) const {
  char* dst = static_cast<char*>(buf);
  while (n > 0) {
    size_t step = n;
    const int injected = env_.BeforeOp(FileOp::kRead, name_, &step);
    if (step == 0 || step > n) step = n;
    ssize_t r = -1;
    errno = injected;
    if (injected == 0) r = ::pread(fd_, dst, step, off_t(offset));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(name_ + ": read failed: " + ErrnoMessage(errno));
    }
    if (r == 0) {
      return Status::Corruption(name_ + ": unexpected end of file at offset " +
                                std::to_string(offset));
    }
    dst += r;
    offset += uint64_t(r);
    n -= size_t(r);
  }
  return Status::Ok();
}

void RandomAccessFile::Prefetch(uint64_t offset, uint64_t n) const {
  ::posix_fadvise(fd_, off_t(offset), off_t(n), POSIX_FADV_WILLNEED);
}

}  // namespace wembed
