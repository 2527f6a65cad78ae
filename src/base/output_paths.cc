#include "wembed/base/output_paths.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "base/atomic_file_writer.h"
#include "base/path_util.h"

namespace wembed {

namespace {

// What CheckOutputPaths compares: the inode of an existing file, else the
// normalised absolute path where it would be created.
struct FileIdentity {
  bool exists = false;
  bool regular = false;  // existing regular file (devices etc. may be shared)
  dev_t dev = 0;
  ino_t ino = 0;
  std::string path;
};

FileIdentity Identify(const std::string& path) {
  FileIdentity id;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.regular = S_ISREG(st.st_mode);
    id.dev = st.st_dev;
    id.ino = st.st_ino;
  }
  std::string target = path;
  StatusOr<OutputTarget> t = ResolveOutputTarget(path);
  if (t.ok() && t->kind != OutputTarget::Kind::kFd) target = t->path;
  std::error_code ec;
  id.path = std::filesystem::weakly_canonical(target, ec).string();
  if (ec) {
    id.path = std::filesystem::absolute(target, ec).lexically_normal().string();
  }
  return id;
}

bool SameFile(const FileIdentity& a, const FileIdentity& b) {
  if (a.exists && b.exists) {
    return a.regular && b.regular && a.dev == b.dev && a.ino == b.ino;
  }
  return !a.exists && !b.exists && a.path == b.path;
}

}  // namespace

Status CheckOutputPaths(const PathOptions& inputs, const PathOptions& outputs) {
  auto usable = [](const std::string& p) { return !p.empty() && p != "-"; };
  std::vector<FileIdentity> in_ids, out_ids;
  for (const auto& in : inputs) in_ids.push_back(Identify(in.second));
  for (const auto& out : outputs) out_ids.push_back(Identify(out.second));
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& [out_option, out_path] = outputs[i];
    if (!usable(out_path)) continue;
    for (size_t k = 0; k < inputs.size(); ++k) {
      const auto& [in_option, in_path] = inputs[k];
      if (usable(in_path) && SameFile(in_ids[k], out_ids[i])) {
        return Status::InvalidArgument(
            out_option + " " + out_path + " is the same file as " + in_option +
            " " + in_path + "; it would be overwritten");
      }
    }
    for (size_t j = 0; j < i; ++j) {
      if (usable(outputs[j].second) && SameFile(out_ids[j], out_ids[i])) {
        return Status::InvalidArgument(
            out_option + " and " + outputs[j].first + " are the same file (" +
            out_path +
            (out_path == outputs[j].second ? "" : ", " + outputs[j].second) +
            ")");
      }
    }
  }
  return Status::Ok();
}

Status CheckWritable(const std::string& option, const std::string& path) {
  if (path.empty()) return Status::Ok();
  if (path == "-") {
    return Status::InvalidArgument(
        option +
        " -: '-' is not an output name; to write to standard output, use " +
        option + " /dev/stdout");
  }
  StatusOr<OutputTarget> target = ResolveOutputTarget(path);
  if (!target.ok()) {
    return Status(target.status().code(),
                  option + " " + target.status().message());
  }
  const OutputTarget& t = *target;
  switch (t.kind) {
    case OutputTarget::Kind::kFd: {
      const int flags = ::fcntl(t.fd, F_GETFL);
      if (flags < 0) {
        return Status::IoError(option + " " + path + ": descriptor " +
                               std::to_string(t.fd) + " is not open");
      }
      if ((flags & O_ACCMODE) == O_RDONLY) {
        return Status::IoError(option + " " + path + ": descriptor " +
                               std::to_string(t.fd) +
                               " is not open for writing");
      }
      return Status::Ok();
    }
    case OutputTarget::Kind::kStream:
      if (::access(t.path.c_str(), W_OK) != 0) {
        return Status::IoError(option + " " + path +
                               ": cannot write: " + ErrnoMessage(errno));
      }
      return Status::Ok();
    case OutputTarget::Kind::kNew:
    case OutputTarget::Kind::kRegular:
      break;
  }
  // A temp file is created next to the target, then renamed over it.
  const std::string dir = DirName(t.path);
  std::error_code ec;
  const std::string shown = std::filesystem::absolute(t.path, ec)
                                .lexically_normal()
                                .parent_path()
                                .string();
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::IoError(option + " " + path + ": directory " + shown +
                           " does not exist");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return Status::IoError(option + " " + path + ": directory " + shown +
                           " is not writable");
  }
  return Status::Ok();
}

}  // namespace wembed
