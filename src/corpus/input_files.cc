#include "wembed/corpus/input_files.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <utility>

#include "base/buffered_reader.h"
#include "base/path_util.h"

namespace wembed {
namespace {

// Walks directories and lists, collecting files in order.
class Expander {
 public:
  explicit Expander(const Env& env) : env_(env) {}

  Status Add(const std::string& input) {
    if (IsInputList(input)) return AddList(input.substr(1));
    return AddPath(input, /*top_level=*/true);
  }
  std::vector<std::string> Release() { return std::move(files_); }

 private:
  // A path given by the user or a list: anything but a directory stands for
  // itself (a missing file or a FIFO is the reader's business).
  Status AddPath(const std::string& path, bool top_level) {
    struct stat st;
    if (path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      const size_t before = files_.size();
      walked_.clear();  // the same directory given twice is read twice
      WEMBED_RETURN_IF_ERROR(Walk(path, st));
      if (files_.size() == before) {
        return Status::IoError(path + ": no files in this directory");
      }
      return Status::Ok();
    }
    if (top_level || path == "-") {
      WEMBED_RETURN_IF_ERROR(CheckInputPath(path));
    }
    files_.push_back(path);
    return Status::Ok();
  }

  Status Walk(const std::string& dir, const struct stat& dir_stat) {
    if (!walked_.insert({dir_stat.st_dev, dir_stat.st_ino}).second) {
      return Status::Ok();  // reached again through a symlink
    }
    StatusOr<std::vector<std::string>> names = ListDirectory(dir);
    if (!names.ok()) return names.status();
    for (const std::string& name : *names) {
      const std::string path = dir + (dir.back() == '/' ? "" : "/") + name;
      struct stat st;
      if (::stat(path.c_str(), &st) != 0) continue;  // a dangling symlink
      if (S_ISDIR(st.st_mode)) {
        WEMBED_RETURN_IF_ERROR(Walk(path, st));
      } else if (S_ISREG(st.st_mode)) {
        files_.push_back(path);
      }
    }
    return Status::Ok();
  }

  // The names in `dir` not starting with '.', in byte order.
  static StatusOr<std::vector<std::string>> ListDirectory(
      const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      return Status::IoError(
          dir + ": cannot read the directory: " + ErrnoMessage(errno));
    }
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status AddList(const std::string& list) {
    const std::string base = DirName(list);
    const size_t before = files_.size();
    WEMBED_RETURN_IF_ERROR(
        ForEachLine(list, env_, [&](std::string_view line, uint64_t) -> Status {
          if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
          if (line.empty() || line[0] == '#') return Status::Ok();
          std::string path(line);
          if (path[0] != '/' && base != ".") path = base + "/" + path;
          return AddPath(path, /*top_level=*/true);
        }));
    if (files_.size() == before) {
      return Status::InvalidArgument(list + ": the list names no files");
    }
    return Status::Ok();
  }

  const Env& env_;
  std::vector<std::string> files_;
  std::set<std::pair<dev_t, ino_t>> walked_;
};

}  // namespace

StatusOr<std::vector<std::string>> ExpandInputs(
    const std::vector<std::string>& inputs, const Env& env) {
  Expander expander(env);
  for (const std::string& input : inputs) {
    WEMBED_RETURN_IF_ERROR(expander.Add(input));
  }
  return expander.Release();
}

}  // namespace wembed
