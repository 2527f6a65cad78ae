// Checkpoint reading and writing. The byte layout is specified in
// docs/checkpoint-format.md; keep the two in sync.
#include "wembed/vectors/checkpoint.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/atomic_file_writer.h"
#include "base/buffered_reader.h"
#include "base/coding.h"
#include "base/crc32.h"
#include "base/section_file.h"
#include "corpus/vocabulary_coding.h"
#include "vectors/checkpoint_reader.h"

namespace wembed {
namespace {

constexpr char kMagic[] = "WEMBEDCK";  // 8 bytes + NUL
constexpr size_t kMagicSize = kFileMagicSize;
constexpr uint32_t kIgnorableBit = kExtensionSectionBit;
constexpr size_t kChunkBytes = size_t{1} << 20;  // streaming buffer, 4-aligned
constexpr size_t kMatrixDimsSize = 16;           // rows u64, cols u64
constexpr size_t kProgressFixedSize = 68;
constexpr size_t kThreadRecordSize = 76;
constexpr uint32_t kProgressFinishedFlag = 1;
constexpr size_t kOutputLayoutSize = 16;  // layout u32, reserved u32, u64
constexpr size_t kSubwordSettingsSize = 16;  // min_n u32, max_n u32, u64

enum SectionType : uint32_t {
  kOptionsSection = 1,
  kVocabularySection = 2,
  kInputSection = 3,
  kOutputSection = 4,
  kProgressSection = 5,
  kEndSection = 6,
  kOutputLayoutSection = 7,     // versions 2 and 3
  kSubwordSettingsSection = 8,  // version 3 only
  kSubwordMatrixSection = 9,    // version 3 only
  // Extension (read by this build, skipped by older readers): the ranks
  // of a distributed run.
  kRanksSection = kExtensionSectionBit | 0x10,
};
constexpr size_t kRankRecordSize = 28;
// The sections every checkpoint of a version has, in file order, before the
// end section.
constexpr uint32_t kRequiredSectionsV1[] = {kOptionsSection, kVocabularySection,
                                            kInputSection, kOutputSection,
                                            kProgressSection};
constexpr uint32_t kRequiredSectionsV2[] = {
    kOptionsSection, kVocabularySection, kOutputLayoutSection,
    kInputSection,   kOutputSection,     kProgressSection};

constexpr uint32_t kRequiredSectionsV3[] = {
    kOptionsSection, kVocabularySection,    kOutputLayoutSection,
    kSubwordSettingsSection, kInputSection, kSubwordMatrixSection,
    kOutputSection,  kProgressSection};

std::span<const uint32_t> RequiredSections(uint32_t version) {
  if (version >= 3) return kRequiredSectionsV3;
  if (version >= 2) return kRequiredSectionsV2;
  return kRequiredSectionsV1;
}

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
    case kOutputLayoutSection:
      return "output layout";
    case kSubwordSettingsSection:
      return "subword settings";
    case kSubwordMatrixSection:
      return "subword matrix";
    case kRanksSection:
      return "ranks";
  }
  return "type " + std::to_string(type);
}

// ---- Consistency rules shared by the writer and the reader. ----

// The output matrix's rows against the vocabulary and the layout; "" when
// they agree.
std::string OutputRowsProblem(const Checkpoint& c) {
  const size_t v = c.vocab.size();
  const size_t output_rows = OutputRowsFor(c.output_layout, v);
  if (c.output.rows() != output_rows) {
    return "output matrix has " + std::to_string(c.output.rows()) +
           " rows but the vocabulary has " + std::to_string(v) + " words" +
           (c.output_layout == OutputLayout::kTreeNodes
                ? " (" + std::to_string(output_rows) + " tree nodes)"
                : "");
  }
  if (c.output_layout == OutputLayout::kWordVectors &&
      c.tree_fingerprint != 0) {
    return "a tree fingerprint without tree-node output rows";
  }
  return "";
}

