#include "wembed/vectors/checkpoint.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "base/atomic_file_writer.h"
#include "wembed/base/env.h"
#include "test_util.h"

namespace wembed {
namespace {

// ---------------------------------------------------------------------------
// Helpers.

using testing::ReadFile;
using testing::FailOneOp;
using testing::TempDir;
using testing::RewriteFile;
using testing::WriteFile;

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A checkpoint with every field set to something distinctive. Matrix entries
// are random bit patterns (NaNs with payloads, infinities, denormals, -0)
// so that the round trip must be bit-exact. Words include non-ASCII UTF-8.
Checkpoint MakeCheckpoint(size_t num_words, size_t dim, size_t num_threads,
                          uint64_t seed = 1) {
  uint64_t rng = seed;
  Checkpoint c;
  c.options = {{"dim", std::to_string(dim)},
               {"epochs", "5"},
               {"inputs", "/data/a b.txt\n/data/ü.txt"},
               {"empty", ""},
               {"alpha", "0.025"}};
  const std::vector<std::string> special = {"naïve", "日本語", "😀", "a\x01z"};
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  for (size_t i = 0; i < num_words; ++i) {
    words.push_back(i < special.size() ? special[i] : "w" + std::to_string(i));
    counts.push_back(1000000 - i);
  }
  if (num_words > 0) counts[0] = std::numeric_limits<uint64_t>::max() / 2;
  c.vocab = Vocabulary::FromWordsAndCounts(words, counts).value();
  c.input = Matrix(num_words, dim);
  c.output = Matrix(num_words, dim);
  for (Matrix* m : {&c.input, &c.output}) {
    for (size_t r = 0; r < num_words; ++r) {
      for (size_t k = 0; k < dim; ++k) {
        m->row(r)[k] = std::bit_cast<float>(uint32_t(SplitMix(&rng)));
      }
    }
  }
  if (num_words > 0 && dim >= 4) {
    c.input.row(0)[0] = -0.0f;
    c.input.row(0)[1] = std::numeric_limits<float>::infinity();
    c.input.row(0)[2] = std::numeric_limits<float>::denorm_min();
    c.input.row(0)[3] = std::bit_cast<float>(uint32_t{0x7fa00001});  // sNaN
  }
  TrainProgress& p = c.progress;
  p.epoch = 2;
  p.words_processed = 123456789012ULL;
  p.corpus_tokens = 33900000;
  p.corpus_fingerprint = 0xfedcba9876543210ULL;
  p.corpus_bytes = 1000000;
  p.elapsed_seconds = 1234.5678;
  p.loss_sum = -0.0 + 98765.4321;
  p.loss_count = 777;
  p.finished = false;
  for (size_t t = 0; t < num_threads; ++t) {
    ThreadProgress tp;
    tp.epoch = 2 + uint32_t(t % 2);
    tp.begin = 1000000 * t / num_threads;
    tp.end = 1000000 * (t + 1) / num_threads;
    tp.position = tp.begin + (tp.end - tp.begin) / 3;
    for (uint64_t& s : tp.rng_state) s = SplitMix(&rng);
    tp.words_done = 4242 + t;
    tp.words_unreported = 17 + t;
    p.threads.push_back(tp);
  }
  return c;
}

void ExpectMatrixBitsEqual(const Matrix& a, const Matrix& b, const char* name) {
  ASSERT_EQ(a.rows(), b.rows()) << name;
  ASSERT_EQ(a.cols(), b.cols()) << name;
  for (size_t r = 0; r < a.rows(); ++r) {
    ASSERT_EQ(std::memcmp(a.row(r), b.row(r), a.cols() * sizeof(float)), 0)
        << name << " row " << r;
    for (size_t k = b.cols(); k < b.stride(); ++k) {
      ASSERT_EQ(std::bit_cast<uint32_t>(b.row(r)[k]), 0u)
          << name << " padding of row " << r;
    }
  }
}

void ExpectCheckpointsEqual(const Checkpoint& a, const Checkpoint& b) {
  EXPECT_EQ(a.options, b.options);
  EXPECT_EQ(a.vocab.words(), b.vocab.words());
  EXPECT_EQ(a.vocab.counts(), b.vocab.counts());
  for (size_t i = 0; i < b.vocab.size(); ++i) {
    EXPECT_EQ(b.vocab.Find(b.vocab.word(int32_t(i))), int32_t(i));
  }
  ExpectMatrixBitsEqual(a.input, b.input, "input");
  ExpectMatrixBitsEqual(a.output, b.output, "output");
  EXPECT_EQ(a.output_layout, b.output_layout);
  EXPECT_EQ(a.tree_fingerprint, b.tree_fingerprint);
  EXPECT_EQ(a.subwords, b.subwords);
  ExpectMatrixBitsEqual(a.subword_input, b.subword_input, "subwords");
  const TrainProgress& p = a.progress;
  const TrainProgress& q = b.progress;
  EXPECT_EQ(p.epoch, q.epoch);
  EXPECT_EQ(p.words_processed, q.words_processed);
  EXPECT_EQ(p.corpus_tokens, q.corpus_tokens);
  EXPECT_EQ(p.corpus_fingerprint, q.corpus_fingerprint);
  EXPECT_EQ(p.corpus_bytes, q.corpus_bytes);
  EXPECT_EQ(std::bit_cast<uint64_t>(p.elapsed_seconds),
            std::bit_cast<uint64_t>(q.elapsed_seconds));
  EXPECT_EQ(std::bit_cast<uint64_t>(p.loss_sum),
            std::bit_cast<uint64_t>(q.loss_sum));
  EXPECT_EQ(p.loss_count, q.loss_count);
  EXPECT_EQ(p.finished, q.finished);
  ASSERT_EQ(p.threads.size(), q.threads.size());
  for (size_t t = 0; t < p.threads.size(); ++t) {
    const ThreadProgress& x = p.threads[t];
    const ThreadProgress& y = q.threads[t];
    EXPECT_EQ(x.epoch, y.epoch) << t;
    EXPECT_EQ(x.begin, y.begin) << t;
    EXPECT_EQ(x.end, y.end) << t;
    EXPECT_EQ(x.position, y.position) << t;
    for (int i = 0; i < 4; ++i) EXPECT_EQ(x.rng_state[i], y.rng_state[i]) << t;
    EXPECT_EQ(x.words_done, y.words_done) << t;
    EXPECT_EQ(x.words_unreported, y.words_unreported) << t;
  }
}

// --- An independent reading of docs/checkpoint-format.md, for crafting. ---

std::string Le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = char(uint8_t(v >> (8 * i)));
  return s;
}
std::string Le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = char(uint8_t(v >> (8 * i)));
  return s;
}
uint32_t Get32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(b[at + i])) << (8 * i);
  return v;
}
uint64_t Get64(const std::string& b, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(b[at + i])) << (8 * i);
  return v;
}
uint32_t Crc32(const std::string& s) {
  return uint32_t(
      ::crc32(0, reinterpret_cast<const Bytef*>(s.data()), uInt(s.size())));
}
std::string SpecSection(uint32_t type, const std::string& payload) {
  const std::string head = Le32(type) + Le64(payload.size());
  return head + payload + Le32(Crc32(head + payload));
}

