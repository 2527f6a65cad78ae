// Checkpoint reading and writing. The byte layout is specified in
// docs/checkpoint-format.md; keep the two in sync.
#include "wembed/checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "file_util.h"

namespace wembed {
namespace {

constexpr char kMagic[8] = {'W', 'E', 'M', 'B', 'E', 'D', 'C', 'K'};
constexpr size_t kMagicSize = sizeof(kMagic);
constexpr size_t kHeaderSize = 20;         // magic, version, flags, crc
constexpr size_t kSectionHeaderSize = 12;  // type u32, payload length u64
constexpr size_t kSectionCrcSize = 4;
constexpr size_t kSectionOverhead = kSectionHeaderSize + kSectionCrcSize;
constexpr uint32_t kIgnorableBit = 0x80000000u;
constexpr size_t kChunkBytes = size_t{1} << 20;  // streaming buffer, 4-aligned
constexpr size_t kMatrixDimsSize = 16;           // rows u64, cols u64
constexpr size_t kProgressFixedSize = 68;
constexpr size_t kThreadRecordSize = 76;
constexpr size_t kMinVocabEntrySize = 13;  // len u32, >= 1 byte, count u64
constexpr size_t kMinOptionEntrySize = 8;  // key len u32, value len u32
constexpr uint32_t kProgressFinishedFlag = 1;

enum SectionType : uint32_t {
  kOptionsSection = 1,
  kVocabularySection = 2,
  kInputSection = 3,
  kOutputSection = 4,
  kProgressSection = 5,
  kEndSection = 6,
};
// The sections every checkpoint has, in file order, before the end section.
constexpr uint32_t kRequiredSections[] = {kOptionsSection, kVocabularySection,
                                          kInputSection, kOutputSection,
                                          kProgressSection};
constexpr size_t kNumRequiredSections = std::size(kRequiredSections);

std::string SectionName(uint32_t type) {
  switch (type) {
    case kOptionsSection:
      return "options";
    case kVocabularySection:
      return "vocabulary";
    case kInputSection:
      return "input matrix";
    case kOutputSection:
      return "output matrix";
    case kProgressSection:
      return "progress";
    case kEndSection:
      return "end";
  }
  return "type " + std::to_string(type);
}

// ---- Little-endian encoding, independent of the host byte order. ----

void EncodeU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = char(uint8_t(v >> (8 * i)));
}
void EncodeU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = char(uint8_t(v >> (8 * i)));
}
uint32_t DecodeU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(p[i])) << (8 * i);
  return v;
}
uint64_t DecodeU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(p[i])) << (8 * i);
  return v;
}

void PutU32(std::string* out, uint32_t v) {
  char b[4];
  EncodeU32(b, v);
  out->append(b, 4);
}
void PutU64(std::string* out, uint64_t v) {
  char b[8];
  EncodeU64(b, v);
  out->append(b, 8);
}
void PutF64(std::string* out, double v) {
  PutU64(out, std::bit_cast<uint64_t>(v));
}
void PutBytes(std::string* out, std::string_view s) {
  PutU32(out, uint32_t(s.size()));
  out->append(s);
}

// Floats as IEEE-754 binary32 bit patterns, little-endian.
void EncodeFloats(char* out, const float* in, size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, in, n * sizeof(float));
  } else {
    for (size_t i = 0; i < n; ++i) {
      EncodeU32(out + 4 * i, std::bit_cast<uint32_t>(in[i]));
    }
  }
}
void DecodeFloats(float* out, const char* in, size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, in, n * sizeof(float));
  } else {
    for (size_t i = 0; i < n; ++i) {
      out[i] = std::bit_cast<float>(DecodeU32(in + 4 * i));
    }
  }
}

uint32_t CrcExtend(uint32_t crc, const char* p, size_t n) {
  constexpr size_t kMaxStep = size_t{1} << 30;  // crc32() takes a uInt
  while (n > 0) {
    const size_t step = std::min(n, kMaxStep);
    crc = uint32_t(::crc32(crc, reinterpret_cast<const Bytef*>(p), uInt(step)));
    p += step;
    n -= step;
  }
  return crc;
}
uint32_t Crc(const char* p, size_t n) { return CrcExtend(0, p, n); }

