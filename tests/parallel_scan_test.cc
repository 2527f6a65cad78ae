// The parallel scan against a serial reference: whatever the thread count,
// the block size (down to blocks shorter than a line, so lines are cut into
// pieces) and whether the intermediate stream is spilled to disk, the
// vocabulary (words, counts, order) and the encoded stream are exactly a
// serial scan's. With pruning the result is deterministic for a given block
// size. Also max_final_vocab against a brute-force search, failures of an
// input mid-scan, and the file-backed outputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "base/coding.h"
#include "corpus/provisional_store.h"
#include "test_util.h"
#include "wembed/corpus/corpus_file.h"
#include "wembed/corpus/corpus_scanner.h"

namespace wembed {
namespace {

using testing::FailOneOp;
using testing::Gzip;
using testing::TempDir;
using testing::WriteFile;

struct Reference {
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  std::vector<uint8_t> stream;
  uint64_t tokens = 0;
  uint64_t sentences = 0;
};

// A serial scan written independently of the scanner: one Tokenizer over
// each text in turn, a std::map of counts and first occurrences.
class ReferenceSink : public TokenSink {
 public:
  void OnToken(std::string_view token) override {
    auto [it, fresh] = index_.try_emplace(std::string(token), index_.size());
    if (fresh) order_.push_back(std::string(token));
    ++count_[it->second];
    events_.push_back(int64_t(it->second));
  }
  void OnSentenceEnd() override {
    ++sentences_;
    events_.push_back(-1);
  }

  Reference Finish(const VocabOptions& v) const {
    std::vector<size_t> ids(order_.size());
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
    std::stable_sort(ids.begin(), ids.end(), [&](size_t a, size_t b) {
      return count_.at(a) > count_.at(b);
    });
    std::vector<uint64_t> sorted;
    for (size_t id : ids) sorted.push_back(count_.at(id));
    // Brute force for max_final_vocab: the smallest min-count that leaves
    // at most that many words.
    uint64_t min_count = v.min_count;
    while (v.max_final_vocab > 0 &&
           uint64_t(std::count_if(sorted.begin(), sorted.end(),
                                  [&](uint64_t c) { return c >= min_count; })) >
               v.max_final_vocab) {
      ++min_count;
    }
    Reference r;
    std::map<size_t, int64_t> final_id;
    for (size_t id : ids) {
      if (count_.at(id) < min_count) break;
      if (v.max_vocab > 0 && r.words.size() >= v.max_vocab) break;
      final_id[id] = int64_t(r.words.size());
      r.words.push_back(order_[id]);
      r.counts.push_back(count_.at(id));
    }
    bool open = false;
    for (int64_t e : events_) {
      if (e < 0) {
        if (open) r.stream.push_back(0), ++r.sentences;
        open = false;
      } else if (final_id.count(size_t(e)) > 0) {
        EncodedCorpus::AppendToken(&r.stream, uint32_t(final_id[size_t(e)]));
        ++r.tokens;
        open = true;
      }
    }
    return r;
  }
  uint64_t sentences() const { return sentences_; }