constexpr size_t kHeaderBytes = 20;
constexpr uint32_t kTypeOptions = 1, kTypeVocabulary = 2, kTypeInput = 3,
                   kTypeOutput = 4, kTypeProgress = 5, kTypeEnd = 6,
                   kTypeOutputLayout = 7;

struct SectionPos {
  uint32_t type;
  size_t offset;    // of the section header
  uint64_t length;  // payload bytes
  size_t payload() const { return offset + 12; }
  size_t crc() const { return payload() + length; }
};

std::vector<SectionPos> Sections(const std::string& b) {
  std::vector<SectionPos> out;
  size_t at = kHeaderBytes;
  while (at + 16 <= b.size()) {
    SectionPos s{Get32(b, at), at, Get64(b, at + 4)};
    out.push_back(s);
    at = s.crc() + 4;
  }
  return out;
}

SectionPos FindSection(const std::string& b, uint32_t type) {
  for (const SectionPos& s : Sections(b)) {
    if (s.type == type) return s;
  }
  ADD_FAILURE() << "no section of type " << type;
  return SectionPos{};
}

// Recomputes the CRC of `s` after a test edited its header or payload.
void FixCrc(std::string* b, const SectionPos& s) {
  const std::string covered = b->substr(s.offset, 12 + s.length);
  b->replace(s.crc(), 4, Le32(Crc32(covered)));
}

void Put64At(std::string* b, size_t at, uint64_t v) {
  b->replace(at, 8, Le64(v));
}
void Put32At(std::string* b, size_t at, uint32_t v) {
  b->replace(at, 4, Le32(v));
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("ck.wemb");
    small_ = MakeCheckpoint(20, 8, 2);
    ASSERT_TRUE(WriteCheckpoint(path_, small_).ok());
    bytes_ = ReadFile(path_);
  }

  // Writes `bytes` to a scratch file and reads it back.
  StatusOr<Checkpoint> ReadFromBytes(const std::string& bytes) {
    const std::string p = dir_.File("crafted.wemb");
    RewriteFile(p, bytes);
    return ReadCheckpoint(p);
  }
  // Expects `bytes` to be rejected as corrupt with a message naming the
  // file and containing `needle`.
  void ExpectCorrupt(const std::string& bytes, const std::string& needle) {
    StatusOr<Checkpoint> r = ReadFromBytes(bytes);
    ASSERT_FALSE(r.ok()) << "accepted; expected: " << needle;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption)
        << r.status().message();
    EXPECT_NE(r.status().message().find(dir_.File("crafted.wemb")),
              std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find(needle), std::string::npos)
        << r.status().message();
    EXPECT_EQ(r.status().message().find("out of memory"), std::string::npos)
        << r.status().message();
  }

  TempDir dir_;
  std::string path_;
  Checkpoint small_;
  std::string bytes_;
};

// ---------------------------------------------------------------------------
// Round trips and the byte layout.