// Bounds-checked sequential decoding of an in-memory payload.
class Decoder {
 public:
  explicit Decoder(std::string_view data) : data_(data) {}
  size_t remaining() const { return data_.size(); }
  bool U32(uint32_t* v) {
    if (data_.size() < 4) return false;
    *v = DecodeU32(data_.data());
    data_.remove_prefix(4);
    return true;
  }
  bool U64(uint64_t* v) {
    if (data_.size() < 8) return false;
    *v = DecodeU64(data_.data());
    data_.remove_prefix(8);
    return true;
  }
  bool F64(double* v) {
    uint64_t bits;
    if (!U64(&bits)) return false;
    *v = std::bit_cast<double>(bits);
    return true;
  }
  // A u32 length followed by that many bytes.
  bool Bytes(std::string* s) {
    uint32_t n;
    if (!U32(&n) || data_.size() < n) return false;
    s->assign(data_.data(), n);
    data_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view data_;
};

// ---- Consistency rules shared by the writer and the reader. ----

// Returns an empty string when `c` is consistent, else the first problem.
std::string FindInconsistency(const Checkpoint& c) {
  const size_t v = c.vocab.size();
  if (c.input.rows() != v) {
    return "input matrix has " + std::to_string(c.input.rows()) +
           " rows but the vocabulary has " + std::to_string(v) + " words";
  }
  if (c.output.rows() != v) {
    return "output matrix has " + std::to_string(c.output.rows()) +
           " rows but the vocabulary has " + std::to_string(v) + " words";
  }
  if (c.input.cols() != c.output.cols()) {
    return "output matrix has " + std::to_string(c.output.cols()) +
           " columns but the input matrix has " +
           std::to_string(c.input.cols());
  }
  if (v > 0 && c.input.cols() == 0) return "matrices have 0 columns";
  std::unordered_set<std::string_view> keys;
  for (size_t i = 0; i < c.options.size(); ++i) {
    const std::string& key = c.options[i].first;
    if (key.empty()) return "option " + std::to_string(i) + " has an empty key";
    if (!keys.insert(key).second) return "option '" + key + "' appears twice";
  }
  const TrainProgress& p = c.progress;
  if (!std::isfinite(p.elapsed_seconds) || p.elapsed_seconds < 0) {
    return "elapsed time " + std::to_string(p.elapsed_seconds) +
           " is not a finite non-negative number";
  }
  if (p.threads.size() > kMaxCheckpointThreads) {
    return std::to_string(p.threads.size()) + " threads exceed the limit of " +
           std::to_string(kMaxCheckpointThreads);
  }
  for (size_t i = 0; i < p.threads.size(); ++i) {
    const ThreadProgress& t = p.threads[i];
    const std::string name = "thread " + std::to_string(i);
    if (t.begin > t.end) {
      return name + " range begins at " + std::to_string(t.begin) +
             " after its end " + std::to_string(t.end);
    }
    if (t.position < t.begin || t.position > t.end) {
      return name + " position " + std::to_string(t.position) +
             " is outside its range [" + std::to_string(t.begin) + ", " +
             std::to_string(t.end) + "]";
    }
    if (p.corpus_bytes != 0 && t.end > p.corpus_bytes) {
      return name + " range ends at " + std::to_string(t.end) +
             " beyond the corpus size " + std::to_string(p.corpus_bytes);
    }
    if (t.epoch < p.epoch) {
      return name + " completed " + std::to_string(t.epoch) +
             " epochs, fewer than the " + std::to_string(p.epoch) +
             " completed by every thread";
    }
  }
  return "";
}

// ---- Writing. ----

std::string EncodeOptions(const Checkpoint& c) {
  size_t size = 4;
  for (const auto& [k, v] : c.options) size += 8 + k.size() + v.size();
  std::string out;
  out.reserve(size);
  PutU32(&out, uint32_t(c.options.size()));
  for (const auto& [k, v] : c.options) {
    PutBytes(&out, k);
    PutBytes(&out, v);
  }
  return out;
}

std::string EncodeVocabulary(const Vocabulary& vocab) {
  size_t size = 8;
  for (const std::string& w : vocab.words()) size += 12 + w.size();
  std::string out;
  out.reserve(size);
  PutU64(&out, vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    PutBytes(&out, vocab.words()[i]);
    PutU64(&out, vocab.counts()[i]);
  }
  return out;
}

void EncodeThread(std::string* out, const ThreadProgress& t) {
  PutU32(out, t.epoch);
  PutU64(out, t.begin);
  PutU64(out, t.end);
  PutU64(out, t.position);
  for (uint64_t s : t.rng_state) PutU64(out, s);
  PutU64(out, t.words_done);
  PutU64(out, t.words_unreported);
}

std::string EncodeProgress(const TrainProgress& p) {
  std::string out;
  out.reserve(kProgressFixedSize + kThreadRecordSize * p.threads.size());
  PutU32(&out, p.epoch);
  PutU32(&out, p.finished ? kProgressFinishedFlag : 0);
  PutU64(&out, p.words_processed);
  PutU64(&out, p.corpus_tokens);
  PutU64(&out, p.corpus_fingerprint);
  PutU64(&out, p.corpus_bytes);
  PutF64(&out, p.elapsed_seconds);
  PutF64(&out, p.loss_sum);
  PutU64(&out, p.loss_count);
  PutU32(&out, uint32_t(p.threads.size()));
  for (const ThreadProgress& t : p.threads) EncodeThread(&out, t);
  return out;
}

std::string EncodeHeader() {
  std::string out(kMagic, kMagicSize);
  PutU32(&out, kCheckpointFormatVersion);
  PutU32(&out, 0);  // flags
  PutU32(&out, Crc(out.data(), out.size()));
  return out;
}

Status WriteSection(AtomicFileWriter* w, uint32_t type,
                    std::string_view payload) {
  char head[kSectionHeaderSize];
  EncodeU32(head, type);
  EncodeU64(head + 4, payload.size());
  uint32_t crc = Crc(head, sizeof(head));
  crc = CrcExtend(crc, payload.data(), payload.size());
  char tail[kSectionCrcSize];
  EncodeU32(tail, crc);
  WEMBED_RETURN_IF_ERROR(w->Append(head, sizeof(head)));
  WEMBED_RETURN_IF_ERROR(w->Append(payload.data(), payload.size()));
  return w->Append(tail, sizeof(tail));
}

// Streams cols() floats of every row through `chunk`, computing the CRC on
// the way, so no second copy of the matrix is ever built.
Status WriteMatrixSection(AtomicFileWriter* w, uint32_t type, const Matrix& m,
                          std::vector<char>* chunk) {
  const uint64_t float_bytes = uint64_t(m.rows()) * m.cols() * sizeof(float);
  char head[kSectionHeaderSize + kMatrixDimsSize];
  EncodeU32(head, type);
  EncodeU64(head + 4, kMatrixDimsSize + float_bytes);
  EncodeU64(head + 12, m.rows());
  EncodeU64(head + 20, m.cols());
  uint32_t crc = Crc(head, sizeof(head));
  WEMBED_RETURN_IF_ERROR(w->Append(head, sizeof(head)));
  const size_t chunk_floats = chunk->size() / sizeof(float);
  size_t fill = 0;  // floats in chunk
  for (size_t r = 0; r < m.rows(); ++r) {
    const float* row = m.row(r);
    for (size_t c = 0; c < m.cols();) {
      const size_t n = std::min(m.cols() - c, chunk_floats - fill);
      EncodeFloats(chunk->data() + fill * sizeof(float), row + c, n);
      fill += n;
      c += n;
      if (fill == chunk_floats) {
        crc = CrcExtend(crc, chunk->data(), chunk->size());
        WEMBED_RETURN_IF_ERROR(w->Append(chunk->data(), chunk->size()));
        fill = 0;
      }
    }
  }
  if (fill > 0) {
    crc = CrcExtend(crc, chunk->data(), fill * sizeof(float));
    WEMBED_RETURN_IF_ERROR(w->Append(chunk->data(), fill * sizeof(float)));
  }
  char tail[kSectionCrcSize];
  EncodeU32(tail, crc);
  return w->Append(tail, sizeof(tail));
}

Status WriteCheckpointImpl(const std::string& path, const Checkpoint& ckpt,
                           FaultInjector* faults) {
  const std::string problem = FindInconsistency(ckpt);
  if (!problem.empty()) {
    return Status::InvalidArgument("checkpoint " + path +
                                   " not written: " + problem);
  }
  AtomicFileWriter w(path, faults);  // removes stale temp files at Open()
  WEMBED_RETURN_IF_ERROR(w.Open());
  const std::string header = EncodeHeader();
  WEMBED_RETURN_IF_ERROR(w.Append(header.data(), header.size()));
  WEMBED_RETURN_IF_ERROR(
      WriteSection(&w, kOptionsSection, EncodeOptions(ckpt)));
  WEMBED_RETURN_IF_ERROR(
      WriteSection(&w, kVocabularySection, EncodeVocabulary(ckpt.vocab)));
  std::vector<char> chunk(kChunkBytes);
  WEMBED_RETURN_IF_ERROR(
      WriteMatrixSection(&w, kInputSection, ckpt.input, &chunk));
  WEMBED_RETURN_IF_ERROR(
      WriteMatrixSection(&w, kOutputSection, ckpt.output, &chunk));
  WEMBED_RETURN_IF_ERROR(
      WriteSection(&w, kProgressSection, EncodeProgress(ckpt.progress)));
  WEMBED_RETURN_IF_ERROR(WriteSection(&w, kEndSection, {}));
  return w.Commit();
}

// ---- Reading. ----

// A regular file read sequentially with exact-size reads.
class InputFile {
 public:
  InputFile() = default;
  ~InputFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // O_NONBLOCK so that a FIFO at `path` cannot block the open; anything but
  // a regular file is rejected.
  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_ < 0) return InputOpenError(path, errno);
    struct stat st;
    if (::fstat(fd_, &st) != 0) {
      return Status::IoError(path + ": stat failed: " + ErrnoMessage(errno));
    }
    if (S_ISDIR(st.st_mode)) return InputOpenError(path, EISDIR);
    if (!S_ISREG(st.st_mode)) {
      return Status::IoError(path + ": not a regular file");
    }
    size_ = uint64_t(st.st_size);
    return Status::Ok();
  }

  uint64_t size() const { return size_; }
  uint64_t offset() const { return offset_; }
  uint64_t remaining() const { return size_ - offset_; }

  // Reads exactly `n` bytes. Callers check `n` against remaining() first, so
  // a short read means the file changed or failed under us.
  Status Read(char* buf, size_t n) {
    while (n > 0) {
      const ssize_t got = ::read(fd_, buf, n);
      if (got < 0) {
        if (errno == EINTR) continue;
        return Status::IoError("read " + path_ + " at offset " +
                               std::to_string(offset_) + ": " +
                               ErrnoMessage(errno));
      }
      if (got == 0) {
        return Status::Corruption(
            path_ + ": unexpected end of file at offset " +
            std::to_string(offset_) + " (file shrank while being read)");
      }
      buf += got;
      n -= size_t(got);
      offset_ += uint64_t(got);
    }
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t offset_ = 0;
};

