// GzipFileWriter: a gzip layer over an AtomicFileWriter. The bytes appended
// are compressed with zlib's deflate into one gzip member (RFC 1952) that
// ReadableFile, gzip(1) and zlib read back. The AtomicFileWriter keeps its
// guarantees: the target gets the complete compressed file at Commit() or
// stays untouched. Not thread-safe.
#ifndef WEMBED_SRC_BASE_GZIP_FILE_WRITER_H_
#define WEMBED_SRC_BASE_GZIP_FILE_WRITER_H_

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/atomic_file_writer.h"
#include "wembed/base/status.h"

namespace wembed {

// zlib's level 6, the default of gzip(1).
inline constexpr int kDefaultGzipLevel = Z_DEFAULT_COMPRESSION;

class GzipFileWriter {
 public:
  // Compresses into `file`, which must outlive this writer and be opened
  // before the first Append. `level` is zlib's: 0 (stored) .. 9 (best) or
  // Z_DEFAULT_COMPRESSION.
  explicit GzipFileWriter(AtomicFileWriter* file,
                          int level = kDefaultGzipLevel);
  ~GzipFileWriter();
  GzipFileWriter(const GzipFileWriter&) = delete;
  GzipFileWriter& operator=(const GzipFileWriter&) = delete;

  // Compresses `size` bytes; compressed output goes to the file as deflate
  // produces it. Errors are the file's (IoError naming it) or Internal for
  // a zlib failure; after the first error every later call returns it.
  Status Append(const void* data, size_t size);
  // Ends the gzip member (the rest of the compressed data and the CRC/size
  // trailer). The file is not committed: call its Commit() next. Appending
  // after Finish() is an error.
  Status Finish();

  uint64_t bytes_in() const { return bytes_in_; }  // uncompressed bytes

 private:
  // Runs deflate with `flush` until it wants more input (Z_NO_FLUSH) or the
  // member is complete (Z_FINISH), writing what it produces.
  Status Deflate(int flush);

  AtomicFileWriter* const file_;
  z_stream stream_{};
  bool initialized_ = false;
  bool finished_ = false;
  std::vector<unsigned char> out_;
  uint64_t bytes_in_ = 0;
  Status error_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_GZIP_FILE_WRITER_H_
