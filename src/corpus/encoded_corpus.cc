#include "wembed/corpus/encoded_corpus.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "base/coding.h"
#include "base/section_file.h"
#include "corpus/encoded_corpus_file.h"

namespace wembed {
namespace {

// Bytes read per step when searching a file for a sentence end.
constexpr size_t kSearchStepBytes = size_t{64} << 10;

}  // namespace

struct CorpusFingerprint::State {
  XXH3_state_t* xxh = XXH3_createState();
  State() {
    if (xxh == nullptr) throw std::bad_alloc();
    XXH3_64bits_reset(xxh);
  }
  ~State() { XXH3_freeState(xxh); }
};

CorpusFingerprint::CorpusFingerprint() : state_(std::make_unique<State>()) {}
CorpusFingerprint::~CorpusFingerprint() = default;
CorpusFingerprint::CorpusFingerprint(CorpusFingerprint&&) noexcept = default;
CorpusFingerprint& CorpusFingerprint::operator=(CorpusFingerprint&&) noexcept =
    default;

void CorpusFingerprint::Add(const uint8_t* p, size_t n) {
  XXH3_64bits_update(state_->xxh, p, n);
}

uint64_t CorpusFingerprint::Value() const {
  return XXH3_64bits_digest(state_->xxh);
}

uint64_t CorpusFingerprint::Of(const uint8_t* p, size_t n) {
  return XXH3_64bits(p, n);
}

uint64_t Fnv64Extend(uint64_t hash, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    hash ^= p[i];
    hash *= 0x100000001b3ULL;  // FNV-1a 64 prime
  }
  return hash;
}

uint64_t EncodedCorpus::FileData::FileOffset(uint64_t offset) const {
  return first_section_offset +
         offset / chunk_bytes * (chunk_bytes + kSectionOverhead) +
         kSectionHeaderSize + offset % chunk_bytes;
}

Status EncodedCorpus::FileData::Read(uint64_t offset, void* buf,
                                     size_t n) const {
  char* out = static_cast<char*>(buf);
  while (n > 0) {
    const size_t step =
        size_t(std::min<uint64_t>(n, chunk_bytes - offset % chunk_bytes));
    WEMBED_RETURN_IF_ERROR(file->ReadAt(FileOffset(offset), out, step));
    out += step;
    offset += step;
    n -= step;
  }
  return Status::Ok();
}

EncodedCorpus::EncodedCorpus(std::shared_ptr<const FileData> file,
                             uint64_t size_bytes, uint64_t num_tokens,
                             uint64_t num_sentences, uint64_t fingerprint,
                             uint64_t max_sentence_bytes)
    : file_(std::move(file)),
      file_size_(size_bytes),
      num_tokens_(num_tokens),
      num_sentences_(num_sentences),
      fingerprint_(fingerprint),
      max_sentence_bytes_(max_sentence_bytes) {}

Status EncodedCorpus::Read(uint64_t offset, void* buf, size_t n) const {
  if (offset > size_bytes() || n > size_bytes() - offset) {
    return Status::Internal("EncodedCorpus::Read past the end");
  }
  if (n == 0) return Status::Ok();  // `buf` may be null
  if (file_) return file_->Read(file_begin_ + offset, buf, n);
  std::memcpy(buf, bytes_.data() + offset, n);
  return Status::Ok();
}

bool EncodedCorpus::reads_need_checks() const {
  return file_ != nullptr && file_->needs_checks;
}

std::string CheckEncodedBytes(const uint8_t* p, size_t n, uint64_t vocab_size) {
  const uint8_t* const end = p + n;
  while (p < end) {
    if (*p == 0) {
      ++p;
      continue;
    }
    uint64_t value = 0;
    for (int i = 0;; ++i, ++p) {
      if (i == 5 || p == end || (i > 0 && *p == 0)) return "a broken varint";
      value |= uint64_t(*p & 0x7f) << (7 * i);
      if ((*p & 0x80) == 0) break;
    }
    ++p;
    if (value > vocab_size) return "a word id outside the vocabulary";
  }
  return "";
}

void EncodedCorpus::Prefetch(uint64_t offset, uint64_t n) const {
  if (!file_ || offset >= size_bytes()) return;
  n = std::min(n, size_bytes() - offset);
  offset += file_begin_;
  const uint64_t begin = file_->FileOffset(offset);
  file_->file->Prefetch(begin, file_->FileOffset(offset + n - 1) + 1 - begin);
}

size_t EncodedCorpus::NextSentenceStart(size_t offset) const {
  if (offset == 0) return 0;
  if (offset >= bytes_.size()) return bytes_.size();
  // A sentence starts at `offset` if the byte before it ends a sentence.
  const void* end =
      std::memchr(bytes_.data() + offset - 1, 0, bytes_.size() - (offset - 1));
  if (end == nullptr) return bytes_.size();
  return static_cast<const uint8_t*>(end) - bytes_.data() + 1;
}