class CheckpointReader {
 public:
  explicit CheckpointReader(const std::string& path) : path_(path) {}

  StatusOr<Checkpoint> Read() {
    WEMBED_RETURN_IF_ERROR(file_.Open(path_));
    Checkpoint ckpt;
    WEMBED_RETURN_IF_ERROR(ReadHeader(&ckpt.format_version));
    size_t next_required = 0;
    while (true) {
      const uint64_t section_offset = file_.offset();
      if (file_.remaining() == 0) {
        return Corrupt("truncated: the file ends at offset " +
                       std::to_string(section_offset) +
                       " without an end section");
      }
      if (file_.remaining() < kSectionOverhead) {
        return Corrupt("truncated section header at offset " +
                       std::to_string(section_offset) + " (" +
                       std::to_string(file_.remaining()) + " bytes left)");
      }
      char head[kSectionHeaderSize];
      WEMBED_RETURN_IF_ERROR(file_.Read(head, sizeof(head)));
      Section s;
      s.type = DecodeU32(head);
      s.length = DecodeU64(head + 4);
      s.offset = section_offset;
      s.crc = Crc(head, sizeof(head));
      if (s.length > file_.remaining() - kSectionCrcSize) {
        return Corrupt("section '" + SectionName(s.type) + "' at offset " +
                       std::to_string(s.offset) + " declares " +
                       std::to_string(s.length) + " payload bytes but only " +
                       std::to_string(file_.remaining() - kSectionCrcSize) +
                       " remain in the file");
      }
      const bool expected =
          (next_required < kNumRequiredSections &&
           s.type == kRequiredSections[next_required]) ||
          (next_required == kNumRequiredSections && s.type == kEndSection);
      if (!expected) {
        // Verify the checksum first: a corrupted type reads as a checksum
        // mismatch, a well-formed extension section is skipped.
        WEMBED_RETURN_IF_ERROR(SkipPayload(s));
        if (s.type & kIgnorableBit) continue;
        if (s.type == kEndSection ||
            (s.type >= kOptionsSection && s.type <= kProgressSection)) {
          return Corrupt(
              "section '" + SectionName(s.type) + "' at offset " +
              std::to_string(s.offset) + " is out of order (" +
              (next_required < kNumRequiredSections
                   ? "expected section '" +
                         SectionName(kRequiredSections[next_required]) + "'"
                   : std::string("expected the end section")) +
              ")");
        }
        return Corrupt("unknown section type " + std::to_string(s.type) +
                       " at offset " + std::to_string(s.offset));
      }
      switch (s.type) {
        case kOptionsSection:
          WEMBED_RETURN_IF_ERROR(ReadOptions(s, &ckpt.options));
          break;
        case kVocabularySection:
          WEMBED_RETURN_IF_ERROR(ReadVocabulary(s, &ckpt.vocab));
          break;
        case kInputSection:
          WEMBED_RETURN_IF_ERROR(
              ReadMatrix(s, ckpt.vocab.size(), std::nullopt, &ckpt.input));
          break;
        case kOutputSection:
          WEMBED_RETURN_IF_ERROR(ReadMatrix(s, ckpt.vocab.size(),
                                            ckpt.input.cols(), &ckpt.output));
          break;
        case kProgressSection:
          WEMBED_RETURN_IF_ERROR(ReadProgress(s, &ckpt.progress));
          break;
        case kEndSection: {
          std::string payload;
          WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
          if (!payload.empty()) {
            return Corrupt("end section has " + std::to_string(s.length) +
                           " payload bytes (expected 0)");
          }
          if (file_.remaining() != 0) {
            return Corrupt(std::to_string(file_.remaining()) +
                           " bytes of trailing data after the end section "
                           "at offset " +
                           std::to_string(s.offset));
          }
          const std::string problem = FindInconsistency(ckpt);
          if (!problem.empty()) return Corrupt(problem);
          return ckpt;
        }
      }
      ++next_required;
    }
  }

