// BufferedReader: a growable window over a ReadableFile for the parsers of
// line-based and binary formats (vectors, vocabularies, questions, pairs,
// checkpoints): look ahead (Fill), parse in place (data), move on
// (Consume), read whole lines with a length limit. Not thread-safe.
#ifndef WEMBED_SRC_BASE_BUFFERED_READER_H_
#define WEMBED_SRC_BASE_BUFFERED_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/readable_file.h"
#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

// Longest line the line-based readers accept by default: a longer one is an
// error rather than unbounded memory.
inline constexpr size_t kMaxLineBytes = size_t{1} << 20;

class BufferedReader {
 public:
  explicit BufferedReader(std::unique_ptr<ReadableFile> file,
                          size_t block_bytes = size_t{1} << 20);

  // Opens `path` (see ReadableFile::Open) and wraps it.
  static StatusOr<std::unique_ptr<BufferedReader>> Open(
      const std::string& path, const Env& env = Env::Default(),
      const ReadableOptions& options = {});

  // Makes at least `n` bytes available at data(), or all that is left of
  // the input.
  Status Fill(size_t n);
  const char* data() const { return buf_.data() + begin_; }
  size_t available() const { return end_ - begin_; }
  void Consume(size_t n) {
    begin_ += n;
    offset_ += n;
  }
  // The input has been read to its end (bytes may still be available).
  bool eof() const { return eof_; }
  // Nothing left at all.
  bool AtEnd() const { return eof_ && begin_ == end_; }
  // Offset of data() in the (decompressed) input.
  uint64_t offset() const { return offset_; }

  // Copies exactly `n` bytes to `dst` and consumes them. Corruption "<name>:
  // unexpected end of file at offset N" when the input ends first.
  Status ReadExact(char* dst, size_t n);

  // The next line, without its '\n' (a '\r' before it is kept), in
  // `*line`, valid until the next Fill, ReadExact or NextLine; consumes it. Returns false at the
  // end of the input. A final line without '\n' is returned too. A line
  // longer than `max_bytes` is Corruption "<name>: line N is longer than M
  // bytes". Lines are counted from 1 (line_number()).
  StatusOr<bool> NextLine(std::string_view* line,
                          size_t max_bytes = kMaxLineBytes);
  // Number of the line last returned by NextLine (0 before the first).
  uint64_t line_number() const { return line_number_; }

  ReadableFile& file() { return *file_; }
  const ReadableFile& file() const { return *file_; }
  const std::string& name() const { return file_->name(); }

 private:
  std::unique_ptr<ReadableFile> file_;
  size_t block_bytes_;
  std::vector<char> buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  uint64_t offset_ = 0;
  uint64_t line_number_ = 0;
  bool eof_ = false;
};

// Opens `path` (plain or gzip, a file, a pipe or "-") and calls fn(line,
// line_number) for each line (without its '\n'; numbers from 1) until the
// end or the first non-OK Status, which is returned. Lines longer than
// `max_bytes` are an error naming the file and line.
Status ForEachLine(
    const std::string& path, const Env& env,
    const std::function<Status(std::string_view line, uint64_t line_no)>& fn,
    size_t max_bytes = kMaxLineBytes);

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_BUFFERED_READER_H_