// The subword settings and matrix; "" when they agree.
std::string SubwordProblem(const Checkpoint& c) {
  const SubwordSpec& s = c.subwords;
  if (!s.enabled()) {
    if (s.max_n != 0 || s.buckets != 0 || c.subword_input.rows() != 0) {
      return "subword rows or settings without subwords (min_n 0)";
    }
    return "";
  }
  if (s.min_n < 1 || s.max_n < s.min_n || s.max_n > kMaxSubwordLength ||
      s.buckets < 1) {
    return "subword settings " + std::to_string(s.min_n) + "-" +
           std::to_string(s.max_n) + " with " + std::to_string(s.buckets) +
           " buckets are invalid";
  }
  if (c.subword_input.rows() != s.buckets ||
      c.subword_input.cols() != c.input.cols()) {
    return "subword matrix is " + std::to_string(c.subword_input.rows()) +
           " x " + std::to_string(c.subword_input.cols()) + ", expected " +
           std::to_string(s.buckets) + " x " + std::to_string(c.input.cols());
  }
  return "";
}

// The ranks' thread counts add up to the threads; each has one.
std::string RanksProblem(const Checkpoint& c) {
  if (c.ranks.empty()) return "";
  if (c.ranks.size() > kMaxCheckpointThreads) return "too many ranks";
  uint64_t threads = 0;
  for (const RankShare& r : c.ranks) {
    if (r.threads == 0) return "a rank without threads";
    threads += r.threads;
  }
  if (threads != c.progress.threads.size()) {
    return "the ranks have " + std::to_string(threads) +
           " threads but the progress has " +
           std::to_string(c.progress.threads.size());
  }
  return "";
}

// Returns an empty string when `c` is consistent, else the first problem.
std::string FindInconsistency(const Checkpoint& c) {
  const size_t v = c.vocab.size();
  if (c.input.rows() != v) {
    return "input matrix has " + std::to_string(c.input.rows()) +
           " rows but the vocabulary has " + std::to_string(v) + " words";
  }
  if (std::string problem = OutputRowsProblem(c); !problem.empty()) {
    return problem;
  }
  if (c.input.cols() != c.output.cols()) {
    return "output matrix has " + std::to_string(c.output.cols()) +
           " columns but the input matrix has " +
           std::to_string(c.input.cols());
  }
  if (v > 0 && c.input.cols() == 0) return "matrices have 0 columns";
  if (std::string problem = SubwordProblem(c); !problem.empty()) {
    return problem;
  }
  std::unordered_set<std::string_view> keys;
  for (size_t i = 0; i < c.options.size(); ++i) {
    const std::string& key = c.options[i].first;
    if (key.empty()) return "option " + std::to_string(i) + " has an empty key";
    if (!keys.insert(key).second) return "option '" + key + "' appears twice";
  }
  const TrainProgress& p = c.progress;
  if (std::string problem = RanksProblem(c); !problem.empty()) return problem;
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

void EncodeThread(std::string* out, const ThreadProgress& t) {
  PutFixed32(out, t.epoch);
  PutFixed64(out, t.begin);
  PutFixed64(out, t.end);
  PutFixed64(out, t.position);
  for (uint64_t s : t.rng_state) PutFixed64(out, s);
  PutFixed64(out, t.words_done);
  PutFixed64(out, t.words_unreported);
}

std::string EncodeProgress(const TrainProgress& p) {
  std::string out;
  out.reserve(kProgressFixedSize + kThreadRecordSize * p.threads.size());
  PutFixed32(&out, p.epoch);
  PutFixed32(&out, p.finished ? kProgressFinishedFlag : 0);
  PutFixed64(&out, p.words_processed);
  PutFixed64(&out, p.corpus_tokens);
  PutFixed64(&out, p.corpus_fingerprint);
  PutFixed64(&out, p.corpus_bytes);
  PutDouble(&out, p.elapsed_seconds);
  PutDouble(&out, p.loss_sum);
  PutFixed64(&out, p.loss_count);
  PutFixed32(&out, uint32_t(p.threads.size()));
  for (const ThreadProgress& t : p.threads) EncodeThread(&out, t);
  return out;
}

std::string EncodeRanks(const std::vector<RankShare>& ranks) {
  std::string out;
  PutFixed32(&out, uint32_t(ranks.size()));
  for (const RankShare& r : ranks) {
    PutFixed64(&out, r.corpus_tokens);
    PutFixed64(&out, r.corpus_bytes);
    PutFixed64(&out, r.corpus_fingerprint);
    PutFixed32(&out, r.threads);
  }
  return out;
}

std::string EncodeOutputLayout(const Checkpoint& c) {
  std::string out;
  PutFixed32(&out, uint32_t(c.output_layout));
  PutFixed32(&out, 0);  // reserved
  PutFixed64(&out, c.tree_fingerprint);
  return out;
}

std::string EncodeSubwordSettings(const SubwordSpec& s) {
  std::string out;
  PutFixed32(&out, uint32_t(s.min_n));
  PutFixed32(&out, uint32_t(s.max_n));
  PutFixed64(&out, s.buckets);
  return out;
}

// Streams cols() floats of every row through `chunk`, computing the CRC on
// the way, so no second copy of the matrix is ever built.
Status WriteMatrixSection(AtomicFileWriter* w, uint32_t type, const Matrix& m,
                          std::vector<char>* chunk) {
  const uint64_t float_bytes = uint64_t(m.rows()) * m.cols() * sizeof(float);
  char head[kSectionHeaderSize + kMatrixDimsSize];
  EncodeFixed32(head, type);
  EncodeFixed64(head + 4, kMatrixDimsSize + float_bytes);
  EncodeFixed64(head + 12, m.rows());
  EncodeFixed64(head + 20, m.cols());
  uint32_t crc = Crc32(head, sizeof(head));
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
        crc = Crc32Extend(crc, chunk->data(), chunk->size());
        WEMBED_RETURN_IF_ERROR(w->Append(chunk->data(), chunk->size()));
        fill = 0;
      }
    }
  }
  if (fill > 0) {
    crc = Crc32Extend(crc, chunk->data(), fill * sizeof(float));
    WEMBED_RETURN_IF_ERROR(w->Append(chunk->data(), fill * sizeof(float)));
  }
  char tail[kSectionCrcSize];
  EncodeFixed32(tail, crc);
  return w->Append(tail, sizeof(tail));
}