 private:
  struct Section {
    uint32_t type = 0;
    uint64_t length = 0;  // payload bytes, <= the bytes left in the file
    uint64_t offset = 0;  // of the section header
    uint32_t crc = 0;     // of the header so far, extended over the payload
  };

  Status Corrupt(const std::string& message) const {
    return Status::Corruption(path_ + ": " + message);
  }
  std::string Where(const Section& s) const {
    return "section '" + SectionName(s.type) + "' at offset " +
           std::to_string(s.offset);
  }

  Status ReadHeader(uint32_t* version) {
    char header[kHeaderSize];
    if (file_.size() < kMagicSize) {
      return Corrupt("not a wembed checkpoint (only " +
                     std::to_string(file_.size()) + " bytes)");
    }
    WEMBED_RETURN_IF_ERROR(file_.Read(header, kMagicSize));
    if (std::memcmp(header, kMagic, kMagicSize) != 0) {
      return Corrupt("not a wembed checkpoint (bad magic)");
    }
    if (file_.size() < kHeaderSize) {
      return Corrupt("truncated header (" + std::to_string(file_.size()) +
                     " bytes, need " + std::to_string(kHeaderSize) + ")");
    }
    WEMBED_RETURN_IF_ERROR(
        file_.Read(header + kMagicSize, kHeaderSize - kMagicSize));
    if (Crc(header, 16) != DecodeU32(header + 16)) {
      return Corrupt("header checksum mismatch");
    }
    *version = DecodeU32(header + 8);
    if (*version > kCheckpointFormatVersion) {
      return Corrupt("format version " + std::to_string(*version) +
                     " is newer than this wembed supports (" +
                     std::to_string(kCheckpointFormatVersion) + ")");
    }
    if (*version == 0) return Corrupt("invalid format version 0");
    const uint32_t flags = DecodeU32(header + 12);
    if (flags != 0) {
      return Corrupt("unsupported header flags " + std::to_string(flags));
    }
    return Status::Ok();
  }

