#include "base/readable_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/path_util.h"

#ifdef WEMBED_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

namespace wembed {

// The ISA-L backend's state (see "ISA-L" below); empty without ISA-L.
struct ReadableFile::IsalInflater {
#ifdef WEMBED_HAVE_ISAL
  inflate_state state;
  isal_gzip_header header;
  bool in_header = true;        // the member's header is not read yet
  bool header_checked = false;  // CheckIsalHeader ran for this member
#endif
};

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
  WEMBED_RETURN_IF_ERROR(file->OpenDetected(options.allow_gzip && !ranged,
                                            options.use_zlib_for_gzip));
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
    : fd_(fd), owns_fd_(owns_fd), name_(std::move(name)), env_(env) {}

ReadableFile::~ReadableFile() {
  if (zs_init_) inflateEnd(&zs_);
  if (owns_fd_) ::close(fd_);
}

Status ReadableFile::OpenDetected(bool allow_gzip, bool use_zlib) {
  WEMBED_RETURN_IF_ERROR(FillRaw(2));
  if (!allow_gzip || in_end_ - in_pos_ < 2 || !IsGzipMagic(in_.data())) {
    return Status::Ok();
  }
  gzip_ = true;
  if (HaveIsal() && !use_zlib) return StartIsal();
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

Status ReadableFile::ReadRaw(unsigned char* dst, size_t capacity, size_t* got) {
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
  StatusOr<size_t> n = !gzip_             ? ReadPlain(buf, capacity)
                       : isal_ != nullptr ? ReadGzipIsal(buf, capacity)
                                          : ReadGzip(buf, capacity);
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
  if (isal_ == nullptr) in_pos_ = in_end_ - zs_.avail_in;
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
  member_ended_ = false;
  if (isal_ != nullptr) {
    RestartIsal();
    return Status::Ok();
  }
  inflateReset(&zs_);
  zs_.next_in = in_.data() + in_pos_;
  zs_.avail_in = static_cast<uInt>(avail);
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

// ------------------------------------------------------------------ ISA-L
//
// The same stream as ReadGzip's, decompressed with ISA-L's isal_inflate
// (crc_flag ISAL_GZIP: it checks each member's CRC-32 and ISIZE). The two
// backends give the same bytes and the same Status for every input (tests/
// gzip_backends_test.cc); only the reason in parentheses after "corrupt gzip
// stream" may be worded differently. Two differences of ISA-L are made up
// for here:
// * each member's header is read with isal_read_gzip_header and a header
//   struct kept across calls: isal_inflate's own header parsing keeps that
//   struct on its stack and loses the header's flags when the header spans
//   two calls (a member header across a refill of in_, ISA-L 2.30);
// * zlib rejects an unknown compression method or reserved header flags as
//   soon as it has header bytes 2 and 3; ISA-L checks the method only once
//   it has all 10 fixed bytes and ignores the reserved flags, so
//   CheckIsalHeader makes zlib's two checks first.
// Unlike zlib, ISA-L takes input 8 bytes at a time, so a member's last bytes
// may sit in its bit buffer with no input left: the input is truncated only
// when, at the end of the file, a call makes no progress.

#ifdef WEMBED_HAVE_ISAL

bool ReadableFile::HaveIsal() { return true; }

Status ReadableFile::StartIsal() {
  isal_ = std::make_unique<IsalInflater>();
  isal_inflate_init(&isal_->state);
  isal_->state.crc_flag = ISAL_GZIP;
  RestartIsal();
  return Status::Ok();
}

// A new member starts at in_pos_ (the magic bytes are checked).
void ReadableFile::RestartIsal() {
  IsalInflater& d = *isal_;
  isal_inflate_reset(&d.state);  // keeps crc_flag
  d.header = {};
  isal_gzip_header_init(&d.header);  // no buffers: name etc. are skipped
  d.in_header = true;
  d.header_checked = false;
  d.state.next_in = in_.data() + in_pos_;
  d.state.avail_in = static_cast<uint32_t>(in_end_ - in_pos_);
}

StatusOr<size_t> ReadableFile::ReadGzipIsal(char* buf, size_t capacity) {
  inflate_state& st = isal_->state;
  st.next_out = reinterpret_cast<uint8_t*>(buf);
  st.avail_out = static_cast<uint32_t>(std::min<size_t>(capacity, 1u << 30));
  const size_t asked = st.avail_out;
  while (st.avail_out > 0) {
    if (member_ended_) {
      WEMBED_RETURN_IF_ERROR(StartNextMember(&done_));
      if (done_) break;
    }
    if (st.avail_in == 0 && !raw_eof_) {
      WEMBED_RETURN_IF_ERROR(FillRaw(1));  // in_pos_ == in_end_: refills
      st.next_in = in_.data() + in_pos_;
      st.avail_in = static_cast<uint32_t>(in_end_ - in_pos_);
    }
    bool progress = false;
    WEMBED_RETURN_IF_ERROR(StepIsal(&progress));
    if (progress) continue;
    if (st.avail_in == 0) {  // and raw_eof_: no more input will come
      return Status::Corruption(name_ +
                                ": truncated gzip stream (the file ends "
                                "before the compressed data does)");
    }
    return Status::Internal(name_ + ": ISA-L's inflate made no progress");
  }
  return asked - st.avail_out;
}

// One call of isal_read_gzip_header (while in the member's header) or of
// isal_inflate; *progress: it took input, gave output or changed state.
Status ReadableFile::StepIsal(bool* progress) {
  IsalInflater& d = *isal_;
  if (d.in_header && !d.header_checked) {
    WEMBED_RETURN_IF_ERROR(CheckIsalHeader());
  }
  inflate_state& st = d.state;
  const uint8_t* const in_before = st.next_in;
  const uint32_t out_before = st.avail_out;
  const bool in_header = d.in_header;
  const int ret =
      in_header ? isal_read_gzip_header(&st, &d.header) : isal_inflate(&st);
  in_pos_ = static_cast<size_t>(st.next_in - in_.data());
  WEMBED_RETURN_IF_ERROR(IsalResult(ret, in_header));
  if (in_header && ret == ISAL_DECOMP_OK) d.in_header = false;
  if (!in_header && st.block_state == ISAL_BLOCK_FINISH) member_ended_ = true;
  *progress = st.next_in != in_before || st.avail_out != out_before ||
              d.in_header != in_header || member_ended_;
  return Status::Ok();
}

// zlib's checks of header bytes 2 and 3, made as soon as zlib makes them.
Status ReadableFile::CheckIsalHeader() {
  IsalInflater& d = *isal_;
  d.header_checked = true;
  WEMBED_RETURN_IF_ERROR(FillRaw(4));  // ISA-L holds no input yet
  d.state.next_in = in_.data() + in_pos_;
  d.state.avail_in = static_cast<uint32_t>(in_end_ - in_pos_);
  if (in_end_ - in_pos_ < 4) return Status::Ok();  // ISA-L: truncated
  const char* reason = nullptr;
  if (in_[in_pos_ + 2] != Z_DEFLATED) {
    reason = "unknown compression method";
  } else if ((in_[in_pos_ + 3] & 0xe0) != 0) {
    reason = "unknown header flags set";
  }
  if (reason == nullptr) return Status::Ok();
  return Status::Corruption(name_ + ": corrupt gzip stream (" + reason + ")");
}

// Every value isal_read_gzip_header and isal_inflate may return.
Status ReadableFile::IsalResult(int ret, bool in_header) const {
  const char* reason = nullptr;
  switch (ret) {
    case ISAL_DECOMP_OK:
    case ISAL_END_INPUT:  // the header needs more input
      return Status::Ok();
    case ISAL_INVALID_BLOCK:
      reason = "invalid block";
      break;
    case ISAL_INVALID_SYMBOL:
      reason = "invalid code";
      break;
    case ISAL_INVALID_LOOKBACK:
      reason = "invalid distance too far back";
      break;
    case ISAL_INVALID_WRAPPER:
      reason = "incorrect header check";
      break;
    case ISAL_UNSUPPORTED_METHOD:
      reason = "unknown compression method";
      break;
    case ISAL_INCORRECT_CHECKSUM:
      reason = in_header ? "header crc mismatch"
                         : "incorrect data check or length check";
      break;
    default:  // buffer overflows (no buffers given), a dictionary (zlib)
      return Status::Internal(name_ + ": unexpected ISA-L inflate result " +
                              std::to_string(ret));
  }
  return Status::Corruption(name_ + ": corrupt gzip stream (" + reason + ")");
}

#else  // !WEMBED_HAVE_ISAL: gzip is read with zlib only, isal_ stays null.

bool ReadableFile::HaveIsal() { return false; }

Status ReadableFile::StartIsal() {
  return Status::Internal(name_ + ": built without ISA-L");
}

void ReadableFile::RestartIsal() {}

StatusOr<size_t> ReadableFile::ReadGzipIsal(char*, size_t) {
  return Status::Internal(name_ + ": built without ISA-L");
}

#endif  // WEMBED_HAVE_ISAL

}  // namespace wembed