TEST_F(CheckpointTest, RoundTripPreservesEveryFieldBitExactly) {
  Checkpoint c = MakeCheckpoint(50, 20, 3, /*seed=*/7);
  c.progress.finished = true;
  c.progress.threads[1].rng_state[2] = std::numeric_limits<uint64_t>::max();
  c.progress.threads[2].position = c.progress.threads[2].end;
  ASSERT_TRUE(WriteCheckpoint(path_, c).ok());
  StatusOr<Checkpoint> r = ReadCheckpoint(path_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // Word-vector output is written in the oldest version that holds it.
  EXPECT_EQ(r->format_version, 1u);
  ExpectCheckpointsEqual(c, *r);
  EXPECT_EQ(r->vocab.Find("日本語"), 1);
  EXPECT_EQ(r->vocab.total_count(), c.vocab.total_count());
  EXPECT_TRUE(LooksLikeCheckpoint(path_));
}

TEST_F(CheckpointTest, RoundTripWithNoThreadsAndNoOptions) {
  Checkpoint c = MakeCheckpoint(3, 1, 0);
  c.options.clear();
  c.progress = TrainProgress();
  ASSERT_TRUE(WriteCheckpoint(path_, c).ok());
  StatusOr<Checkpoint> r = ReadCheckpoint(path_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ExpectCheckpointsEqual(c, *r);
  EXPECT_TRUE(r->progress.threads.empty());
}

TEST_F(CheckpointTest, EmptyCheckpointRoundTrips) {
  Checkpoint c;
  ASSERT_TRUE(WriteCheckpoint(path_, c).ok());
  StatusOr<Checkpoint> r = ReadCheckpoint(path_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->vocab.size(), 0u);
  EXPECT_EQ(r->input.rows(), 0u);
}

TEST_F(CheckpointTest, OverwritingReplacesTheOldCheckpoint) {
  Checkpoint c = MakeCheckpoint(30, 4, 1, 99);
  ASSERT_TRUE(WriteCheckpoint(path_, c).ok());
  StatusOr<Checkpoint> r = ReadCheckpoint(path_);
  ASSERT_TRUE(r.ok());
  ExpectCheckpointsEqual(c, *r);
  EXPECT_EQ(dir_.List(), std::vector<std::string>{"ck.wemb"});
}

// The file is exactly what docs/checkpoint-format.md says, byte for byte
// (this test encodes the spec independently of src/checkpoint.cc).
TEST_F(CheckpointTest, FileMatchesTheSpecifiedLayout) {
  Checkpoint c = MakeCheckpoint(3, 2, 1, 5);
  c.options = {{"k", "v1"}, {"dim", "2"}};
  ASSERT_TRUE(WriteCheckpoint(path_, c).ok());

  std::string want = std::string("WEMBEDCK") + Le32(1) + Le32(0);
  want += Le32(Crc32(want));
  std::string opts = Le32(2);
  for (const auto& [k, v] : c.options) {
    opts += Le32(k.size()) + k + Le32(v.size()) + v;
  }
  want += SpecSection(kTypeOptions, opts);
  std::string vocab = Le64(3);
  for (int i = 0; i < 3; ++i) {
    vocab +=
        Le32(c.vocab.word(i).size()) + c.vocab.word(i) + Le64(c.vocab.count(i));
  }
  want += SpecSection(kTypeVocabulary, vocab);
  for (const auto& [type, m] :
       {std::pair{kTypeInput, &c.input}, std::pair{kTypeOutput, &c.output}}) {
    std::string payload = Le64(m->rows()) + Le64(m->cols());
    for (size_t r = 0; r < m->rows(); ++r) {
      for (size_t k = 0; k < m->cols(); ++k) {
        payload += Le32(std::bit_cast<uint32_t>(m->row(r)[k]));
      }
    }
    want += SpecSection(type, payload);
  }
  const TrainProgress& p = c.progress;
  std::string prog = Le32(p.epoch) + Le32(p.finished ? 1 : 0) +
                     Le64(p.words_processed) + Le64(p.corpus_tokens) +
                     Le64(p.corpus_fingerprint) + Le64(p.corpus_bytes) +
                     Le64(std::bit_cast<uint64_t>(p.elapsed_seconds)) +
                     Le64(std::bit_cast<uint64_t>(p.loss_sum)) +
                     Le64(p.loss_count) + Le32(p.threads.size());
  for (const ThreadProgress& t : p.threads) {
    prog += Le32(t.epoch) + Le64(t.begin) + Le64(t.end) + Le64(t.position);
    for (uint64_t s : t.rng_state) prog += Le64(s);
    prog += Le64(t.words_done) + Le64(t.words_unreported);
  }
  want += SpecSection(kTypeProgress, prog);
  want += SpecSection(kTypeEnd, "");
  const std::string got = ReadFile(path_);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], want[i]) << "first difference at byte " << i;
  }
}

// A checkpoint of hierarchical softmax: V - 1 output rows (tree nodes).
Checkpoint MakeTreeCheckpoint(size_t num_words, size_t dim, uint64_t seed) {
  Checkpoint c = MakeCheckpoint(num_words, dim, 1, seed);
  Matrix nodes(num_words - 1, dim);
  for (size_t r = 0; r + 1 < num_words; ++r) {
    std::copy(c.output.row(r), c.output.row(r) + nodes.stride(), nodes.row(r));
  }
  c.output = std::move(nodes);
  c.output_layout = OutputLayout::kTreeNodes;
  c.tree_fingerprint = 0x0123456789abcdefULL;
  return c;
}

TEST_F(CheckpointTest, SubwordsRoundTripAsVersion3) {
  Checkpoint c = MakeTreeCheckpoint(12, 5, 3);
  c.subwords = SubwordSpec{3, 6, 7};
  c.subword_input = Matrix(7, 5);
  for (size_t r = 0; r < 7; ++r) {
    for (size_t k = 0; k < 5; ++k) c.subword_input.row(r)[k] = float(r) - k;
  }
  ASSERT_TRUE(WriteCheckpoint(path_, c).ok());
  StatusOr<Checkpoint> r = ReadCheckpoint(path_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->format_version, 3u);
  ExpectCheckpointsEqual(c, *r);
  // Word-vector output with subwords is version 3 as well.
  Checkpoint ns = MakeCheckpoint(12, 5, 2, 4);
  ns.subwords = c.subwords;
  ns.subword_input = c.subword_input;
  ASSERT_TRUE(WriteCheckpoint(path_, ns).ok());
  r = ReadCheckpoint(path_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->format_version, 3u);
  ExpectCheckpointsEqual(ns, *r);
}