  Status CheckCrc(const Section& s) {
    char tail[kSectionCrcSize];
    WEMBED_RETURN_IF_ERROR(file_.Read(tail, sizeof(tail)));
    if (DecodeU32(tail) != s.crc) {
      return Corrupt("checksum mismatch in section '" + SectionName(s.type) +
                     "' at offset " + std::to_string(s.offset));
    }
    return Status::Ok();
  }

  // Reads `n` payload bytes into `buf` and extends the section CRC.
  Status ReadInto(Section* s, char* buf, size_t n) {
    WEMBED_RETURN_IF_ERROR(file_.Read(buf, n));
    s->crc = CrcExtend(s->crc, buf, n);
    return Status::Ok();
  }

  // Reads the rest of the payload (`n` bytes) and the CRC without keeping it.
  Status SkipRest(Section s, uint64_t n) {
    std::vector<char> buf(size_t(std::min<uint64_t>(n, kChunkBytes)));
    while (n > 0) {
      const size_t step = size_t(std::min<uint64_t>(n, buf.size()));
      WEMBED_RETURN_IF_ERROR(ReadInto(&s, buf.data(), step));
      n -= step;
    }
    return CheckCrc(s);
  }
  Status SkipPayload(const Section& s) { return SkipRest(s, s.length); }