 private:
  std::map<std::string, size_t> index_;
  std::vector<std::string> order_;
  std::map<size_t, uint64_t> count_;
  std::vector<int64_t> events_;  // word index, or -1 for a sentence end
  uint64_t sentences_ = 0;
};

Reference SerialScan(const std::vector<std::string>& texts,
                     const TokenizerOptions& t, const VocabOptions& v,
                     uint64_t* sentences = nullptr) {
  ReferenceSink sink;
  Tokenizer tokenizer(t);
  for (const std::string& text : texts) {
    tokenizer.Feed(text, sink);
    tokenizer.Finish(sink);
  }
  if (sentences != nullptr) *sentences = sink.sentences();
  return sink.Finish(v);
}

// Zipf-ish words (some UTF-8, some capitalised, some with punctuation),
// varied whitespace, CRLF, empty lines and a few lines of hundreds of words.
std::string MixedText(int tokens, uint32_t seed) {
  std::mt19937 rng(seed);
  const char* stems[] = {"a", "B", "\u00e9", "\u00c9t", "z,", "\u4e2d", "q!"};
  const char* seps[] = {" ", " ", " ", "\t", "  ", "\n", "\r\n", "\n\n"};
  std::string text;
  for (int i = 0; i < tokens; ++i) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    const int w = int(3000 * u * u * u);
    text += stems[w % 7] + std::to_string(w);
    const bool long_line = (i / 500) % 7 == 3;  // runs without a newline
    text += long_line ? " " : seps[rng() % std::size(seps)];
  }
  return text;
}

ScanRequest RequestFor(const std::vector<std::string>& files) {
  ScanRequest r;
  r.inputs = files;
  r.vocab.min_count = 2;
  r.encode = true;
  return r;
}

void ExpectSameAsReference(const ScanResult& got, const Reference& want) {
  EXPECT_EQ(got.vocab.words(), want.words);
  EXPECT_EQ(got.vocab.counts(), want.counts);
  ASSERT_EQ(got.corpus.size_bytes(), want.stream.size());
  std::vector<uint8_t> bytes(want.stream.size());
  ASSERT_TRUE(got.corpus.Read(0, bytes.data(), bytes.size()).ok());
  EXPECT_TRUE(bytes == want.stream) << "encoded streams differ";
  EXPECT_EQ(got.corpus.num_tokens(), want.tokens);
  EXPECT_EQ(got.corpus.num_sentences(), want.sentences);
}

struct Corpus {
  TempDir dir;
  std::vector<std::string> texts, files;
};

// Three files (one gzip, one without a final newline).
std::unique_ptr<Corpus> MakeCorpus(int tokens, uint32_t seed) {
  auto c = std::make_unique<Corpus>();
  for (int f = 0; f < 3; ++f) {
    std::string text = MixedText(tokens / 3, seed + f);
    if (f == 1) text += "no final newline";
    c->texts.push_back(text);
    c->files.push_back(c->dir.File("f" + std::to_string(f)));
    WriteFile(c->files.back(), f == 2 ? Gzip(text) : text);
  }
  return c;
}

TEST(ParallelScanTest, EqualsASerialScanForAnyThreadsAndBlockSize) {
  auto c = MakeCorpus(30000, 11);
  for (const bool unicode : {false, true}) {
    TokenizerOptions t;
    t.lowercase = t.strip_punct = unicode;
    t.max_sentence_tokens = 50;  // cuts inside lines cut into pieces too
    ScanRequest r = RequestFor(c->files);
    r.tokenizer = t;
    uint64_t sentences = 0;
    const Reference want = SerialScan(c->texts, t, r.vocab, &sentences);
    ASSERT_GT(want.words.size(), 500u);
    for (const size_t block : {size_t{37}, size_t{1000}, size_t{65536}}) {
      for (const int threads : {1, 2, 4}) {
        SCOPED_TRACE("unicode " + std::to_string(unicode) + " block " +
                     std::to_string(block) + " threads " +
                     std::to_string(threads));
        r.block_bytes = block;
        r.threads = threads;
        StatusOr<ScanResult> got = ScanCorpus(r);
        ASSERT_TRUE(got.ok()) << got.status().message();
        ExpectSameAsReference(*got, want);
        EXPECT_EQ(got->stats.sentences, sentences);
        EXPECT_EQ(got->stats.threads, threads);
      }
    }
  }
}

TEST(ParallelScanTest, SpillingToDiskChangesNothing) {
  auto c = MakeCorpus(30000, 12);
  ScanRequest r = RequestFor(c->files);
  const Reference want = SerialScan(c->texts, r.tokenizer, r.vocab);
  TempDir scratch;
  r.scratch_dir = scratch.path();
  r.memory_budget = 64 << 10;  // spills beyond 16 KiB
  r.block_bytes = 2000;
  r.threads = 3;
  StatusOr<ScanResult> got = ScanCorpus(r);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_GT(got->stats.spilled_bytes, 40000u);
  ExpectSameAsReference(*got, want);
  EXPECT_TRUE(scratch.List().empty()) << "the spill file has no name";
}

// The buffers of spilled records come back as empty streams for the next
// blocks; writing into them never changes a record, spilled or in memory.
TEST(ProvisionalStoreTest, ReusedBuffersLeaveEveryRecordIntact) {
  TempDir scratch;
  ProvisionalStore store(30000, scratch.path(), Env::Default(), 2);
  std::vector<std::string> want;
  int reused = 0;
  for (int i = 0; i < 40; ++i) {
    ByteStream s = store.ReusableStream(1000);
    ASSERT_EQ(s.size(), 0u);
    ASSERT_GE(s.capacity(), 1000u);
    // A new buffer has 4 KiB; every record outgrows that.
    reused += s.capacity() > 4096 ? 1 : 0;
    const std::string bytes(size_t(4097 + 37 * i), char('a' + i % 26));
    s.Append(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    ProvisionalRecord r;
    r.stream = std::move(s);
    r.map.AppendByte(uint8_t(i));
    r.map_entries = 1;
    ASSERT_TRUE(store.Append(std::move(r)).ok());
    want.push_back(bytes);
  }
  EXPECT_GT(store.spilled_bytes(), 0u);
  EXPECT_GT(reused, 0);
  for (int i = 0; i < 40; ++i) {
    ProvisionalRecord r;
    ASSERT_TRUE(store.TakeNext(&r).ok());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.stream.data()),
                          r.stream.size()),
              want[size_t(i)])
        << i;
    ASSERT_EQ(r.map.size(), 1u);
    EXPECT_EQ(r.map.data()[0], uint8_t(i));
  }
}