TEST_F(CheckpointTest, InconsistentSubwordsAreNotWritten) {
  Checkpoint c = MakeCheckpoint(12, 5, 1, 5);
  c.subwords = SubwordSpec{3, 6, 7};
  c.subword_input = Matrix(6, 5);  // one bucket short
  Status s = WriteCheckpoint(path_, c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  c.subword_input = Matrix(7, 5);
  c.subwords.max_n = 2;  // below min_n
  EXPECT_FALSE(WriteCheckpoint(path_, c).ok());
  c.subwords = SubwordSpec{};  // off, yet rows
  EXPECT_FALSE(WriteCheckpoint(path_, c).ok());
}

TEST_F(CheckpointTest, DamagedSubwordMatrixIsDetected) {
  Checkpoint c = MakeCheckpoint(12, 5, 1, 6);
  c.subwords = SubwordSpec{2, 4, 9};
  c.subword_input = Matrix(9, 5);
  ASSERT_TRUE(WriteCheckpoint(path_, c).ok());
  std::string bytes = ReadFile(path_);
  // Flip a bit in the middle of the subword matrix's floats, found from the
  // end: end section, progress (one thread), output matrix, the CRC.
  const uint64_t floats = 9 * 5 * 4;
  const size_t before_progress = bytes.size() - 16 - (16 + 68 + 76) -
                                 (16 + 16 + 12 * 5 * 4) - 4 - floats / 2;
  bytes[before_progress] ^= 0x10;
  WriteFile(path_, bytes);
  StatusOr<Checkpoint> r = ReadCheckpoint(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("subword matrix"), std::string::npos)
      << r.status().message();
}

TEST_F(CheckpointTest, TreeNodeOutputRoundTripsAsVersion2) {
  const Checkpoint c = MakeTreeCheckpoint(30, 6, 8);
  ASSERT_TRUE(WriteCheckpoint(path_, c).ok());
  StatusOr<Checkpoint> r = ReadCheckpoint(path_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->format_version, 2u);
  EXPECT_EQ(r->output.rows(), 29u);
  ExpectCheckpointsEqual(c, *r);
  // One word: no inner node, an empty output matrix of the same width.
  const Checkpoint one = MakeTreeCheckpoint(1, 3, 9);
  ASSERT_TRUE(WriteCheckpoint(path_, one).ok());
  r = ReadCheckpoint(path_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->output.rows(), 0u);
  ExpectCheckpointsEqual(one, *r);
}

// Version 2 byte for byte: version 1's sections with the output layout
// (type 7) after the vocabulary.
TEST_F(CheckpointTest, Version2FileMatchesTheSpecifiedLayout) {
  const Checkpoint c = MakeTreeCheckpoint(3, 2, 5);
  ASSERT_TRUE(WriteCheckpoint(path_, c).ok());
  const std::string got = ReadFile(path_);
  // The version 1 file of the same checkpoint with word-vector output.
  Checkpoint v1 = c;
  v1.output = Matrix(3, 2);
  v1.output_layout = OutputLayout::kWordVectors;
  v1.tree_fingerprint = 0;
  const std::string p1 = dir_.File("v1.wemb");
  ASSERT_TRUE(WriteCheckpoint(p1, v1).ok());
  std::string want = ReadFile(p1);
  Put32At(&want, 8, 2);
  Put32At(&want, 16, Crc32(want.substr(0, 16)));
  const SectionPos input = FindSection(want, kTypeInput);
  const SectionPos output = FindSection(want, kTypeOutput);
  std::string out_payload = Le64(2) + Le64(2);
  for (size_t r = 0; r < 2; ++r) {
    for (size_t k = 0; k < 2; ++k) {
      out_payload += Le32(std::bit_cast<uint32_t>(c.output.row(r)[k]));
    }
  }
  want.replace(output.offset, 16 + output.length,
               SpecSection(kTypeOutput, out_payload));
  want.insert(input.offset,
              SpecSection(kTypeOutputLayout,
                          Le32(1) + Le32(0) + Le64(c.tree_fingerprint)));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], want[i]) << "first difference at byte " << i;
  }
}

TEST_F(CheckpointTest, Version2DamageIsRejected) {
  ASSERT_TRUE(WriteCheckpoint(path_, MakeTreeCheckpoint(20, 8, 3)).ok());
  const std::string v2 = ReadFile(path_);
  const SectionPos layout = FindSection(v2, kTypeOutputLayout);
  {  // unknown layout value, reserved bits
    for (const auto& [at, value] : {std::pair{0, 2u}, std::pair{4, 1u}}) {
      std::string b = v2;
      Put32At(&b, layout.payload() + at, value);
      FixCrc(&b, layout);
      ExpectCorrupt(b, "unknown layout");
    }
  }
  {  // a fingerprint with word-vector output (and so 20 output rows needed)
    std::string b = v2;
    Put32At(&b, layout.payload(), 0);
    FixCrc(&b, layout);
    ExpectCorrupt(b, "output matrix has 19 rows but the vocabulary has 20");
  }
  {  // the layout section missing: the input matrix comes too early
    std::string b = v2;
    b.erase(layout.offset, 16 + layout.length);
    ExpectCorrupt(b, "out of order (expected section 'output layout')");
  }
  {  // a version 1 file does not know section 7
    std::string b = v2;
    Put32At(&b, 8, 1);
    Put32At(&b, 16, Crc32(b.substr(0, 16)));
    ExpectCorrupt(b, "unknown section type 7");
  }
  {  // the wrong size
    std::string b = v2;
    b.replace(layout.offset, 16 + layout.length,
              SpecSection(kTypeOutputLayout, Le32(1) + Le32(0)));
    ExpectCorrupt(b, "is 8 bytes (expected 16)");
  }
  for (size_t i = 0; i < v2.size(); i += 7) {  // damage anywhere is detected
    std::string b = v2;
    b[i] = char(uint8_t(b[i]) ^ 0x20);
    StatusOr<Checkpoint> r = ReadFromBytes(b);
    ASSERT_FALSE(r.ok()) << "byte " << i;
  }
}

