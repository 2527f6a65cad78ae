// ReadableFile: sequential reading of one input, whatever it is: a regular
// file, a FIFO or pipe, a device, or "-" for standard input; plain or gzip
// (detected by the magic bytes 1f 8b, not the name; multi-member gzip is read
// to the end; decompressed with Intel ISA-L in a build with it, CMake option
// WEMBED_ISAL, else with zlib). The input is opened exactly once, so a FIFO's
// writer sees one reader. Memory is one fixed buffer whatever the input size.
// Every open and read goes through the Env, so tests can inject faults. Not
// thread-safe.
#ifndef WEMBED_SRC_BASE_READABLE_FILE_H_
#define WEMBED_SRC_BASE_READABLE_FILE_H_

#include <zlib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

struct ReadableOptions {
  bool allow_stdin = true;  // "-" reads standard input
  bool allow_gzip = true;   // otherwise gzip data is returned as is
  // Refuse anything but a regular file (FIFOs, devices) without blocking
  // on it; for readers that need the size of the file (checkpoints).
  bool regular_only = false;
  // When set, a read of a pipe, FIFO or terminal that has no data yet
  // checks it every kCancelPollMs and fails with StatusCode::kCancelled
  // once it is true (SIGINT while standard input is stalled). Regular
  // files never block and are read as usual.
  const std::atomic<bool>* cancel = nullptr;
  // Only the bytes [range_begin, range_end) of a regular file, read as
  // plain text (no gzip detection): one rank's share of a file
  // (src/corpus/input_share.h). The defaults read the whole input.
  uint64_t range_begin = 0;
  uint64_t range_end = std::numeric_limits<uint64_t>::max();
  // Tests only: decompress gzip with zlib even in a build with ISA-L (the
  // two backends give the same bytes and the same errors).
  bool use_zlib_for_gzip = false;
};

// How often a blocked read of a pipe checks ReadableOptions::cancel.
inline constexpr int kCancelPollMs = 100;

class ReadableFile {
 public:
  // Name used for standard input in messages.
  static constexpr const char* kStdinName = "<stdin>";

  // Opens `path` and reads its first bytes to detect gzip. Errors name the
  // file: NotFound "<path>: no such file", IoError "<path>: is a
  // directory" / "cannot open: ..." / "read failed: ...", IoError "<path>:
  // not a regular file" under regular_only.
  static StatusOr<std::unique_ptr<ReadableFile>> Open(
      const std::string& path, const Env& env = Env::Default(),
      const ReadableOptions& options = {});

  ~ReadableFile();
  ReadableFile(const ReadableFile&) = delete;
  ReadableFile& operator=(const ReadableFile&) = delete;

  // Reads up to `capacity` (> 0) bytes, decompressed if gzip, into `buf`;
  // returns the number read, 0 only at the end. Errors name the file:
  // IoError for a failed read, Corruption for a corrupt or truncated gzip
  // stream or for data after the last gzip member. After an error every
  // later call returns it again.
  StatusOr<size_t> Read(char* buf, size_t capacity);

  const std::string& name() const { return name_; }  // path, or "<stdin>"
  bool is_gzip() const { return gzip_; }
  // Whether this build decompresses gzip with ISA-L (CMake WEMBED_ISAL).
  static bool HaveIsal();
  // The gzip decompressor in use: "isal" or "zlib"; "" for plain input.
  const char* gzip_backend() const {
    return !gzip_ ? "" : isal_ != nullptr ? "isal" : "zlib";
  }
  bool is_regular() const { return regular_; }
  // Size of a regular file on disk (compressed size for gzip); 0 otherwise.
  uint64_t size_on_disk() const { return size_on_disk_; }
  // Bytes of a regular file actually stored (its size less the holes of a
  // sparse file, from st_blocks); 0 otherwise.
  uint64_t bytes_present() const { return bytes_present_; }

 private:
  // ISA-L's inflate state and the member's gzip header (readable_file.cc).
  struct IsalInflater;

  ReadableFile(int fd, bool owns_fd, std::string name, const Env& env);
  Status OpenDetected(bool allow_gzip, bool use_zlib);
  // Reads raw bytes from the descriptor (through the Env's fault hook).
  Status ReadRaw(unsigned char* dst, size_t capacity, size_t* got);
  // With cancel_ set and a file that may block: waits until the descriptor
  // is readable; kCancelled once *cancel_ is true.
  Status WaitReadable();
  // Makes at least `want` raw bytes available in in_[in_pos_, in_end_)
  // unless the input ends first. Moves unread bytes to the buffer start.
  Status FillRaw(size_t want);
  StatusOr<size_t> ReadPlain(char* buf, size_t capacity);
  StatusOr<size_t> ReadGzip(char* buf, size_t capacity);
  Status StartNextMember(bool* done);
  // The ISA-L backend (only in a build with ISA-L; in_pos_ follows its
  // input): set up for the member at in_pos_, read, one decoding step.
  Status StartIsal();
  void RestartIsal();
  StatusOr<size_t> ReadGzipIsal(char* buf, size_t capacity);
  Status StepIsal(bool* progress);
  Status CheckIsalHeader();
  Status IsalResult(int ret, bool in_header) const;
  // ReadableOptions' range: seeks to its start and limits the reads.
  Status SetRange(const ReadableOptions& options);
  Status Fail(Status status);

  int fd_;
  bool owns_fd_;
  std::string name_;
  const Env& env_;
  const std::atomic<bool>* cancel_ = nullptr;  // ReadableOptions::cancel
  bool gzip_ = false;
  bool regular_ = false;
  uint64_t size_on_disk_ = 0;
  uint64_t bytes_present_ = 0;
  bool raw_eof_ = false;
  // Raw bytes left in ReadableOptions' range (the maximum: no range).
  uint64_t range_left_ = std::numeric_limits<uint64_t>::max();
  bool done_ = false;
  Status error_;
  std::vector<unsigned char> in_;
  size_t in_pos_ = 0;
  size_t in_end_ = 0;
  z_stream zs_{};
  bool zs_init_ = false;
  bool member_ended_ = false;           // between two gzip members
  std::unique_ptr<IsalInflater> isal_;  // set: gzip is read with ISA-L
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_READABLE_FILE_H_