  // Reads a whole (small) payload and verifies its CRC.
  Status ReadPayload(Section s, std::string* payload) {
    payload->resize(size_t(s.length));
    WEMBED_RETURN_IF_ERROR(ReadInto(&s, payload->data(), payload->size()));
    return CheckCrc(s);
  }

  Status ReadOptions(const Section& s,
                     std::vector<std::pair<std::string, std::string>>* out) {
    std::string payload;
    WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
    Decoder d(payload);
    uint32_t count;
    if (!d.U32(&count)) return Corrupt(Where(s) + " is too short");
    if (count > d.remaining() / kMinOptionEntrySize) {
      return Corrupt(Where(s) + " declares " + std::to_string(count) +
                     " options but holds only " +
                     std::to_string(d.remaining()) + " bytes");
    }
    out->resize(count);
    for (uint32_t i = 0; i < count; ++i) {
      if (!d.Bytes(&(*out)[i].first) || !d.Bytes(&(*out)[i].second)) {
        return Corrupt(Where(s) + ": option " + std::to_string(i) +
                       " runs past the end of the section");
      }
    }
    if (d.remaining() != 0) {
      return Corrupt(Where(s) + " has " + std::to_string(d.remaining()) +
                     " unexpected bytes after its last option");
    }
    return Status::Ok();
  }

