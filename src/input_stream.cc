#include "input_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "file_util.h"

namespace wembed {

namespace {

constexpr size_t kRawBufferBytes = size_t{1} << 20;

bool IsGzipMagic(const unsigned char* p) {
  return p[0] == 0x1f && p[1] == 0x8b;
}

std::string ErrnoText(int err) { return std::strerror(err); }

StatusOr<int> OpenFd(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return InputOpenError(path, errno);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    return InputOpenError(path, EISDIR);
  }
  return fd;
}

}  // namespace

Status InputStream::CheckReadable(const std::string& path) {
  if (path == "-") return Status::Ok();
  StatusOr<int> fd = OpenFd(path);
  if (!fd.ok()) return fd.status();
  close(*fd);
  return Status::Ok();
}

StatusOr<std::unique_ptr<InputStream>> InputStream::Open(
    const std::string& path) {
  std::unique_ptr<InputStream> in;
  if (path == "-") {
    in.reset(new InputStream(STDIN_FILENO, false, kStdinName));
  } else {
    StatusOr<int> fd = OpenFd(path);
    if (!fd.ok()) return fd.status();
    posix_fadvise(*fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    in.reset(new InputStream(*fd, true, path));
  }
  WEMBED_RETURN_IF_ERROR(in->FillRaw(2));
  if (in->in_end_ - in->in_pos_ >= 2 && IsGzipMagic(in->in_.data())) {
    in->gzip_ = true;
    // 16 + MAX_WBITS: gzip wrapper only (we detected it by its magic).
    if (inflateInit2(&in->zs_, 16 + MAX_WBITS) != Z_OK) {
      return Status::Internal(in->name_ + ": cannot initialise zlib");
    }
    in->zs_init_ = true;
    in->zs_.next_in = in->in_.data() + in->in_pos_;
    in->zs_.avail_in = static_cast<uInt>(in->in_end_ - in->in_pos_);
  }
  return in;
}

InputStream::InputStream(int fd, bool owns_fd, std::string name)
    : fd_(fd),
      owns_fd_(owns_fd),
      name_(std::move(name)),
      in_(kRawBufferBytes) {}

InputStream::~InputStream() {
  if (zs_init_) inflateEnd(&zs_);
  if (owns_fd_) close(fd_);
}

Status InputStream::ReadRawInto(unsigned char* dst, size_t capacity,
                                size_t* got) {
  *got = 0;
  if (raw_eof_) return Status::Ok();
  while (true) {
    const ssize_t n = read(fd_, dst, capacity);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(name_ + ": read failed: " + ErrnoText(errno));
    }
    if (n == 0) raw_eof_ = true;
    *got = static_cast<size_t>(n);
    return Status::Ok();
  }
}

Status InputStream::FillRaw(size_t want) {
  if (in_pos_ > 0) {
    std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
    in_end_ -= in_pos_;
    in_pos_ = 0;
  }
  while (in_end_ - in_pos_ < want && !raw_eof_) {
    size_t got;
    WEMBED_RETURN_IF_ERROR(
        ReadRawInto(in_.data() + in_end_, in_.size() - in_end_, &got));
    in_end_ += got;
  }
  return Status::Ok();
}

StatusOr<size_t> InputStream::Read(char* buf, size_t capacity) {
  if (done_ || capacity == 0) return size_t{0};
  if (gzip_) return ReadGzip(buf, capacity);
  // Plain: first the bytes read while detecting the format, then straight
  // from the file.
  if (in_pos_ < in_end_) {
    const size_t n = std::min(capacity, in_end_ - in_pos_);
    std::memcpy(buf, in_.data() + in_pos_, n);
    in_pos_ += n;
    return n;
  }
  size_t got;
  WEMBED_RETURN_IF_ERROR(
      ReadRawInto(reinterpret_cast<unsigned char*>(buf), capacity, &got));
  if (got == 0) done_ = true;
  return got;
}

StatusOr<size_t> InputStream::ReadGzip(char* buf, size_t capacity) {
  zs_.next_out = reinterpret_cast<Bytef*>(buf);
  zs_.avail_out = static_cast<uInt>(capacity);
  while (zs_.avail_out > 0) {
    if (member_ended_) {
      // Another member follows, or the file ends here.
      in_pos_ = in_end_ - zs_.avail_in;
      WEMBED_RETURN_IF_ERROR(FillRaw(2));
      const size_t avail = in_end_ - in_pos_;
      if (avail == 0) {
        done_ = true;
        break;
      }
      if (avail < 2 || !IsGzipMagic(in_.data() + in_pos_)) {
        return Status::Corruption(name_ +
                                  ": unexpected data after the end of the "
                                  "gzip stream");
      }
      inflateReset(&zs_);
      zs_.next_in = in_.data() + in_pos_;
      zs_.avail_in = static_cast<uInt>(avail);
      member_ended_ = false;
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
      continue;
    }
    if (ret == Z_OK || ret == Z_BUF_ERROR) continue;
    if (ret == Z_MEM_ERROR) {
      return Status::IoError(name_ + ": out of memory while decompressing");
    }
    std::string msg = name_ + ": corrupt gzip stream";
    if (zs_.msg != nullptr) msg += std::string(" (") + zs_.msg + ")";
    return Status::Corruption(msg);
  }
  return capacity - zs_.avail_out;
}

}  // namespace wembed