// ---------------------------------------------------------------------------
// Damaged files.

TEST_F(CheckpointTest, EveryFlippedByteIsDetected) {
  ASSERT_LT(bytes_.size(), 4000u);  // small enough to try every byte
  for (size_t i = 0; i < bytes_.size(); ++i) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::string b = bytes_;
      b[i] = char(uint8_t(b[i]) ^ mask);
      StatusOr<Checkpoint> r = ReadFromBytes(b);
      ASSERT_FALSE(r.ok()) << "byte " << i << " ^ " << int(mask);
      ASSERT_EQ(r.status().code(), StatusCode::kCorruption)
          << "byte " << i << ": " << r.status().message();
    }
  }
}

TEST_F(CheckpointTest, EveryTruncationIsDetected) {
  for (size_t len = 0; len < bytes_.size(); ++len) {
    StatusOr<Checkpoint> r = ReadFromBytes(bytes_.substr(0, len));
    ASSERT_FALSE(r.ok()) << "length " << len;
    ASSERT_EQ(r.status().code(), StatusCode::kCorruption)
        << "length " << len << ": " << r.status().message();
    ASSERT_NE(r.status().message().find("crafted.wemb"), std::string::npos);
  }
  // Exactly at a section boundary: only the end marker tells.
  const SectionPos end = FindSection(bytes_, kTypeEnd);
  ExpectCorrupt(bytes_.substr(0, end.offset), "without an end section");
  ExpectCorrupt(bytes_.substr(0, 3), "not a wembed checkpoint");
  ExpectCorrupt(bytes_.substr(0, 12), "truncated header");
}

TEST_F(CheckpointTest, TrailingDataIsRejected) {
  ExpectCorrupt(bytes_ + "x", "trailing data");
  ExpectCorrupt(bytes_ + SpecSection(kTypeEnd, ""), "trailing data");
}

TEST_F(CheckpointTest, WrongMagicIsRejected) {
  std::string b = bytes_;
  b[0] = 'X';
  ExpectCorrupt(b, "not a wembed checkpoint");
  ExpectCorrupt("hello world, this is a text file\n",
                "not a wembed checkpoint");
  ExpectCorrupt("", "not a wembed checkpoint");
  EXPECT_FALSE(LooksLikeCheckpoint(dir_.File("crafted.wemb")));
  EXPECT_FALSE(LooksLikeCheckpoint(dir_.File("missing")));
}

TEST_F(CheckpointTest, NewerVersionIsRejectedWithAClearMessage) {
  std::string b = bytes_;
  Put32At(&b, 8, 7);
  Put32At(&b, 16, Crc32(b.substr(0, 16)));
  ExpectCorrupt(b, "format version 7 is newer than this wembed supports (3)");
  // Without the matching header CRC it is damage, not a newer version.
  std::string d = bytes_;
  Put32At(&d, 8, 7);
  ExpectCorrupt(d, "header checksum mismatch");
}

TEST_F(CheckpointTest, ChecksumMismatchNamesTheSection) {
  const struct {
    uint32_t type;
    const char* name;
  } kCases[] = {{kTypeOptions, "options"},
                {kTypeVocabulary, "vocabulary"},
                {kTypeInput, "input matrix"},
                {kTypeOutput, "output matrix"},
                {kTypeProgress, "progress"}};
  for (const auto& c : kCases) {
    const SectionPos s = FindSection(bytes_, c.type);
    std::string b = bytes_;
    b[s.payload() + s.length - 1] ^= 0x10;
    ExpectCorrupt(b,
                  std::string("checksum mismatch in section '") + c.name + "'");
  }
}

TEST_F(CheckpointTest, HugeSizeFieldsAreRejectedBeforeAllocating) {
  // Every case but the first keeps valid CRCs, so only the size checks can
  // catch it.
  const SectionPos vocab = FindSection(bytes_, kTypeVocabulary);
  const SectionPos input = FindSection(bytes_, kTypeInput);
  const SectionPos options = FindSection(bytes_, kTypeOptions);
  const SectionPos progress = FindSection(bytes_, kTypeProgress);
  std::vector<std::pair<std::string, std::string>> cases;
  {
    std::string b = bytes_;
    Put64At(&b, vocab.offset + 4, uint64_t{1} << 60);
    cases.push_back({b, "declares 1152921504606846976 payload bytes"});
  }
  {
    std::string b = bytes_;
    Put64At(&b, input.payload(), uint64_t{1} << 40);
    FixCrc(&b, input);
    cases.push_back({b, "input matrix is 1099511627776 x 8"});
  }
  {  // rows * cols * 4 wraps around to the real payload size
    std::string b = bytes_;
    Put64At(&b, input.payload(), (uint64_t{1} << 62) + 20);
    FixCrc(&b, input);
    cases.push_back({b, "input matrix is 4611686018427387924 x 8"});
  }
  {
    std::string b = bytes_;
    Put64At(&b, vocab.payload(), uint64_t{1} << 40);
    FixCrc(&b, vocab);
    cases.push_back({b, "declares 1099511627776 words"});
  }
  {
    std::string b = bytes_;
    Put32At(&b, vocab.payload() + 8, 0x80000000u);  // first word's length
    FixCrc(&b, vocab);
    cases.push_back({b, "word 0 runs past the end"});
  }
  {
    std::string b = bytes_;
    Put32At(&b, options.payload(), 0x7fffffffu);
    FixCrc(&b, options);
    cases.push_back({b, "declares 2147483647 options"});
  }
  {
    std::string b = bytes_;
    Put32At(&b, progress.payload() + 64, 0x7fffffffu);  // thread count
    FixCrc(&b, progress);
    cases.push_back({b, "declares 2147483647 threads"});
  }
  for (const auto& [b, needle] : cases) ExpectCorrupt(b, needle);

  // Again in a child whose address space is capped at its current size plus
  // 256 MB: an allocation from any of these sizes would fail there.
  if (testing::kSanitized) {
    GTEST_SKIP() << "RLIMIT_AS cap: not under a sanitizer (shadow memory)";
  }
  const std::string p = dir_.File("crafted.wemb");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    long pages = 0;
    std::ifstream("/proc/self/statm") >> pages;
    const rlim_t cap = rlim_t(pages) * ::sysconf(_SC_PAGESIZE) + (256u << 20);
    const rlimit lim{cap, cap};
    if (::setrlimit(RLIMIT_AS, &lim) != 0) ::_exit(90);
    for (size_t i = 0; i < cases.size(); ++i) {
      std::ofstream(p, std::ios::binary | std::ios::trunc) << cases[i].first;
      try {
        StatusOr<Checkpoint> r = ReadCheckpoint(p);
        if (r.ok() || r.status().code() != StatusCode::kCorruption) {
          ::_exit(int(10 + i));
        }
      } catch (...) {
        ::_exit(int(50 + i));
      }
    }
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status))
      << "child died with signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "failing case code";
}

