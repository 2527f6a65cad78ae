// Encoded-corpus files (.wenc): written and read back; every flipped byte
// and every truncation detected; data that is well framed but not a valid
// encoded corpus refused; the file-backed corpus reads like the in-memory
// one.
#include "wembed/corpus/corpus_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/crc32.h"
#include "base/section_file.h"
#include "corpus/corpus_file_writer.h"
#include "test_util.h"

namespace wembed {
namespace {

using testing::ReadFile;
using testing::RewriteFile;
using testing::TempDir;
using testing::WriteFile;

class StringSink final : public ByteSink {
 public:
  Status Append(const void* data, size_t n) override {
    bytes.append(static_cast<const char*>(data), n);
    return Status::Ok();
  }
  std::string bytes;
};

Vocabulary SmallVocab() {
  return Vocabulary::FromWordsAndCounts({"the", "of", "\u00e9t\u00e9", "x"},
                                        {9, 5, 3, 1})
      .value();
}

// Four sentences of ids 0..3 (one-byte varints; LargeIdsAndManyChunks has
// longer ones).
std::vector<uint8_t> SmallStream() {
  std::vector<uint8_t> s;
  for (const std::vector<uint32_t>& sentence :
       std::vector<std::vector<uint32_t>>{
           {0, 1, 2}, {3}, {0, 0, 1, 2, 3, 1}, {2, 2}}) {
    for (uint32_t id : sentence) EncodedCorpus::AppendToken(&s, id);
    EncodedCorpus::AppendSentenceEnd(&s);
  }
  return s;
}

const std::vector<std::pair<std::string, std::string>> kOptions = {
    {"min-count", "1"}, {"input.0", "/data/a.txt"}};

// The bytes of a .wenc file holding `stream` with `chunk` data bytes per
// data section (the writer does not check the stream).
std::string Encode(const Vocabulary& vocab, const std::vector<uint8_t>& stream,
                   uint64_t chunk, uint64_t split = 3) {
  StringSink sink;
  CorpusFileWriter writer(sink, chunk);
  EXPECT_TRUE(writer.Begin(kOptions, vocab).ok());
  for (size_t at = 0; at < stream.size(); at += split) {
    const size_t n = std::min<size_t>(split, stream.size() - at);
    EXPECT_TRUE(writer.AppendData(stream.data() + at, n).ok());
  }
  EXPECT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.bytes_written(), sink.bytes.size());
  return sink.bytes;
}

TEST(CorpusFileTest, RoundTripKeepsEverything) {
  TempDir dir;
  const std::vector<uint8_t> stream = SmallStream();
  const EncodedCorpus memory(stream, 12, 4);
  for (const uint64_t chunk : {1, 5, 7, 1 << 20}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    WriteFile(dir.File("c.wenc"), Encode(SmallVocab(), stream, chunk));
    EXPECT_TRUE(LooksLikeCorpusFile(dir.File("c.wenc")));
    StatusOr<CorpusFile> f = ReadCorpusFile(dir.File("c.wenc"));
    ASSERT_TRUE(f.ok()) << f.status().message();
    EXPECT_EQ(f->format_version, kCorpusFileFormatVersion);
    EXPECT_EQ(f->options, kOptions);
    EXPECT_EQ(f->vocab.words(), SmallVocab().words());
    EXPECT_EQ(f->vocab.counts(), SmallVocab().counts());
    EXPECT_EQ(f->summary.num_tokens, 12u);
    EXPECT_EQ(f->summary.num_sentences, 4u);
    EXPECT_EQ(f->summary.max_sentence_bytes, 7u);
    EXPECT_EQ(f->summary.data_bytes, stream.size());
    const EncodedCorpus& c = f->corpus;
    EXPECT_FALSE(c.in_memory());
    EXPECT_EQ(c.Fingerprint(), memory.Fingerprint());
    EXPECT_EQ(c.size_bytes(), stream.size());
    EXPECT_EQ(c.max_sentence_bytes(), 7u);
    // Any range reads the same bytes; sentence starts agree.
    for (size_t a = 0; a <= stream.size(); ++a) {
      for (size_t b = a; b <= stream.size(); ++b) {
        std::vector<uint8_t> got(b - a);
        ASSERT_TRUE(c.Read(a, got.data(), got.size()).ok());
        ASSERT_TRUE(std::equal(got.begin(), got.end(), stream.begin() + a));
      }
      EXPECT_EQ(c.SentenceStartAtOrAfter(a).value(),
                memory.NextSentenceStart(a));
    }
  }
  EXPECT_FALSE(LooksLikeCorpusFile(dir.path()));
}

TEST(CorpusFileTest, LargeIdsAndManyChunks) {
  TempDir dir;
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  for (int i = 0; i < 70000; ++i) {
    words.push_back("w" + std::to_string(i));
    counts.push_back(70000 - i);
  }
  const Vocabulary vocab =
      Vocabulary::FromWordsAndCounts(words, counts).value();
  std::vector<uint8_t> stream;
  for (uint32_t i = 0; i < 70000; i += 7) {
    EncodedCorpus::AppendToken(&stream, i);  // 1 to 3 bytes
    EncodedCorpus::AppendToken(&stream, 69999 - i);
    if (i % 3 == 0) EncodedCorpus::AppendSentenceEnd(&stream);
  }
  if (stream.back() != 0) EncodedCorpus::AppendSentenceEnd(&stream);
  WriteFile(dir.File("c.wenc"), Encode(vocab, stream, 4096, 1000));
  StatusOr<CorpusFile> f = ReadCorpusFile(dir.File("c.wenc"));
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->summary.num_tokens, 20000u);
  EXPECT_EQ(f->corpus.Fingerprint(), EncodedCorpus(stream, 0, 0).Fingerprint());
  std::vector<uint8_t> all(stream.size());
  ASSERT_TRUE(f->corpus.Read(0, all.data(), all.size()).ok());
  EXPECT_TRUE(all == stream);
}