Status WriteCheckpointImpl(const std::string& path, const Checkpoint& ckpt,
                           const Env& env) {
  const std::string problem = FindInconsistency(ckpt);
  if (!problem.empty()) {
    return Status::InvalidArgument("checkpoint " + path +
                                   " not written: " + problem);
  }
  AtomicFileWriter w(path, env);  // removes stale temp files at Open()
  WEMBED_RETURN_IF_ERROR(w.Open());
  const bool subwords = ckpt.subwords.enabled();
  const uint32_t version = FormatVersionFor(ckpt.output_layout, subwords);
  const std::string header = EncodeFileHeader(kMagic, version);
  WEMBED_RETURN_IF_ERROR(w.Append(header.data(), header.size()));
  WEMBED_RETURN_IF_ERROR(
      AppendSection(w, kOptionsSection, EncodeKeyValues(ckpt.options)));
  WEMBED_RETURN_IF_ERROR(AppendSection(w, kVocabularySection,
                                       EncodeVocabularyPayload(ckpt.vocab)));
  if (version >= 2) {
    WEMBED_RETURN_IF_ERROR(
        AppendSection(w, kOutputLayoutSection, EncodeOutputLayout(ckpt)));
  }
  if (subwords) {
    WEMBED_RETURN_IF_ERROR(AppendSection(
        w, kSubwordSettingsSection, EncodeSubwordSettings(ckpt.subwords)));
  }
  std::vector<char> chunk(kChunkBytes);
  WEMBED_RETURN_IF_ERROR(
      WriteMatrixSection(&w, kInputSection, ckpt.input, &chunk));
  if (subwords) {
    WEMBED_RETURN_IF_ERROR(WriteMatrixSection(&w, kSubwordMatrixSection,
                                              ckpt.subword_input, &chunk));
  }
  WEMBED_RETURN_IF_ERROR(
      WriteMatrixSection(&w, kOutputSection, ckpt.output, &chunk));
  WEMBED_RETURN_IF_ERROR(
      AppendSection(w, kProgressSection, EncodeProgress(ckpt.progress)));
  if (!ckpt.ranks.empty()) {
    WEMBED_RETURN_IF_ERROR(
        AppendSection(w, kRanksSection, EncodeRanks(ckpt.ranks)));
  }
  WEMBED_RETURN_IF_ERROR(AppendSection(w, kEndSection, {}));
  return w.Commit();
}

// ---- Reading. ----

// Reads a checkpoint from a BufferedReader over a regular, uncompressed
// file of known size, so that every length can be checked against the bytes
// left before anything is read or allocated.
class CheckpointReader {
 public:
  CheckpointReader(BufferedReader& in, uint64_t size)
      : reader_(in, size, SectionName) {}

