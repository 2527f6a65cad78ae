#include "base/gzip_file_writer.h"

#include <algorithm>
#include <limits>
#include <string>

namespace wembed {

namespace {

constexpr size_t kOutBytes = size_t{1} << 18;
// 15 bits of window, +16: a gzip header and trailer instead of zlib's.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;

}  // namespace

GzipFileWriter::GzipFileWriter(AtomicFileWriter* file, int level)
    : file_(file), out_(kOutBytes) {
  const int rc = deflateInit2(&stream_, level, Z_DEFLATED, kGzipWindowBits,
                              kMemLevel, Z_DEFAULT_STRATEGY);
  if (rc == Z_OK) {
    initialized_ = true;
  } else {
    error_ = Status::Internal("gzip " + file_->path() +
                              ": cannot start compressing (zlib error " +
                              std::to_string(rc) + ")");
  }
}

GzipFileWriter::~GzipFileWriter() {
  if (initialized_) deflateEnd(&stream_);
}

Status GzipFileWriter::Deflate(int flush) {
  int rc = Z_OK;
  do {
    stream_.next_out = out_.data();
    stream_.avail_out = static_cast<uInt>(out_.size());
    rc = deflate(&stream_, flush);
    if (rc == Z_STREAM_ERROR) {
      return error_ = Status::Internal("gzip " + file_->path() +
                                       ": zlib stream error");
    }
    const size_t produced = out_.size() - stream_.avail_out;
    if (flush == Z_FINISH && rc == Z_BUF_ERROR && produced == 0) {
      return error_ = Status::Internal("gzip " + file_->path() +
                                       ": zlib made no progress");
    }
    if (produced > 0) {
      if (Status s = file_->Append(out_.data(), produced); !s.ok()) {
        return error_ = s;
      }
    }
  } while (stream_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  return Status::Ok();
}

Status GzipFileWriter::Append(const void* data, size_t size) {
  if (!error_.ok()) return error_;
  if (finished_) {
    return error_ = Status::Internal("gzip " + file_->path() +
                                     ": append after the end of the stream");
  }
  const auto* p = static_cast<const unsigned char*>(data);
  while (size > 0) {
    // avail_in is 32 bits: feed larger buffers in pieces.
    const size_t piece =
        std::min<size_t>(size, std::numeric_limits<uInt>::max());
    stream_.next_in = const_cast<unsigned char*>(p);
    stream_.avail_in = static_cast<uInt>(piece);
    WEMBED_RETURN_IF_ERROR(Deflate(Z_NO_FLUSH));
    p += piece;
    size -= piece;
    bytes_in_ += piece;
  }
  return Status::Ok();
}

Status GzipFileWriter::Finish() {
  if (!error_.ok()) return error_;
  if (finished_) return Status::Ok();
  stream_.next_in = nullptr;
  stream_.avail_in = 0;
  WEMBED_RETURN_IF_ERROR(Deflate(Z_FINISH));
  finished_ = true;
  return Status::Ok();
}

}  // namespace wembed