TEST_F(CheckpointTest, StructuralDamageWithValidChecksumsIsRejected) {
  {  // unknown required section type
    std::string b = bytes_;
    const SectionPos end = FindSection(b, kTypeEnd);
    b.insert(end.offset, SpecSection(7, "abc"));
    ExpectCorrupt(b, "unknown section type 7");
  }
  {  // sections out of order / duplicated
    std::string b = bytes_;
    const SectionPos vocab = FindSection(b, kTypeVocabulary);
    b.insert(vocab.offset, SpecSection(kTypeOptions, Le32(0)));
    ExpectCorrupt(b, "out of order");
  }
  {  // a required section missing
    std::string b = bytes_;
    const SectionPos progress = FindSection(b, kTypeProgress);
    b.erase(progress.offset, 16 + progress.length);
    ExpectCorrupt(b, "section 'end'");
  }
  {  // a word count that leaves bytes over
    std::string b = bytes_;
    const SectionPos vocab = FindSection(b, kTypeVocabulary);
    Put64At(&b, vocab.payload(), 19);
    FixCrc(&b, vocab);
    ExpectCorrupt(b, "unexpected bytes after its last word");
  }
  {  // matrix rows disagree with the vocabulary
    std::string b = bytes_;
    const SectionPos vocab = FindSection(b, kTypeVocabulary);
    std::string payload = Le64(19);
    for (int i = 0; i < 19; ++i) {
      payload += Le32(small_.vocab.word(i).size()) + small_.vocab.word(i) +
                 Le64(small_.vocab.count(i));
    }
    b.replace(vocab.offset, 16 + vocab.length,
              SpecSection(kTypeVocabulary, payload));
    ExpectCorrupt(b, "input matrix has 20 rows but the vocabulary has 19");
  }
  {  // output dim differs from input dim
    std::string b = bytes_;
    const SectionPos out = FindSection(b, kTypeOutput);
    std::string payload = Le64(20) + Le64(4) + std::string(20 * 4 * 4, '\0');
    b.replace(out.offset, 16 + out.length, SpecSection(kTypeOutput, payload));
    ExpectCorrupt(b, "output matrix has 4 columns but the input matrix has 8");
  }
  {  // a thread position outside its range
    std::string b = bytes_;
    const SectionPos p = FindSection(b, kTypeProgress);
    const size_t thread0 = p.payload() + 68;
    Put64At(&b, thread0 + 4 + 16, Get64(b, thread0 + 4 + 8) + 1);  // end + 1
    FixCrc(&b, p);
    ExpectCorrupt(b, "thread 0 position");
  }
  {  // a duplicate word
    std::string b = bytes_;
    const SectionPos v = FindSection(b, kTypeVocabulary);
    // Words 4 and 5 are "w4" and "w5": make the second "w4".
    const std::string w5 = Le32(2) + "w5";
    const size_t at = b.find(w5, v.payload());
    ASSERT_NE(at, std::string::npos);
    b[at + 5] = '4';
    FixCrc(&b, v);
    ExpectCorrupt(b, "duplicate word");
  }
  {  // unknown progress flags
    std::string b = bytes_;
    const SectionPos p = FindSection(b, kTypeProgress);
    Put32At(&b, p.payload() + 4, 2);
    FixCrc(&b, p);
    ExpectCorrupt(b, "unknown flags");
  }
  {  // end section with a payload
    std::string b = bytes_;
    const SectionPos end = FindSection(b, kTypeEnd);
    b.replace(end.offset, 16, SpecSection(kTypeEnd, "x"));
    ExpectCorrupt(b, "end section has 1 payload bytes");
  }
}