// An MPI rank's share: every slice between two sentence starts reads its
// bytes at offset 0, counts its own tokens and sentences, and has the
// fingerprint of its bytes, in a file (every chunk size) and in memory.
TEST(CorpusFileTest, SlicesBetweenSentenceStartsAreCorporaOfTheirOwn) {
  TempDir dir;
  const std::vector<uint8_t> stream = SmallStream();
  const EncodedCorpus memory(stream, 12, 4);
  const std::vector<uint64_t> starts = {0, 4, 6, 13, stream.size()};
  const uint64_t tokens_before[] = {0, 3, 4, 10, 12};  // at each start
  for (const uint64_t chunk : {1, 5, 1 << 20}) {
    WriteFile(dir.File("c.wenc"), Encode(SmallVocab(), stream, chunk));
    StatusOr<CorpusFile> f = ReadCorpusFile(dir.File("c.wenc"));
    ASSERT_TRUE(f.ok()) << f.status().message();
    for (size_t a = 0; a < starts.size(); ++a) {
      for (size_t b = a; b < starts.size(); ++b) {
        SCOPED_TRACE("chunk " + std::to_string(chunk) + " slice " +
                     std::to_string(starts[a]) + ".." +
                     std::to_string(starts[b]));
        const std::vector<uint8_t> bytes(stream.begin() + long(starts[a]),
                                         stream.begin() + long(starts[b]));
        const EncodedCorpus* const corpora[] = {&f->corpus, &memory};
        for (const EncodedCorpus* whole : corpora) {
          StatusOr<EncodedCorpus> s = whole->Slice(starts[a], starts[b], 4);
          ASSERT_TRUE(s.ok()) << s.status().message();
          EXPECT_EQ(s->size_bytes(), bytes.size());
          EXPECT_EQ(s->num_tokens(), tokens_before[b] - tokens_before[a]);
          EXPECT_EQ(s->num_sentences(), b - a);
          EXPECT_EQ(s->Fingerprint(), EncodedCorpus(bytes, 0, 0).Fingerprint());
          std::vector<uint8_t> got(bytes.size());
          ASSERT_TRUE(s->Read(0, got.data(), got.size()).ok());
          EXPECT_TRUE(got == bytes);
          if (!bytes.empty()) {  // sentence starts are the slice's own
            EXPECT_EQ(s->SentenceStartAtOrAfter(1).value(),
                      starts[a + 1] - starts[a]);
          }
        }
      }
    }
    // The longest sentence of the slice [4, 13): {0, 0, 1, 2, 3, 1} + end.
    EXPECT_EQ(f->corpus.Slice(4, 13, 4)->max_sentence_bytes(), 7u);
    // A slice that does not end at a sentence end, or ids past the
    // vocabulary, is corrupt.
    EXPECT_EQ(f->corpus.Slice(0, 5, 4).status().code(),
              StatusCode::kCorruption);
    EXPECT_EQ(f->corpus.Slice(0, 4, 2).status().code(),
              StatusCode::kCorruption);
  }
}

