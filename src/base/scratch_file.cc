#include "base/scratch_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/path_util.h"

namespace wembed {
namespace {

// What Env::BeforeOp sees as the path of a scratch file in `dir`.
std::string FaultName(const std::string& dir) { return dir + "/(scratch)"; }

// An unnamed file in `dir`, or -1 with errno set. EOPNOTSUPP (and EISDIR
// or EINVAL from kernels or file systems without O_TMPFILE) mean "try a
// named file".
int OpenUnnamed(const std::string& dir) {
  return ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}

bool UnnamedUnsupported(int err) {
  return err == EOPNOTSUPP || err == EISDIR || err == EINVAL;
}

// A new file "<dir>/.wembed-scratch.XXXXXX"; *path receives its name.
int OpenNamed(const std::string& dir, std::string* path) {
  std::string templ = dir + "/.wembed-scratch.XXXXXX";
  const int fd = ::mkostemp(templ.data(), O_CLOEXEC);
  if (fd >= 0) *path = templ;
  return fd;
}

}  // namespace

std::string DefaultScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? std::string(tmp) : "/tmp";
}

StatusOr<std::unique_ptr<ScratchFile>> ScratchFile::Create(
    const std::string& dir_arg, const Env& env, bool keepable) {
  const std::string dir = dir_arg.empty() ? DefaultScratchDir() : dir_arg;
  int err = env.BeforeOp(FileOp::kCreate, FaultName(dir), nullptr);
  int fd = -1;
  std::string named;
  if (err == 0) {
    fd = OpenUnnamed(dir);
    if (fd < 0 && UnnamedUnsupported(errno)) {
      fd = OpenNamed(dir, &named);
      // Not to be kept: unlink at once, so nothing can be left behind.
      if (fd >= 0 && !keepable) {
        ::unlink(named.c_str());
        named.clear();
      }
    }
    if (fd < 0) err = errno;
  }
  if (err != 0) {
    return Status::IoError("cannot create a temporary file in " + dir + ": " +
                           ErrnoMessage(err));
  }
  return std::unique_ptr<ScratchFile>(new ScratchFile(fd, dir, named, env));
}

ScratchFile::ScratchFile(int fd, std::string dir, std::string named_path,
                         const Env& env)
    : fd_(fd),
      dir_(std::move(dir)),
      named_path_(std::move(named_path)),
      env_(env) {}

ScratchFile::~ScratchFile() {
  ::close(fd_);
  if (!named_path_.empty()) ::unlink(named_path_.c_str());
}

Status ScratchFile::Append(const void* data, size_t n) {
  if (!error_.ok()) return error_;
  const uint64_t before = size_;
  const int err = WriteFully(fd_, data, n, env_, FaultName(dir_), &size_);
  if (err != 0) {
    error_ = Status::IoError("cannot write a temporary file in " + dir_ + ": " +
                             ErrnoMessage(err) + " (after " +
                             std::to_string(before) + " bytes)");
  }
  return error_;
}

StatusOr<std::unique_ptr<RandomAccessFile>> ScratchFile::Reader() const {
  const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    return Status::IoError("cannot reopen a temporary file in " + dir_ + ": " +
                           ErrnoMessage(errno));
  }
  return std::make_unique<RandomAccessFile>(fd, "temporary file in " + dir_,
                                            size_, env_);
}

Status ScratchFile::Keep(const std::string& path) {
  if (!error_.ok()) return error_;
  RemoveStaleTempFiles(path);
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  ::fchmod(fd_, 0644);  // created 0600 while it was private
  int err = env_.BeforeOp(FileOp::kRename, path, nullptr);
  if (err == 0 && named_path_.empty()) {
    // An unnamed file gets a (temporary) name through /proc (see open(2)).
    const std::string self = "/proc/self/fd/" + std::to_string(fd_);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, temp.c_str(),
                 AT_SYMLINK_FOLLOW) != 0) {
      err = errno;
    }
  }
  const std::string& from = named_path_.empty() ? temp : named_path_;
  if (err == 0 && ::rename(from.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    return Status::IoError("cannot keep a temporary file as " + path + ": " +
                           ErrnoMessage(err));
  }
  named_path_.clear();  // named now: the destructor must not remove it
  return Status::Ok();
}

}  // namespace wembed