// Random damage inside one section whose CRC is then recomputed, so the
// parsers behind the checksums see it. Whatever is accepted must still be
// self-consistent; nothing may crash or throw.
TEST_F(CheckpointTest, RandomDamageBehindValidChecksumsIsHandled) {
  const std::vector<SectionPos> sections = Sections(bytes_);
  uint64_t rng = 2024;
  int accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string b = bytes_;
    const SectionPos& s = sections[SplitMix(&rng) % (sections.size() - 1)];
    const int edits = 1 + int(SplitMix(&rng) % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = s.payload() + SplitMix(&rng) % s.length;
      const uint64_t kind = SplitMix(&rng) % 3;
      if (kind == 0) {
        b[at] = char(SplitMix(&rng));
      } else if (kind == 1) {
        b[at] = char(0xff);
      } else {
        b[at] = 0;
      }
    }
    FixCrc(&b, s);
    StatusOr<Checkpoint> r = ReadFromBytes(b);
    if (r.ok()) {
      ++accepted;
      EXPECT_EQ(r->input.rows(), r->vocab.size());
      EXPECT_EQ(r->output.rows(), r->vocab.size());
      EXPECT_EQ(r->input.cols(), r->output.cols());
    } else {
      ASSERT_EQ(r.status().code(), StatusCode::kCorruption)
          << r.status().message();
    }
  }
  // Edits to matrix floats or counters are undetectable by design.
  EXPECT_GT(accepted, 0);
}

TEST_F(CheckpointTest, IgnorableExtensionSectionsAreSkipped) {
  std::string b = bytes_;
  const SectionPos vocab = FindSection(b, kTypeVocabulary);
  b.insert(vocab.offset, SpecSection(0x80000001u, "future data"));
  StatusOr<Checkpoint> r = ReadFromBytes(b);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ExpectCheckpointsEqual(small_, *r);
  // ...but their checksum is still verified.
  b[vocab.offset + 12] ^= 1;
  ExpectCorrupt(b, "checksum mismatch in section 'type 2147483649'");
}

TEST_F(CheckpointTest, NonFilesAreRejectedWithoutBlocking) {
  StatusOr<Checkpoint> missing = ReadCheckpoint(dir_.File("nope.wemb"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(dir_.File("nope.wemb")),
            std::string::npos);
  StatusOr<Checkpoint> directory = ReadCheckpoint(dir_.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("directory"), std::string::npos);
  const std::string fifo = dir_.File("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  StatusOr<Checkpoint> r = ReadCheckpoint(fifo);  // must not block
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a regular file"), std::string::npos);
  EXPECT_FALSE(LooksLikeCheckpoint(fifo));
}

// ---------------------------------------------------------------------------
// Writing: validation, failures, crashes.

TEST_F(CheckpointTest, InconsistentCheckpointIsNotWritten) {
  const std::string p = dir_.File("bad.wemb");
  {
    Checkpoint c = MakeCheckpoint(5, 4, 1);
    c.output = Matrix(4, 4);
    Status st = WriteCheckpoint(p, c);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find("output matrix has 4 rows"), std::string::npos)
        << st.message();
  }
  {
    Checkpoint c = MakeCheckpoint(5, 4, 2);
    c.progress.threads[1].position = c.progress.threads[1].begin - 1;
    EXPECT_EQ(WriteCheckpoint(p, c).code(), StatusCode::kInvalidArgument);
  }
  {
    Checkpoint c = MakeCheckpoint(5, 4, 2);
    c.progress.threads[0].end = c.progress.corpus_bytes + 1;
    EXPECT_EQ(WriteCheckpoint(p, c).code(), StatusCode::kInvalidArgument);
  }
  {
    Checkpoint c = MakeCheckpoint(5, 4, 1);
    c.options.push_back({"epochs", "6"});
    Status st = WriteCheckpoint(p, c);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find("'epochs' appears twice"), std::string::npos);
  }
  {
    Checkpoint c = MakeCheckpoint(5, 4, 1);
    c.progress.epoch = 9;  // more than the thread has completed
    EXPECT_EQ(WriteCheckpoint(p, c).code(), StatusCode::kInvalidArgument);
  }
  {
    Checkpoint c = MakeCheckpoint(5, 4, 0);
    c.progress.elapsed_seconds = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(WriteCheckpoint(p, c).code(), StatusCode::kInvalidArgument);
  }
  {  // tree nodes are V - 1 rows
    Checkpoint c = MakeTreeCheckpoint(5, 4, 1);
    c.output = Matrix(5, 4);
    Status st = WriteCheckpoint(p, c);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find("(4 tree nodes)"), std::string::npos)
        << st.message();
  }
  {  // a tree fingerprint without tree nodes
    Checkpoint c = MakeCheckpoint(5, 4, 1);
    c.tree_fingerprint = 7;
    EXPECT_EQ(WriteCheckpoint(p, c).code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(dir_.List(), std::vector<std::string>{"ck.wemb"});
}

TEST_F(CheckpointTest, WriteIntoMissingDirectoryNamesTheFile) {
  const std::string p = dir_.File("no/such/dir/ck.wemb");
  Status st = WriteCheckpoint(p, small_);
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find("create " + p + ".tmp."), std::string::npos)
      << st.message();
}