TEST(CorpusFileTest, EveryFlippedByteAndEveryTruncationIsDetected) {
  TempDir dir;
  const std::string good = Encode(SmallVocab(), SmallStream(), 7);
  const std::string path = dir.File("c.wenc");
  for (size_t i = 0; i < good.size(); ++i) {
    for (const uint8_t mask : {0x01, 0x80, 0xff}) {
      std::string bad = good;
      bad[i] = char(uint8_t(bad[i]) ^ mask);
      RewriteFile(path, bad);
      StatusOr<CorpusFile> f = ReadCorpusFile(path);
      ASSERT_FALSE(f.ok()) << "byte " << i << " ^ " << int(mask);
      EXPECT_EQ(f.status().message().rfind(path + ": ", 0), 0u)
          << f.status().message();
    }
  }
  for (size_t n = 0; n < good.size(); ++n) {
    RewriteFile(path, good.substr(0, n));
    ASSERT_FALSE(ReadCorpusFile(path).ok()) << "truncated to " << n;
  }
  WriteFile(path, good + "x");
  StatusOr<CorpusFile> trailing = ReadCorpusFile(path);
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("trailing data"),
            std::string::npos);
}

TEST(CorpusFileTest, WellFramedButInvalidDataIsRefused) {
  TempDir dir;
  const std::string path = dir.File("c.wenc");
  struct Case {
    std::vector<uint8_t> stream;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{5, 0}, "data byte 0: word id 4 is outside the vocabulary"},
      {{1, 0, 0}, "data byte 2: empty sentence"},
      {{1, 2}, "the data does not end with a sentence end"},
      {{0x81, 0x00, 0}, "data byte 1: a varint has a 0x00 byte"},
      {{0x81, 0x80, 0x80, 0x80, 0x80, 0x01, 0}, "data byte 5: varint too long"},
  };
  for (const Case& c : cases) {
    WriteFile(path, Encode(SmallVocab(), c.stream, 4));
    StatusOr<CorpusFile> f = ReadCorpusFile(path);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().message(), path + ": " + c.message);
  }
}

TEST(CorpusFileTest, ExtensionSectionsAreSkippedAndNewerVersionsNamed) {
  TempDir dir;
  const std::string path = dir.File("c.wenc");
  const std::string good = Encode(SmallVocab(), SmallStream(), 7);
  // An extension section right before the first data section.
  StringSink begin;
  CorpusFileWriter w(begin, 7);
  ASSERT_TRUE(w.Begin(kOptions, SmallVocab()).ok());
  const size_t data_at = begin.bytes.size();
  StringSink ext;
  ASSERT_TRUE(AppendSection(ext, kExtensionSectionBit | 9, "future").ok());
  WriteFile(path, good.substr(0, data_at) + ext.bytes + good.substr(data_at));
  StatusOr<CorpusFile> f = ReadCorpusFile(path);
  ASSERT_TRUE(f.ok()) << f.status().message();
  std::vector<uint8_t> all(f->corpus.size_bytes());
  ASSERT_TRUE(f->corpus.Read(0, all.data(), all.size()).ok());
  EXPECT_TRUE(all == SmallStream());
  // Version 1 (FNV-1a fingerprints) still reads, its fingerprint as stored.
  WriteFile(path, EncodeFileHeader(kCorpusFileMagic, 1) + good.substr(20));
  StatusOr<CorpusFile> v1 = ReadCorpusFile(path);
  ASSERT_TRUE(v1.ok()) << v1.status().message();
  EXPECT_EQ(v1->format_version, 1u);
  EXPECT_EQ(v1->corpus.Fingerprint(), f->corpus.Fingerprint());
  // The legacy fingerprint of a file-backed corpus: FNV-1a of its data.
  StatusOr<uint64_t> legacy = v1->corpus.LegacyFingerprint();
  ASSERT_TRUE(legacy.ok()) << legacy.status().message();
  EXPECT_EQ(*legacy, Fnv64Extend(kFnv64Basis, SmallStream().data(),
                                 SmallStream().size()));
  // A newer version with a valid header checksum.
  std::string newer = EncodeFileHeader(kCorpusFileMagic, 7) + good.substr(20);
  WriteFile(path, newer);
  EXPECT_EQ(ReadCorpusFile(path).status().message(),
            path + ": format version 7 is newer than this wembed supports (2)");
  WriteFile(path, "WEMBEDCK and more bytes");
  EXPECT_EQ(ReadCorpusFile(path).status().message(),
            path + ": not a wembed encoded corpus (bad magic)");
}

}  // namespace
}  // namespace wembed
