// InputStream: sequential reading of one corpus input: a file or "-" for
// stdin, plain or gzip (detected by the magic bytes 1f 8b, not the name;
// multi-member gzip is read through to the end). Streams: memory is two
// fixed buffers whatever the file size. Not thread-safe.
#ifndef WEMBED_SRC_INPUT_STREAM_H_
#define WEMBED_SRC_INPUT_STREAM_H_

#include <zlib.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "wembed/status.h"

namespace wembed {

class InputStream {
 public:
  // Name used for stdin in messages.
  static constexpr const char* kStdinName = "<stdin>";

  // Opens `path` ("-" = stdin) and reads its first bytes to detect gzip.
  // Errors: NotFound (no such file), IoError (cannot open/read, a
  // directory), Corruption (a gzip stream whose header is bad).
  static StatusOr<std::unique_ptr<InputStream>> Open(const std::string& path);
  // Checks that `path` can be opened for reading (without reading it).
  static Status CheckReadable(const std::string& path);

  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Reads up to `capacity` (> 0) uncompressed bytes into `buf`; returns the
  // number read, 0 only at the end of the stream. Errors name the file:
  // IoError for a failed read, Corruption for a corrupt or truncated gzip
  // stream or for data after the last gzip member.
  StatusOr<size_t> Read(char* buf, size_t capacity);

  const std::string& name() const { return name_; }
  bool is_gzip() const { return gzip_; }

 private:
  InputStream(int fd, bool owns_fd, std::string name);
  // Makes at least `want` raw bytes available in in_[in_pos_, in_end_)
  // unless the file ends first. Moves unread bytes to the buffer start.
  Status FillRaw(size_t want);
  Status ReadRawInto(unsigned char* dst, size_t capacity, size_t* got);
  StatusOr<size_t> ReadGzip(char* buf, size_t capacity);

  int fd_;
  bool owns_fd_;
  std::string name_;
  bool gzip_ = false;
  bool raw_eof_ = false;
  bool done_ = false;
  std::vector<unsigned char> in_;
  size_t in_pos_ = 0;
  size_t in_end_ = 0;
  z_stream zs_{};
  bool zs_init_ = false;
  bool member_ended_ = false;  // between two gzip members
};

}  // namespace wembed

#endif  // WEMBED_SRC_INPUT_STREAM_H_
