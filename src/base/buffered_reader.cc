#include "base/buffered_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace wembed {

BufferedReader::BufferedReader(std::unique_ptr<ReadableFile> file,
                               size_t block_bytes)
    : file_(std::move(file)), block_bytes_(block_bytes) {
  // Reads of a small plain file need no bigger window than the file.
  if (file_->is_regular() && !file_->is_gzip()) {
    block_bytes_ = size_t(std::min<uint64_t>(
        block_bytes_, std::max<uint64_t>(file_->size_on_disk() + 1, 64)));
  }
}

StatusOr<std::unique_ptr<BufferedReader>> BufferedReader::Open(
    const std::string& path, const Env& env, const ReadableOptions& options) {
  StatusOr<std::unique_ptr<ReadableFile>> file =
      ReadableFile::Open(path, env, options);
  if (!file.ok()) return file.status();
  return std::make_unique<BufferedReader>(std::move(file).value());
}

Status BufferedReader::Fill(size_t n) {
  while (end_ - begin_ < n && !eof_) {
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    const size_t want = std::max(n, block_bytes_);
    if (buf_.size() < want) buf_.resize(std::max(buf_.size() * 2, want));
    StatusOr<size_t> got = file_->Read(buf_.data() + end_, buf_.size() - end_);
    if (!got.ok()) return got.status();
    if (*got == 0) eof_ = true;
    end_ += *got;
  }
  return Status::Ok();
}

Status BufferedReader::ReadExact(char* dst, size_t n) {
  while (n > 0) {
    if (available() == 0) {
      WEMBED_RETURN_IF_ERROR(Fill(std::min(n, block_bytes_)));
      if (available() == 0) {
        return Status::Corruption(name() + ": unexpected end of file at offset " +
                                  std::to_string(offset_));
      }
    }
    const size_t step = std::min(n, available());
    std::memcpy(dst, data(), step);
    Consume(step);
    dst += step;
    n -= step;
  }
  return Status::Ok();
}

StatusOr<bool> BufferedReader::NextLine(std::string_view* line,
                                        size_t max_bytes) {
  size_t scanned = 0;
  while (true) {
    // memchr's pointer must not be null even for 0 bytes (an empty buffer).
    const void* nl =
        available() > scanned
            ? std::memchr(data() + scanned, '\n', available() - scanned)
            : nullptr;
    if (nl != nullptr) {
      const size_t len = size_t(static_cast<const char*>(nl) - data());
      if (len > max_bytes) break;
      *line = std::string_view(data(), len);
      Consume(len + 1);
      ++line_number_;
      return true;
    }
    scanned = available();
    if (scanned > max_bytes) break;
    if (eof_) {
      if (scanned == 0) return false;
      *line = std::string_view(data(), scanned);
      Consume(scanned);
      ++line_number_;
      return true;
    }
    WEMBED_RETURN_IF_ERROR(Fill(scanned + block_bytes_));
  }
  return Status::Corruption(name() + ": line " +
                            std::to_string(line_number_ + 1) +
                            " is longer than " + std::to_string(max_bytes) +
                            " bytes");
}

Status ForEachLine(
    const std::string& path, const Env& env,
    const std::function<Status(std::string_view line, uint64_t line_no)>& fn,
    size_t max_bytes) {
  StatusOr<std::unique_ptr<BufferedReader>> in =
      BufferedReader::Open(path, env);
  if (!in.ok()) return in.status();
  std::string_view line;
  while (true) {
    StatusOr<bool> more = (*in)->NextLine(&line, max_bytes);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    WEMBED_RETURN_IF_ERROR(fn(line, (*in)->line_number()));
  }
}

}  // namespace wembed