  Status ReadVocabulary(const Section& s, Vocabulary* vocab) {
    std::string payload;
    WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
    Decoder d(payload);
    uint64_t count;
    if (!d.U64(&count)) return Corrupt(Where(s) + " is too short");
    if (count > d.remaining() / kMinVocabEntrySize) {
      return Corrupt(Where(s) + " declares " + std::to_string(count) +
                     " words but holds only " + std::to_string(d.remaining()) +
                     " bytes");
    }
    std::vector<std::string> words(count);
    std::vector<uint64_t> counts(count);
    for (uint64_t i = 0; i < count; ++i) {
      if (!d.Bytes(&words[i]) || !d.U64(&counts[i])) {
        return Corrupt(Where(s) + ": word " + std::to_string(i) +
                       " runs past the end of the section");
      }
    }
    if (d.remaining() != 0) {
      return Corrupt(Where(s) + " has " + std::to_string(d.remaining()) +
                     " unexpected bytes after its last word");
    }
    payload = std::string();  // release before building the index
    StatusOr<Vocabulary> v =
        Vocabulary::FromWordsAndCounts(std::move(words), std::move(counts));
    if (!v.ok()) return Corrupt(Where(s) + ": " + v.status().message());
    *vocab = std::move(v).value();
    return Status::Ok();
  }

  // Streams the floats straight into `out`; the dimensions are checked
  // against the section length (so against the file size) before anything is
  // allocated. On a dimension error the payload is still read to its CRC, so
  // that corruption is reported as a checksum mismatch.
  Status ReadMatrix(Section s, uint64_t expected_rows,
                    std::optional<uint64_t> expected_cols, Matrix* out) {
    const std::string name = SectionName(s.type);
    if (s.length < kMatrixDimsSize) {
      WEMBED_RETURN_IF_ERROR(SkipPayload(s));
      return Corrupt(Where(s) + " is too short for its dimensions");
    }
    char dims[kMatrixDimsSize];
    WEMBED_RETURN_IF_ERROR(ReadInto(&s, dims, sizeof(dims)));
    const uint64_t rows = DecodeU64(dims);
    const uint64_t cols = DecodeU64(dims + 8);
    const uint64_t data_bytes = s.length - kMatrixDimsSize;
    uint64_t float_bytes = 0;
    std::string problem;
    if (__builtin_mul_overflow(rows, cols, &float_bytes) ||
        __builtin_mul_overflow(float_bytes, uint64_t{sizeof(float)},
                               &float_bytes) ||
        float_bytes != data_bytes) {
      problem = name + " is " + std::to_string(rows) + " x " +
                std::to_string(cols) + " but its section holds " +
                std::to_string(data_bytes) + " bytes of floats";
    } else if (rows != expected_rows) {
      problem = name + " has " + std::to_string(rows) +
                " rows but the vocabulary has " +
                std::to_string(expected_rows) + " words";
    } else if (expected_cols && cols != *expected_cols) {
      problem = name + " has " + std::to_string(cols) +
                " columns but the input matrix has " +
                std::to_string(*expected_cols);
    } else if (rows > 0 && cols == 0) {
      problem = name + " has 0 columns";
    }
    if (!problem.empty()) {
      WEMBED_RETURN_IF_ERROR(SkipRest(s, data_bytes));
      return Corrupt(problem);
    }
    Matrix m(static_cast<size_t>(rows), static_cast<size_t>(cols));
    std::vector<char> chunk(
        size_t(std::min<uint64_t>(data_bytes, kChunkBytes)));
    size_t r = 0, c = 0;
    uint64_t left = data_bytes;
    while (left > 0) {
      const size_t n = size_t(std::min<uint64_t>(left, chunk.size()));
      WEMBED_RETURN_IF_ERROR(ReadInto(&s, chunk.data(), n));
      left -= n;
      // n is a multiple of 4: chunk.size() is, and so is data_bytes.
      const char* p = chunk.data();
      for (size_t floats = n / sizeof(float); floats > 0;) {
        const size_t k = std::min(floats, size_t(cols) - c);
        DecodeFloats(m.row(r) + c, p, k);
        p += k * sizeof(float);
        floats -= k;
        c += k;
        if (c == cols) {
          c = 0;
          ++r;
        }
      }
    }
    WEMBED_RETURN_IF_ERROR(CheckCrc(s));
    *out = std::move(m);
    return Status::Ok();
  }