TEST_F(CheckpointTest, FailedWritesLeaveTheOldCheckpointIntact) {
  // Big enough that each matrix is streamed in more than one 1 MB chunk.
  const Checkpoint big = MakeCheckpoint(3000, 100, 4, 3);
  FailOneOp counter(FileOp::kWrite, -1, 0, false);
  ASSERT_TRUE(WriteCheckpoint(dir_.File("count.wemb"), big, Env(&counter)).ok());
  std::filesystem::remove(dir_.File("count.wemb"));
  const int writes = counter.count();
  ASSERT_GE(writes, 20);  // incl. two 1 MB chunks per matrix

  struct Case {
    FileOp op;
    int nth;
    bool short_first;
  };
  std::vector<Case> cases;
  for (int n = 0; n < writes; ++n) {
    cases.push_back({FileOp::kWrite, n, false});
    cases.push_back({FileOp::kWrite, n, true});
  }
  for (FileOp op :
       {FileOp::kCreate, FileOp::kFsync, FileOp::kClose, FileOp::kRename}) {
    cases.push_back({op, 0, false});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(FileOpName(c.op)) + " #" + std::to_string(c.nth) +
                 (c.short_first ? " after a short write" : ""));
    FailOneOp faults(c.op, c.nth, ENOSPC, c.short_first);
    Status st = WriteCheckpoint(path_, big, Env(&faults));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), StatusCode::kIoError);
    EXPECT_NE(st.message().find(std::string(FileOpName(c.op)) + " " + path_ +
                                ".tmp." + std::to_string(::getpid())),
              std::string::npos)
        << st.message();
    EXPECT_NE(st.message().find("No space left on device"), std::string::npos)
        << st.message();
    ASSERT_EQ(dir_.List(), std::vector<std::string>{"ck.wemb"});
    StatusOr<Checkpoint> r = ReadCheckpoint(path_);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->vocab.size(), 20u);
  }
  ExpectCheckpointsEqual(small_, ReadCheckpoint(path_).value());

  // After the rename only the directory fsync can fail: the new checkpoint
  // is already in place, and the error says so.
  FailOneOp dir_fault(FileOp::kSyncDir, 0, EIO, false);
  Status st = WriteCheckpoint(path_, big, Env(&dir_fault));
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find("fsync directory " + dir_.path()),
            std::string::npos)
      << st.message();
  EXPECT_EQ(dir_.List(), std::vector<std::string>{"ck.wemb"});
  ExpectCheckpointsEqual(big, ReadCheckpoint(path_).value());
}

// A real short write: the kernel stops the file at RLIMIT_FSIZE (EFBIG).
TEST_F(CheckpointTest, RealShortWriteFromFileSizeLimit) {
  const Checkpoint big = MakeCheckpoint(2000, 50, 2, 4);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit lim{100001, 100001};  // not a multiple of any write size
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(90);
    Status st = WriteCheckpoint(path_, big);
    if (st.ok()) ::_exit(1);
    if (st.message().find("write " + path_ + ".tmp.") == std::string::npos) {
      ::_exit(2);
    }
    if (st.message().find("File too large") == std::string::npos) ::_exit(3);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(dir_.List(), std::vector<std::string>{"ck.wemb"});
  ExpectCheckpointsEqual(small_, ReadCheckpoint(path_).value());
}

// Ends the process abruptly (no destructors, no cleanup) at the nth write.
class DieAtWrite : public FaultInjector {
 public:
  explicit DieAtWrite(int nth) : nth_(nth) {}
  int BeforeOp(FileOp op, const std::string&, size_t*) override {
    if (op == FileOp::kWrite && count_++ == nth_) ::_exit(42);
    return 0;
  }

 private:
  int nth_;
  int count_ = 0;
};

TEST_F(CheckpointTest, CrashMidWriteKeepsOldFileAndStaleTempIsCleanedUp) {
  const Checkpoint next = MakeCheckpoint(40, 8, 1, 11);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    DieAtWrite die(3);
    WriteCheckpoint(path_, next, Env(&die));
    ::_exit(0);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 42);
  const std::string stale = "ck.wemb.tmp." + std::to_string(pid);
  EXPECT_EQ(dir_.List(), (std::vector<std::string>{"ck.wemb", stale}));
  ExpectCheckpointsEqual(small_, ReadCheckpoint(path_).value());

  // A temp file of a live process (ours) is never touched.
  WriteFile(dir_.File("ck.wemb.tmp." + std::to_string(::getppid())), "x");
  ASSERT_TRUE(WriteCheckpoint(path_, next).ok());
  EXPECT_EQ(dir_.List(),
            (std::vector<std::string>{
                "ck.wemb", "ck.wemb.tmp." + std::to_string(::getppid())}));
  ExpectCheckpointsEqual(next, ReadCheckpoint(path_).value());
}

TEST_F(CheckpointTest, KilledWriterAlwaysLeavesALoadableCheckpoint) {
  Checkpoint base = MakeCheckpoint(2000, 50, 2, 21);
  base.progress.words_processed = 0;
  ASSERT_TRUE(WriteCheckpoint(path_, base).ok());
  uint64_t rng = 12345;
  int interrupted_mid_write = 0;
  for (int round = 0; round < 20; ++round) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Checkpoint c = base;
      for (uint64_t k = 1;; ++k) {
        c.progress.words_processed = k;
        c.input.row(0)[0] = float(k);  // content tied to the counter
        if (!WriteCheckpoint(path_, c).ok()) ::_exit(1);
      }
    }
    const auto delay = std::chrono::microseconds(500 + SplitMix(&rng) % 20000);
    std::this_thread::sleep_for(delay);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "writer failed on its own in round " << round;
    if (dir_.List().size() > 1) ++interrupted_mid_write;
    StatusOr<Checkpoint> r = ReadCheckpoint(path_);
    ASSERT_TRUE(r.ok()) << "round " << round << ": " << r.status().message();
    const uint64_t k = r->progress.words_processed;
    EXPECT_EQ(r->input.row(0)[0], k == 0 ? base.input.row(0)[0] : float(k));
    EXPECT_EQ(std::memcmp(r->output.row(1999), base.output.row(1999),
                          50 * sizeof(float)),
              0);
  }
  // The killed writers' temp files are stale now; the next write removes
  // them.
  ASSERT_TRUE(WriteCheckpoint(path_, base).ok());
  EXPECT_EQ(dir_.List(), std::vector<std::string>{"ck.wemb"});
  std::cout << "[ info ] " << interrupted_mid_write
            << " of 20 kills landed mid-write\n";
}

}  // namespace
}  // namespace wembed