  StatusOr<Checkpoint> Read() {
    Checkpoint ckpt;
    WEMBED_RETURN_IF_ERROR(reader_.ReadHeader(kMagic, "wembed checkpoint",
                                              kCheckpointFormatVersion,
                                              &ckpt.format_version));
    required_ = RequiredSections(ckpt.format_version);
    size_t next_required = 0;
    while (true) {
      Section s;
      WEMBED_RETURN_IF_ERROR(reader_.ReadSectionHeader(&s));
      if (s.type == kRanksSection) {
        WEMBED_RETURN_IF_ERROR(ReadRanks(s, &ckpt.ranks));
        continue;
      }
      if (!IsExpected(s.type, next_required)) {
        WEMBED_RETURN_IF_ERROR(SkipUnexpected(s, next_required));
        continue;
      }
      if (s.type == kEndSection) {
        WEMBED_RETURN_IF_ERROR(reader_.ReadEnd(s));
        const std::string problem = FindInconsistency(ckpt);
        if (!problem.empty()) return Corrupt(problem);
        return ckpt;
      }
      WEMBED_RETURN_IF_ERROR(ReadRequired(s, &ckpt));
      ++next_required;
    }
  }

 private:
  using Section = SectionReader::Section;

  bool IsExpected(uint32_t type, size_t next_required) const {
    if (next_required < required_.size()) {
      return type == required_[next_required];
    }
    return type == kEndSection;
  }
  // A section type this file's version has.
  bool IsKnownType(uint32_t type) const {
    return type == kEndSection || std::find(required_.begin(), required_.end(),
                                            type) != required_.end();
  }

  // A section out of the required order: its checksum is verified first, so
  // a corrupted type reads as a checksum mismatch; a well-formed extension
  // section is skipped.
  Status SkipUnexpected(const Section& s, size_t next_required) {
    WEMBED_RETURN_IF_ERROR(SkipPayload(s));
    if (s.type & kIgnorableBit) return Status::Ok();
    if (IsKnownType(s.type)) {
      return Corrupt(Where(s) + " is out of order (" +
                     (next_required < required_.size()
                          ? "expected section '" +
                                SectionName(required_[next_required]) + "'"
                          : std::string("expected the end section")) +
                     ")");
    }
    return Corrupt("unknown section type " + std::to_string(s.type) +
                   " at offset " + std::to_string(s.offset));
  }

  Status ReadRequired(const Section& s, Checkpoint* ckpt) {
    switch (s.type) {
      case kOptionsSection:
        return reader_.ReadKeyValues(s, &ckpt->options);
      case kVocabularySection:
        return ReadVocabulary(s, &ckpt->vocab);
      case kOutputLayoutSection:
        return ReadOutputLayout(s, ckpt);
      case kSubwordSettingsSection:
        return ReadSubwordSettings(s, &ckpt->subwords);
      case kInputSection:
        return ReadMatrix(s, ckpt->vocab.size(), ckpt->vocab.size(),
                          std::nullopt, &ckpt->input);
      case kSubwordMatrixSection:
        return ReadMatrix(s, ckpt->subwords.buckets, ckpt->subwords.buckets,
                          ckpt->input.cols(), &ckpt->subword_input);
      case kOutputSection:
        return ReadMatrix(
            s, ckpt->vocab.size(),
            OutputRowsFor(ckpt->output_layout, ckpt->vocab.size()),
            ckpt->input.cols(), &ckpt->output);
      case kProgressSection:
        return ReadProgress(s, &ckpt->progress);
    }
    return Status::Internal("unhandled checkpoint section");
  }

  Status Corrupt(const std::string& message) const {
    return reader_.Corrupt(message);
  }
  std::string Where(const Section& s) const { return reader_.Where(s); }
  Status ReadInto(Section* s, char* buf, size_t n) {
    return reader_.ReadInto(s, buf, n);
  }
  Status CheckCrc(const Section& s) { return reader_.CheckCrc(s); }
  Status SkipRest(Section s, uint64_t n) { return reader_.SkipRest(s, n); }
  Status SkipPayload(const Section& s) { return reader_.SkipPayload(s); }
  Status ReadPayload(Section s, std::string* payload) {
    return reader_.ReadPayload(s, payload);
  }