TEST(ParallelScanTest, FixedVocabularyEncodesTheSameInParallel) {
  auto c = MakeCorpus(20000, 13);
  ScanRequest r = RequestFor(c->files);
  StatusOr<ScanResult> counted = ScanCorpus(r);
  ASSERT_TRUE(counted.ok());
  r.fixed_vocab = &counted->vocab;
  for (const size_t block : {size_t{37}, size_t{4096}}) {
    r.block_bytes = block;
    r.threads = 3;
    StatusOr<ScanResult> fixed = ScanCorpus(r);
    ASSERT_TRUE(fixed.ok()) << fixed.status().message();
    EXPECT_EQ(fixed->corpus.Fingerprint(), counted->corpus.Fingerprint());
    EXPECT_EQ(fixed->corpus.num_sentences(), counted->corpus.num_sentences());
  }
}

TEST(ParallelScanTest, PruningIsDeterministicForABlockSize) {
  auto c = MakeCorpus(30000, 14);
  ScanRequest r = RequestFor(c->files);
  r.vocab.max_table_entries = 300;
  r.vocab.min_count = 1;
  r.block_bytes = 3000;
  r.threads = 1;
  StatusOr<ScanResult> first = ScanCorpus(r);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_GT(first->stats.prune_rounds, 0u);
  EXPECT_GT(first->stats.pruned_words, 0u);
  EXPECT_GT(first->stats.pruned_tokens, first->stats.pruned_words - 1);
  EXPECT_LE(first->stats.distinct_tokens, 300u);
  for (const int threads : {1, 2, 4}) {
    r.threads = threads;
    StatusOr<ScanResult> again = ScanCorpus(r);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->vocab.words(), first->vocab.words());
    EXPECT_EQ(again->vocab.counts(), first->vocab.counts());
    EXPECT_EQ(again->corpus.Fingerprint(), first->corpus.Fingerprint());
    EXPECT_EQ(again->stats.pruned_words, first->stats.pruned_words);
  }
  const std::vector<std::string> notes = ScanNotes(first->stats, r.vocab);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(
      notes[0].find(std::to_string(first->stats.pruned_words) + " entries"),
      std::string::npos)
      << notes[0];
}

TEST(ParallelScanTest, MaxFinalVocabIsTheSmallestMinCountThatFits) {
  auto c = MakeCorpus(20000, 15);
  for (const uint64_t n : {1, 7, 50, 333, 1000, 100000}) {
    ScanRequest r = RequestFor(c->files);
    r.vocab.max_final_vocab = n;
    r.threads = 2;
    const Reference want = SerialScan(c->texts, r.tokenizer, r.vocab);
    StatusOr<ScanResult> got = ScanCorpus(r);
    ASSERT_TRUE(got.ok()) << got.status().message();
    SCOPED_TRACE("max_final_vocab " + std::to_string(n));
    EXPECT_LE(got->vocab.size(), n);
    ExpectSameAsReference(*got, want);
    // The next lower min-count would keep too many.
    const uint64_t used = got->stats.min_count_used;
    if (used > r.vocab.min_count) {
      r.vocab.min_count = used - 1;
      r.vocab.max_final_vocab = 0;
      StatusOr<ScanResult> lower = ScanCorpus(r);
      ASSERT_TRUE(lower.ok());
      EXPECT_GT(lower->vocab.size(), n);
    }
  }
  EXPECT_EQ(MinCountForFinalVocab({9, 5, 5, 3, 1}, 1, 2), 6u);
  EXPECT_EQ(MinCountForFinalVocab({9, 5, 5, 3, 1}, 1, 3), 4u);
  EXPECT_EQ(MinCountForFinalVocab({9, 5, 5, 3, 1}, 7, 3), 7u);
  EXPECT_EQ(MinCountForFinalVocab({9, 5, 5, 3, 1}, 1, 5), 1u);
  EXPECT_EQ(MinCountForFinalVocab({9, 5, 5, 3, 1}, 1, 0), 1u);
}

