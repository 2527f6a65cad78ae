#include "base/readable_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/path_util.h"

namespace wembed {
namespace {

constexpr size_t kRawBufferBytes = size_t{1} << 20;

bool IsGzipMagic(const unsigned char* p) {
  return p[0] == 0x1f && p[1] == 0x8b;
}

// stat(2) before open(2): a missing file, a directory, or (under
// regular_only) a FIFO or device is reported without opening it, so a FIFO
// is never opened just to be refused.
Status CheckBeforeOpen(const std::string& path, const ReadableOptions& o) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return InputOpenError(path, errno);
  if (S_ISDIR(st.st_mode)) return InputOpenError(path, EISDIR);
  if (o.regular_only && !S_ISREG(st.st_mode)) {
    return Status::IoError(path + ": not a regular file");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<ReadableFile>> ReadableFile::Open(
    const std::string& path, const Env& env, const ReadableOptions& options) {
  std::unique_ptr<ReadableFile> file;
  if (path == "-" && options.allow_stdin) {
    file.reset(new ReadableFile(STDIN_FILENO, false, kStdinName, env));
  } else {
    WEMBED_RETURN_IF_ERROR(CheckBeforeOpen(path, options));
    StatusOr<int> fd = OpenInputFd(path, env);
    if (!fd.ok()) return fd.status();
    file.reset(new ReadableFile(*fd, true, path, env));
  }
  struct stat st;
  if (::fstat(file->fd_, &st) == 0) {
    // The path may have changed between stat() and open().
    if (S_ISDIR(st.st_mode)) return InputOpenError(path, EISDIR);
    file->regular_ = S_ISREG(st.st_mode);
    if (file->regular_) {
      file->size_on_disk_ = uint64_t(st.st_size);
      file->bytes_present_ =
          std::min(file->size_on_disk_, uint64_t(st.st_blocks) * 512);
    }
  }
  if (options.regular_only && !file->regular_) {
    return Status::IoError(file->name_ + ": not a regular file");
  }
  // A small file needs no more buffer than its size (many small files,
  // e.g. a corruption sweep, are read quickly).
  uint64_t buffer = kRawBufferBytes;
  if (file->regular_) {
    ::posix_fadvise(file->fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    buffer = std::min(buffer, std::max<uint64_t>(file->size_on_disk_ + 1, 64));
  }
  file->in_.resize(size_t(buffer));
  if (!file->regular_) file->cancel_ = options.cancel;
  const bool ranged = options.range_begin > 0 ||
                      options.range_end != ReadableOptions().range_end;
  if (ranged) WEMBED_RETURN_IF_ERROR(file->SetRange(options));
  WEMBED_RETURN_IF_ERROR(file->OpenDetected(options.allow_gzip && !ranged));
  return file;
}

Status ReadableFile::SetRange(const ReadableOptions& options) {
  if (!regular_) {
    return Status::IoError(name_ +
                           ": not a regular file (only a regular file can "
                           "be read in parts)");
  }
  if (options.range_end < options.range_begin ||
      ::lseek(fd_, off_t(options.range_begin), SEEK_SET) < 0) {
    return Status::IoError(name_ + ": cannot seek to byte " +
                           std::to_string(options.range_begin));
  }
  range_left_ = options.range_end - options.range_begin;
  return Status::Ok();
}

ReadableFile::ReadableFile(int fd, bool owns_fd, std::string name,
                           const Env& env)
    : fd_(fd),
      owns_fd_(owns_fd),
      name_(std::move(name)),
      env_(env) {}

ReadableFile::~ReadableFile() {
  if (zs_init_) inflateEnd(&zs_);
  if (owns_fd_) ::close(fd_);
}

Status ReadableFile::OpenDetected(bool allow_gzip) {
  WEMBED_RETURN_IF_ERROR(FillRaw(2));
  if (!allow_gzip || in_end_ - in_pos_ < 2 || !IsGzipMagic(in_.data())) {
    return Status::Ok();
  }
  gzip_ = true;
  // 16 + MAX_WBITS: the gzip wrapper only (detected by its magic).
  if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) {
    return Status::Internal(name_ + ": cannot initialise zlib");
  }
  zs_init_ = true;
  zs_.next_in = in_.data() + in_pos_;
  zs_.avail_in = static_cast<uInt>(in_end_ - in_pos_);
  return Status::Ok();
}

Status ReadableFile::Fail(Status status) {
  error_ = status;
  return status;
}

Status ReadableFile::ReadRaw(unsigned char* dst, size_t capacity,
                             size_t* got) {
  *got = 0;
  if (range_left_ == 0) raw_eof_ = true;
  if (raw_eof_) return Status::Ok();
  capacity = size_t(std::min<uint64_t>(capacity, range_left_));
  while (true) {
    size_t n = capacity;
    const int injected = env_.BeforeOp(FileOp::kRead, name_, &n);
    if (n == 0 || n > capacity) n = capacity;
    if (injected == 0 && cancel_ != nullptr) {
      WEMBED_RETURN_IF_ERROR(WaitReadable());
    }
    ssize_t r = -1;
    errno = injected;
    if (injected == 0) r = ::read(fd_, dst, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(name_ + ": read failed: " + ErrnoMessage(errno));
    }
    if (r == 0) raw_eof_ = true;
    *got = static_cast<size_t>(r);
    if (range_left_ != ReadableOptions().range_end) range_left_ -= *got;
    return Status::Ok();
  }
}

Status ReadableFile::WaitReadable() {
  struct pollfd p = {};
  p.fd = fd_;
  p.events = POLLIN;
  while (true) {
    if (cancel_->load(std::memory_order_relaxed)) {
      return Status::Cancelled(name_ + ": interrupted while waiting for input");
    }
    const int r = ::poll(&p, 1, kCancelPollMs);
    if (r > 0) return Status::Ok();  // data, the end, or an error: read
    if (r < 0 && errno != EINTR) return Status::Ok();  // let read() report
  }
}

Status ReadableFile::FillRaw(size_t want) {
  if (in_pos_ > 0) {
    std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
    in_end_ -= in_pos_;
    in_pos_ = 0;
  }
  while (in_end_ - in_pos_ < want && !raw_eof_) {
    size_t got;
    WEMBED_RETURN_IF_ERROR(
        ReadRaw(in_.data() + in_end_, in_.size() - in_end_, &got));
    in_end_ += got;
  }
  return Status::Ok();
}

StatusOr<size_t> ReadableFile::Read(char* buf, size_t capacity) {
  if (!error_.ok()) return error_;
  if (done_ || capacity == 0) return size_t{0};
  StatusOr<size_t> n = gzip_ ? ReadGzip(buf, capacity)
                             : ReadPlain(buf, capacity);
  if (!n.ok()) return Fail(n.status());
  return n;
}

StatusOr<size_t> ReadableFile::ReadPlain(char* buf, size_t capacity) {
  // First the bytes read while detecting the format, then straight from
  // the file.
  if (in_pos_ < in_end_) {
    const size_t n = std::min(capacity, in_end_ - in_pos_);
    std::memcpy(buf, in_.data() + in_pos_, n);
    in_pos_ += n;
    return n;
  }
  size_t got;
  WEMBED_RETURN_IF_ERROR(
      ReadRaw(reinterpret_cast<unsigned char*>(buf), capacity, &got));
  if (got == 0) done_ = true;
  return got;
}

// After a member's end: another member follows, or the input ends here.
Status ReadableFile::StartNextMember(bool* done) {
  in_pos_ = in_end_ - zs_.avail_in;
  WEMBED_RETURN_IF_ERROR(FillRaw(2));
  const size_t avail = in_end_ - in_pos_;
  if (avail == 0) {
    *done = true;
    return Status::Ok();
  }
  if (avail < 2 || !IsGzipMagic(in_.data() + in_pos_)) {
    return Status::Corruption(name_ +
                              ": unexpected data after the end of the gzip "
                              "stream");
  }
  inflateReset(&zs_);
  zs_.next_in = in_.data() + in_pos_;
  zs_.avail_in = static_cast<uInt>(avail);
  member_ended_ = false;
  return Status::Ok();
}

StatusOr<size_t> ReadableFile::ReadGzip(char* buf, size_t capacity) {
  zs_.next_out = reinterpret_cast<Bytef*>(buf);
  zs_.avail_out = static_cast<uInt>(std::min<size_t>(capacity, 1u << 30));
  const size_t asked = zs_.avail_out;
  while (zs_.avail_out > 0) {
    if (member_ended_) {
      WEMBED_RETURN_IF_ERROR(StartNextMember(&done_));
      if (done_) break;
    }
    if (zs_.avail_in == 0) {
      in_pos_ = in_end_ = 0;
      WEMBED_RETURN_IF_ERROR(FillRaw(1));
      if (in_end_ == 0) {
        return Status::Corruption(name_ +
                                  ": truncated gzip stream (the file ends "
                                  "before the compressed data does)");
      }
      zs_.next_in = in_.data();
      zs_.avail_in = static_cast<uInt>(in_end_);
    }
    const int ret = inflate(&zs_, Z_NO_FLUSH);
    if (ret == Z_STREAM_END) {
      member_ended_ = true;
    } else if (ret == Z_MEM_ERROR) {
      return Status::IoError(name_ + ": out of memory while decompressing");
    } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
      std::string msg = name_ + ": corrupt gzip stream";
      if (zs_.msg != nullptr) msg += std::string(" (") + zs_.msg + ")";
      return Status::Corruption(msg);
    }
  }
  return asked - zs_.avail_out;
}

}  // namespace wembed