  Status ReadRanks(const Section& s, std::vector<RankShare>* ranks) {
    std::string payload;
    WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
    ByteDecoder d(payload);
    uint32_t n = 0;
    if (!d.Fixed32(&n) || d.remaining() != uint64_t(n) * kRankRecordSize) {
      return Corrupt(Where(s) + " is " + std::to_string(payload.size()) +
                     " bytes, not a count and whole rank records");
    }
    ranks->resize(n);
    for (RankShare& r : *ranks) {
      d.Fixed64(&r.corpus_tokens);
      d.Fixed64(&r.corpus_bytes);
      d.Fixed64(&r.corpus_fingerprint);
      d.Fixed32(&r.threads);
    }
    return Status::Ok();
  }

  Status ReadOutputLayout(const Section& s, Checkpoint* ckpt) {
    std::string payload;
    WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
    if (payload.size() != kOutputLayoutSize) {
      return Corrupt(Where(s) + " is " + std::to_string(payload.size()) +
                     " bytes (expected " + std::to_string(kOutputLayoutSize) +
                     ")");
    }
    ByteDecoder d(payload);
    uint32_t layout = 0, reserved = 0;
    d.Fixed32(&layout);
    d.Fixed32(&reserved);
    d.Fixed64(&ckpt->tree_fingerprint);
    if (layout > uint32_t(OutputLayout::kTreeNodes) || reserved != 0) {
      return Corrupt(Where(s) + ": unknown layout " + std::to_string(layout) +
                     " (reserved " + std::to_string(reserved) + ")");
    }
    ckpt->output_layout = OutputLayout(layout);
    return Status::Ok();
  }

  Status ReadSubwordSettings(const Section& s, SubwordSpec* spec) {
    std::string payload;
    WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
    if (payload.size() != kSubwordSettingsSize) {
      return Corrupt(Where(s) + " is " + std::to_string(payload.size()) +
                     " bytes (expected " +
                     std::to_string(kSubwordSettingsSize) + ")");
    }
    ByteDecoder d(payload);
    uint32_t min_n = 0, max_n = 0;
    d.Fixed32(&min_n);
    d.Fixed32(&max_n);
    d.Fixed64(&spec->buckets);
    if (min_n < 1 || max_n < min_n || max_n > uint32_t(kMaxSubwordLength) ||
        spec->buckets < 1) {
      return Corrupt(Where(s) + ": invalid n-gram lengths " +
                     std::to_string(min_n) + "-" + std::to_string(max_n) +
                     " or bucket count " + std::to_string(spec->buckets));
    }
    spec->min_n = int(min_n);
    spec->max_n = int(max_n);
    return Status::Ok();
  }

  Status ReadVocabulary(const Section& s, Vocabulary* vocab) {
    std::string payload;
    WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
    StatusOr<Vocabulary> v = DecodeVocabularyPayload(payload);
    if (!v.ok()) return Corrupt(Where(s) + v.status().message());
    *vocab = std::move(v).value();
    return Status::Ok();
  }

  // Streams the floats straight into `out`; the dimensions are checked
  // against the section length (so against the file size) before anything is
  // allocated. On a dimension error the payload is still read to its CRC, so
  // that corruption is reported as a checksum mismatch.
  Status ReadMatrix(Section s, uint64_t vocab_size, uint64_t expected_rows,
                    std::optional<uint64_t> expected_cols, Matrix* out) {
    const std::string name = SectionName(s.type);
    if (s.length < kMatrixDimsSize) {
      WEMBED_RETURN_IF_ERROR(SkipPayload(s));
      return Corrupt(Where(s) + " is too short for its dimensions");
    }
    char dims[kMatrixDimsSize];
    WEMBED_RETURN_IF_ERROR(ReadInto(&s, dims, sizeof(dims)));
    const uint64_t rows = DecodeFixed64(dims);
    const uint64_t cols = DecodeFixed64(dims + 8);
    const uint64_t data_bytes = s.length - kMatrixDimsSize;
    uint64_t float_bytes = 0;
    std::string problem;
    const std::string words =
        std::to_string(vocab_size) +
        (s.type == kSubwordMatrixSection ? " buckets" : " words");
    if (__builtin_mul_overflow(rows, cols, &float_bytes) ||
        __builtin_mul_overflow(float_bytes, uint64_t{sizeof(float)},
                               &float_bytes) ||
        float_bytes != data_bytes) {
      problem = name + " is " + std::to_string(rows) + " x " +
                std::to_string(cols) + " but its section holds " +
                std::to_string(data_bytes) + " bytes of floats";
    } else if (rows != expected_rows) {
      problem = name + " has " + std::to_string(rows) +
                (s.type == kSubwordMatrixSection ? " rows but the settings have "
                                                 : " rows but the vocabulary has ") +
                words +
                (expected_rows != vocab_size
                     ? " (" + std::to_string(expected_rows) + " tree nodes)"
                     : "");
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
    ByteDecoder d(payload);
    uint32_t flags = 0, num_threads = 0;
    d.Fixed32(&p->epoch);
    d.Fixed32(&flags);
    d.Fixed64(&p->words_processed);
    d.Fixed64(&p->corpus_tokens);
    d.Fixed64(&p->corpus_fingerprint);
    d.Fixed64(&p->corpus_bytes);
    d.Double(&p->elapsed_seconds);
    d.Double(&p->loss_sum);
    d.Fixed64(&p->loss_count);
    d.Fixed32(&num_threads);
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
      d.Fixed32(&t.epoch);
      d.Fixed64(&t.begin);
      d.Fixed64(&t.end);
      d.Fixed64(&t.position);
      for (uint64_t& r : t.rng_state) d.Fixed64(&r);
      d.Fixed64(&t.words_done);
      d.Fixed64(&t.words_unreported);
    }
    return Status::Ok();
  }