TEST(ParallelScanTest, AnInputFailingMidScanIsNamed) {
  auto c = MakeCorpus(6000, 16);
  ScanRequest r = RequestFor(c->files);
  r.block_bytes = 500;
  r.threads = 2;
  FailOneOp vanish(FileOp::kOpen, 1, ENOENT);  // the second file is gone
  Env vanish_env(&vanish);
  r.env = &vanish_env;
  StatusOr<ScanResult> got = ScanCorpus(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(), c->files[1] + ": no such file");
  // A read failing after the first MiB (the reader's raw buffer).
  WriteFile(c->files[1], MixedText(600000, 20));
  FailOneOp eio(FileOp::kRead, 1, EIO, false, c->files[1]);
  Env eio_env(&eio);
  r.env = &eio_env;
  got = ScanCorpus(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kIoError);
  EXPECT_NE(got.status().message().find(c->files[1] + ": read failed"),
            std::string::npos)
      << got.status().message();
  EXPECT_EQ(eio.count(), 2) << "failed mid-file, and the scan stopped";
}

TEST(ParallelScanTest, AFullScratchDirectoryIsNamed) {
  auto c = MakeCorpus(6000, 17);
  TempDir scratch;
  ScanRequest r = RequestFor(c->files);
  r.storage = EncodedStorage::kScratch;
  r.scratch_dir = scratch.path();
  FailOneOp full(FileOp::kWrite, 0, ENOSPC, false, scratch.path());
  Env env(&full);
  r.env = &env;
  StatusOr<ScanResult> got = ScanCorpus(r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(),
            "caching the encoded corpus: cannot write a temporary file in " +
                scratch.path() +
                ": No space left on device (after 0 bytes) (choose another "
                "directory with --cache-dir)");
  EXPECT_TRUE(scratch.List().empty());
}

TEST(ParallelScanTest, ScratchAndFileOutputsHoldTheSameCorpus) {
  auto c = MakeCorpus(20000, 18);
  ScanRequest r = RequestFor(c->files);
  r.threads = 2;
  const Reference want = SerialScan(c->texts, r.tokenizer, r.vocab);
  TempDir out;
  r.storage = EncodedStorage::kScratch;
  r.scratch_dir = out.path();
  StatusOr<ScanResult> scratch = ScanCorpus(r);
  ASSERT_TRUE(scratch.ok()) << scratch.status().message();
  EXPECT_FALSE(scratch->corpus.in_memory());
  ExpectSameAsReference(*scratch, want);
  EXPECT_TRUE(out.List().empty()) << "an unkept cache has no name";

  r.keep = true;
  StatusOr<ScanResult> kept = ScanCorpus(r);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  ExpectSameAsReference(*kept, want);
  ASSERT_EQ(out.List().size(), 1u);
  EXPECT_EQ(out.File(out.List()[0]), kept->kept_path);

  r.keep = false;
  r.storage = EncodedStorage::kFile;
  r.output_path = out.File("c.wenc");
  r.file_options = {{"min-count", "2"}};
  StatusOr<ScanResult> file = ScanCorpus(r);
  ASSERT_TRUE(file.ok()) << file.status().message();
  ExpectSameAsReference(*file, want);
  for (const std::string& path : {kept->kept_path, r.output_path}) {
    StatusOr<CorpusFile> read = ReadCorpusFile(path);
    ASSERT_TRUE(read.ok()) << read.status().message();
    EXPECT_EQ(read->vocab.words(), want.words);
    EXPECT_EQ(read->summary.fingerprint, file->corpus.Fingerprint());
    ExpectSameAsReference(ScanResult{read->vocab, read->corpus, {}, ""}, want);
  }
}

TEST(ParallelScanTest, AnEncodedCorpusAmongTextInputsIsRefused) {
  auto c = MakeCorpus(3000, 19);
  ScanRequest r = RequestFor(c->files);
  r.storage = EncodedStorage::kFile;
  r.output_path = c->dir.File("c.wenc");
  ASSERT_TRUE(ScanCorpus(r).ok());
  ScanRequest mixed = RequestFor({c->files[0], r.output_path});
  StatusOr<ScanResult> got = ScanCorpus(mixed);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find(r.output_path +
                                        ": an encoded corpus (.wenc)"),
            std::string::npos)
      << got.status().message();
}

}  // namespace
}  // namespace wembed
