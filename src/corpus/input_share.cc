#include "corpus/input_share.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "base/readable_file.h"

namespace wembed {
namespace {

struct SizedInput {
  std::string path;
  uint64_t size = 0;  // on disk (compressed for gzip)
  bool gzip = false;
};

StatusOr<SizedInput> Describe(const std::string& path, const Env& env) {
  struct stat st;
  if (path == "-" || (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))) {
    return Status::InvalidArgument(
        (path == "-" ? std::string(ReadableFile::kStdinName) : path) +
        ": cannot be shared between MPI ranks (only regular files can; "
        "give files, or run one process)");
  }
  StatusOr<std::unique_ptr<ReadableFile>> file = ReadableFile::Open(path, env);
  if (!file.ok()) return file.status();
  return SizedInput{path, (*file)->size_on_disk(), (*file)->is_gzip()};
}

// The first line start at or after `offset` in the plain file `in`
// (in.size at the end).
StatusOr<uint64_t> LineStartAtOrAfter(const SizedInput& in, uint64_t offset,
                                      const Env& env) {
  if (offset == 0 || offset >= in.size) return std::min(offset, in.size);
  StatusOr<std::unique_ptr<ReadableFile>> file =
      ReadableFile::Open(in.path, env, {.range_begin = offset - 1});
  if (!file.ok()) return file.status();
  char buf[64 << 10];
  uint64_t at = offset - 1;
  while (true) {
    StatusOr<size_t> n = (*file)->Read(buf, sizeof(buf));
    if (!n.ok()) return n.status();
    if (*n == 0) return in.size;
    const void* nl = std::memchr(buf, '\n', *n);
    if (nl != nullptr) {
      return at + uint64_t(static_cast<const char*>(nl) - buf) + 1;
    }
    at += *n;
  }
}

uint64_t Cut(uint64_t total, int index, int count) {
  return uint64_t((unsigned __int128)total * unsigned(index) / unsigned(count));
}

}  // namespace

std::vector<InputPiece> WholeInputs(const std::vector<std::string>& files) {
  std::vector<InputPiece> pieces;
  for (const std::string& f : files) pieces.push_back({f});
  return pieces;
}

StatusOr<std::vector<InputPiece>> PlanInputShare(
    const std::vector<std::string>& files, int index, int count,
    const Env& env) {
  std::vector<SizedInput> inputs;
  uint64_t total = 0;
  for (const std::string& f : files) {
    StatusOr<SizedInput> in = Describe(f, env);
    if (!in.ok()) return in.status();
    total += in->size;
    inputs.push_back(std::move(in).value());
  }
  const uint64_t lo = Cut(total, index, count);
  const uint64_t hi = Cut(total, index + 1, count);
  std::vector<InputPiece> pieces;
  uint64_t start = 0;  // of the current input, end to end
  for (const SizedInput& in : inputs) {
    const uint64_t file_start = start;
    start += in.size;
    if (in.size == 0) continue;
    if (in.gzip) {
      if (file_start >= lo && file_start < hi) pieces.push_back({in.path});
      continue;
    }
    if (hi <= file_start || lo >= start) continue;
    StatusOr<uint64_t> begin =
        LineStartAtOrAfter(in, std::max(lo, file_start) - file_start, env);
    if (!begin.ok()) return begin.status();
    StatusOr<uint64_t> end =
        LineStartAtOrAfter(in, std::min(hi, start) - file_start, env);
    if (!end.ok()) return end.status();
    if (*begin < *end) pieces.push_back({in.path, *begin, *end});
  }
  return pieces;
}

}  // namespace wembed