  SectionReader reader_;
  std::span<const uint32_t> required_;  // of the file's version
};

}  // namespace

bool StartsWithCheckpointMagic(std::string_view bytes) {
  return bytes.size() >= kMagicSize &&
         std::memcmp(bytes.data(), kMagic, kMagicSize) == 0;
}

StatusOr<Checkpoint> ReadCheckpointFrom(BufferedReader& in) {
  const ReadableFile& file = in.file();
  if (file.is_gzip()) {
    return Status::Corruption(in.name() +
                              ": a compressed checkpoint; gunzip it first "
                              "(checkpoints are read uncompressed)");
  }
  if (!file.is_regular() || in.offset() != 0) {
    return Status::IoError(in.name() +
                           ": a checkpoint must be read from a regular file");
  }
  try {
    CheckpointReader reader(in, file.size_on_disk());
    return reader.Read();
  } catch (const std::bad_alloc&) {
    return Status::Internal(in.name() +
                            ": out of memory while reading checkpoint");
  } catch (const std::length_error&) {
    return Status::Internal(in.name() +
                            ": out of memory while reading checkpoint");
  }
}

bool CheckpointIsFinite(const Checkpoint& ckpt) {
  for (const Matrix* m : {&ckpt.input, &ckpt.output, &ckpt.subword_input}) {
    for (size_t r = 0; r < m->rows(); ++r) {
      const float* row = m->row(r);
      float acc = 0;
      // x * 0 is 0 for finite x and NaN for NaN and Inf.
      for (size_t c = 0; c < m->cols(); ++c) acc += row[c] * 0.0f;
      if (acc != 0.0f) return false;
    }
  }
  return true;
}

Status WriteCheckpoint(const std::string& path, const Checkpoint& ckpt,
                       const Env& env) {
  try {
    return WriteCheckpointImpl(path, ckpt, env);
  } catch (const std::bad_alloc&) {
    return Status::Internal("checkpoint " + path +
                            " not written: out of memory");
  }
}

StatusOr<Checkpoint> ReadCheckpoint(const std::string& path, const Env& env) {
  ReadableOptions options;
  options.allow_stdin = false;
  options.allow_gzip = false;
  options.regular_only = true;
  StatusOr<std::unique_ptr<BufferedReader>> in =
      BufferedReader::Open(path, env, options);
  if (!in.ok()) return in.status();
  return ReadCheckpointFrom(**in);
}

bool LooksLikeCheckpoint(const std::string& path) {
  ReadableOptions options;
  options.allow_stdin = false;
  options.allow_gzip = false;
  options.regular_only = true;  // never blocks on a FIFO
  StatusOr<std::unique_ptr<BufferedReader>> in =
      BufferedReader::Open(path, Env::Default(), options);
  if (!in.ok() || !(*in)->Fill(kMagicSize).ok()) return false;
  return StartsWithCheckpointMagic(
      std::string_view((*in)->data(), (*in)->available()));
}

}  // namespace wembed