StatusOr<uint64_t> EncodedCorpus::SentenceStartAtOrAfter(
    uint64_t offset) const {
  if (!file_) return uint64_t{NextSentenceStart(size_t(offset))};
  if (offset == 0) return uint64_t{0};
  const uint64_t size = size_bytes();
  std::vector<uint8_t> buf;
  for (uint64_t at = offset - 1; at < size; at += buf.size()) {
    buf.resize(size_t(std::min<uint64_t>(kSearchStepBytes, size - at)));
    WEMBED_RETURN_IF_ERROR(Read(at, buf.data(), buf.size()));
    const void* end = std::memchr(buf.data(), 0, buf.size());
    if (end != nullptr) {
      return at + uint64_t(static_cast<const uint8_t*>(end) - buf.data()) + 1;
    }
  }
  return size;
}

namespace {

// Totals of whole sentences of encoded bytes, read piece by piece.
struct SliceTotals {
  uint64_t tokens = 0;
  uint64_t sentences = 0;
  uint64_t longest = 0;  // bytes of the longest sentence, its 0x00 included
  uint64_t current = 0;  // bytes of the sentence in progress
  CorpusFingerprint hash;

  void Add(const uint8_t* p, size_t n) {
    hash.Add(p, n);
    for (size_t i = 0; i < n; ++i) {
      ++current;
      if (p[i] == 0) {
        ++sentences;
        longest = std::max(longest, current);
        current = 0;
      } else if ((p[i] & 0x80) == 0) {
        ++tokens;  // a varint's last byte
      }
    }
  }
};

}  // namespace

StatusOr<EncodedCorpus> EncodedCorpus::Slice(uint64_t begin, uint64_t end,
                                             uint64_t vocab_size) const {
  if (begin > end || end > size_bytes()) {
    return Status::Internal("EncodedCorpus::Slice outside the corpus");
  }
  SliceTotals totals;
  std::vector<uint8_t> buf;
  size_t piece = kSearchStepBytes * 16;
  for (uint64_t at = begin; at < end;) {
    buf.resize(size_t(std::min<uint64_t>(piece, end - at)));
    WEMBED_RETURN_IF_ERROR(Read(at, buf.data(), buf.size()));
    size_t whole = buf.size();  // up to the piece's last sentence end
    while (whole > 0 && buf[whole - 1] != 0) --whole;
    if (whole == 0) {  // a sentence longer than the piece
      if (buf.size() == end - at) {
        return Status::Corruption("encoded corpus: a sentence without its end");
      }
      piece *= 2;
      continue;
    }
    const std::string problem =
        CheckEncodedBytes(buf.data(), whole, vocab_size);
    if (!problem.empty())
      return Status::Corruption("encoded corpus: " + problem);
    totals.Add(buf.data(), whole);
    at += whole;
  }
  const uint64_t n = end - begin;
  if (!file_) {
    std::vector<uint8_t> bytes(bytes_.begin() + ptrdiff_t(begin),
                               bytes_.begin() + ptrdiff_t(end));
    return EncodedCorpus(std::move(bytes), totals.tokens, totals.sentences);
  }
  EncodedCorpus slice(file_, n, totals.tokens, totals.sentences,
                      totals.hash.Value(), totals.longest);
  slice.file_begin_ = file_begin_ + begin;
  return slice;
}

uint64_t EncodedCorpus::Fingerprint() const {
  if (file_) return fingerprint_;
  return CorpusFingerprint::Of(bytes_.data(), bytes_.size());
}

StatusOr<uint64_t> EncodedCorpus::LegacyFingerprint() const {
  if (!file_) return Fnv64Extend(kFnv64Basis, bytes_.data(), bytes_.size());
  uint64_t hash = kFnv64Basis;
  std::vector<uint8_t> buf(kSearchStepBytes * 16);
  for (uint64_t at = 0; at < size_bytes();) {
    const size_t n = size_t(std::min<uint64_t>(buf.size(), size_bytes() - at));
    WEMBED_RETURN_IF_ERROR(Read(at, buf.data(), n));
    hash = Fnv64Extend(hash, buf.data(), n);
    at += n;
  }
  return hash;
}

void EncodedCorpus::AppendToken(std::vector<uint8_t>* out, uint32_t id) {
  uint8_t buf[kMaxVarint64Bytes];
  const uint8_t* end = EncodeVarint64(buf, uint64_t{id} + 1);
  const uint8_t* begin = buf;
  out->insert(out->end(), begin, end);
}

}  // namespace wembed