  Status ReadProgress(const Section& s, TrainProgress* p) {
    const uint64_t max_length =
        kProgressFixedSize +
        uint64_t{kThreadRecordSize} * kMaxCheckpointThreads;
    if (s.length > max_length) {
      WEMBED_RETURN_IF_ERROR(SkipPayload(s));
      return Corrupt(Where(s) + " is " + std::to_string(s.length) +
                     " bytes, more than " +
                     std::to_string(kMaxCheckpointThreads) + " threads need");
    }
    std::string payload;
    WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
    if (payload.size() < kProgressFixedSize) {
      return Corrupt(Where(s) + " is too short (" +
                     std::to_string(payload.size()) + " bytes)");
    }
    Decoder d(payload);
    uint32_t flags = 0, num_threads = 0;
    d.U32(&p->epoch);
    d.U32(&flags);
    d.U64(&p->words_processed);
    d.U64(&p->corpus_tokens);
    d.U64(&p->corpus_fingerprint);
    d.U64(&p->corpus_bytes);
    d.F64(&p->elapsed_seconds);
    d.F64(&p->loss_sum);
    d.U64(&p->loss_count);
    d.U32(&num_threads);
    if ((flags & ~kProgressFinishedFlag) != 0) {
      return Corrupt(Where(s) + ": unknown flags " + std::to_string(flags));
    }
    p->finished = (flags & kProgressFinishedFlag) != 0;
    if (num_threads > kMaxCheckpointThreads ||
        d.remaining() != uint64_t{num_threads} * kThreadRecordSize) {
      return Corrupt(Where(s) + " declares " + std::to_string(num_threads) +
                     " threads but holds " + std::to_string(d.remaining()) +
                     " bytes of thread records (" +
                     std::to_string(kThreadRecordSize) + " each)");
    }
    p->threads.resize(num_threads);
    for (ThreadProgress& t : p->threads) {
      d.U32(&t.epoch);
      d.U64(&t.begin);
      d.U64(&t.end);
      d.U64(&t.position);
      for (uint64_t& r : t.rng_state) d.U64(&r);
      d.U64(&t.words_done);
      d.U64(&t.words_unreported);
    }
    return Status::Ok();
  }

  std::string path_;
  InputFile file_;
};

}  // namespace

Status WriteCheckpoint(const std::string& path, const Checkpoint& ckpt) {
  return WriteCheckpoint(path, ckpt, nullptr);
}

Status WriteCheckpoint(const std::string& path, const Checkpoint& ckpt,
                       FaultInjector* faults) {
  try {
    return WriteCheckpointImpl(path, ckpt, faults);
  } catch (const std::bad_alloc&) {
    return Status::Internal("checkpoint " + path +
                            " not written: out of memory");
  }
}

StatusOr<Checkpoint> ReadCheckpoint(const std::string& path) {
  try {
    CheckpointReader reader(path);
    return reader.Read();
  } catch (const std::bad_alloc&) {
    return Status::Internal(path + ": out of memory while reading checkpoint");
  } catch (const std::length_error&) {
    return Status::Internal(path + ": out of memory while reading checkpoint");
  }
}

bool LooksLikeCheckpoint(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st;
  char buf[kMagicSize];
  bool result = false;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    size_t got = 0;
    while (got < kMagicSize) {
      const ssize_t n = ::read(fd, buf + got, kMagicSize - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += size_t(n);
    }
    result = got == kMagicSize && std::memcmp(buf, kMagic, kMagicSize) == 0;
  }
  ::close(fd);
  return result;
}

}  // namespace wembed
