#include "base/path_util.h"

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

namespace wembed {

std::string ErrnoMessage(int err) {
  return std::error_code(err, std::generic_category()).message();
}

Status InputOpenError(const std::string& path, int err) {
  if (err == ENOENT) return Status::NotFound(path + ": no such file");
  if (err == EISDIR) return Status::IoError(path + ": is a directory");
  return Status::IoError(path + ": cannot open: " + ErrnoMessage(err));
}

Status CheckInputPath(const std::string& path) {
  if (path == "-") return Status::Ok();
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return InputOpenError(path, errno);
  if (S_ISDIR(st.st_mode)) return InputOpenError(path, EISDIR);
  return Status::Ok();
}

std::string DirName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

StatusOr<int> OpenInputFd(const std::string& path, const Env& env) {
  int err = env.BeforeOp(FileOp::kOpen, path, nullptr);
  int fd = -1;
  if (err == 0) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) err = errno;
  }
  if (err != 0) return InputOpenError(path, err);
  return fd;
}

int WriteFully(int fd, const void* data, size_t size, const Env& env,
               const std::string& name, uint64_t* written) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    size_t n = size;
    int err = env.BeforeOp(FileOp::kWrite, name, &n);
    if (n == 0 || n > size) n = size;
    ssize_t w = -1;
    if (err == 0) {
      w = ::write(fd, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        err = errno;
      } else if (w == 0) {
        err = EIO;  // write(2) of a regular file never legitimately returns 0
      }
    }
    if (err != 0) return err;
    p += w;
    size -= size_t(w);
    *written += uint64_t(w);
  }
  return 0;
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
