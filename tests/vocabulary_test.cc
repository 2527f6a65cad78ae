#include "wembed/corpus/vocabulary.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "base/coding.h"
#include "test_util.h"
#include "wembed/corpus/encoded_corpus.h"

namespace wembed {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

TEST(VocabularyTest, FromWordsAndCountsBuildsAnIndex) {
  auto v =
      Vocabulary::FromWordsAndCounts({"the", "\u00e9cole", "a"}, {10, 4, 4});
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->size(), 3u);
  EXPECT_EQ(v->Find("the"), 0);
  EXPECT_EQ(v->Find("\u00e9cole"), 1);
  EXPECT_EQ(v->Find("a"), 2);
  EXPECT_EQ(v->Find("b"), -1);
  EXPECT_EQ(v->Find(""), -1);
  EXPECT_EQ(v->word(1), "\u00e9cole");
  EXPECT_EQ(v->count(0), 10u);
  EXPECT_EQ(v->total_count(), 18u);
}

TEST(VocabularyTest, FindWorksForManyWords) {
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  for (int i = 0; i < 5000; ++i) {
    words.push_back("w" + std::to_string(i * 7919));
    counts.push_back(5000 - i);
  }
  auto v = Vocabulary::FromWordsAndCounts(words, counts);
  ASSERT_TRUE(v.ok());
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(v->Find(words[i]), i);
  EXPECT_EQ(v->Find("w1"), -1);
}

TEST(VocabularyTest, FromWordsAndCountsRejectsBadInput) {
  EXPECT_EQ(Vocabulary::FromWordsAndCounts({"a", "b", "a"}, {3, 2, 1})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(Vocabulary::FromWordsAndCounts({"a", ""}, {3, 2}).ok());
  EXPECT_FALSE(Vocabulary::FromWordsAndCounts({"a b"}, {3}).ok());
  EXPECT_FALSE(Vocabulary::FromWordsAndCounts({"a\n"}, {3}).ok());
  EXPECT_FALSE(
      Vocabulary::FromWordsAndCounts({std::string("a\0b", 3)}, {3}).ok());
  EXPECT_FALSE(Vocabulary::FromWordsAndCounts({"a", "b"}, {3}).ok());
}

TEST(VocabularyTest, SaveWritesWord2vecFormatAndLoadRoundTrips) {
  TempDir dir;
  auto v = Vocabulary::FromWordsAndCounts(
      {"the", "\u00e9cole", "\xff\xfe", "x"}, {123456789012ULL, 7, 7, 5});
  ASSERT_TRUE(v.ok());
  const std::string path = dir.File("vocab.txt");
  ASSERT_TRUE(v->Save(path).ok());
  EXPECT_EQ(ReadFile(path),
            "the 123456789012\n\u00e9cole 7\n\xff\xfe 7\nx 5\n");
  auto loaded = Vocabulary::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->words(), v->words());
  EXPECT_EQ(loaded->counts(), v->counts());
  EXPECT_EQ(loaded->total_count(), v->total_count());
  EXPECT_EQ(loaded->Find("x"), 3);
  // Only the file itself remains: the temp file was renamed.
  EXPECT_EQ(dir.List(), std::vector<std::string>{"vocab.txt"});
}

TEST(VocabularyTest, SaveReplacesAnExistingFile) {
  TempDir dir;
  const std::string path = dir.File("v.txt");
  WriteFile(path, "old 1\nstuff 1\n");
  auto v = Vocabulary::FromWordsAndCounts({"new"}, {2});
  ASSERT_TRUE(v->Save(path).ok());
  EXPECT_EQ(ReadFile(path), "new 2\n");
}

TEST(VocabularyTest, SaveToAMissingDirectoryFailsAndWritesNothing) {
  TempDir dir;
  auto v = Vocabulary::FromWordsAndCounts({"a"}, {2});
  const Status s = v->Save(dir.File("no/such/dir/v.txt"));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no/such/dir/v.txt"), std::string::npos)
      << s.message();
  EXPECT_TRUE(dir.List().empty());
}

TEST(VocabularyTest, SaveOverADirectoryFailsAndKeepsIt) {
  TempDir dir;
  const std::string path = dir.File("d");
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  auto v = Vocabulary::FromWordsAndCounts({"a"}, {2});
  EXPECT_FALSE(v->Save(path).ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(dir.List(), std::vector<std::string>{"d"});
}

TEST(VocabularyTest, LoadSkipsSentenceMarkerAndAcceptsCrLf) {
  TempDir dir;
  const std::string path = dir.File("v.txt");
  WriteFile(path, "</s> 99\r\nthe 10\r\nof 3\n\n");
  auto v = Vocabulary::Load(path);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->words(), (std::vector<std::string>{"the", "of"}));
  EXPECT_EQ(v->counts(), (std::vector<uint64_t>{10, 3}));
}

TEST(VocabularyTest, LoadReportsBadFilesWithFileAndLine) {
  TempDir dir;
  const std::string path = dir.File("v.txt");
  const auto load_error = [&](const std::string& content) {
    WriteFile(path, content);
    auto v = Vocabulary::Load(path);
    EXPECT_FALSE(v.ok()) << "accepted: " << content;
    return v.ok() ? std::string() : v.status().message();
  };
  EXPECT_NE(load_error("a 1\nb\n").find(path + ":2"), std::string::npos);
  EXPECT_NE(load_error("a x\n").find("bad count"), std::string::npos);
  EXPECT_NE(load_error("a 1 2\n").find(path + ":1"), std::string::npos);
  EXPECT_NE(load_error("a -1\n").find(path + ":1"), std::string::npos);
  EXPECT_NE(load_error("a 1\na 2\n").find("duplicate"), std::string::npos);
  EXPECT_NE(load_error("").find("no words"), std::string::npos);
  auto missing = Vocabulary::Load(dir.File("missing.txt"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.txt"), std::string::npos);
}

TEST(EncodedCorpusTest, VarintsRoundTrip) {
  const std::vector<uint32_t> ids = {
      0,     1,     126,     127,     128,       16382,     16383,
      16384, 90123, 2097151, 2097152, 268435455, 268435456, 2147483646u};
  std::vector<uint8_t> bytes;
  for (uint32_t id : ids) EncodedCorpus::AppendToken(&bytes, id);
  EncodedCorpus::AppendSentenceEnd(&bytes);
  // No varint contains a 0x00 byte: the only one is the sentence end.
  EXPECT_EQ(std::count(bytes.begin(), bytes.end(), 0), 1);
  EXPECT_EQ(bytes.back(), 0);
  const uint8_t* p = bytes.data();
  for (uint32_t id : ids) EXPECT_EQ((DecodeVarint32Unchecked(p) - 1), id);
  EXPECT_EQ(*p, 0);
  EXPECT_EQ(p, bytes.data() + bytes.size() - 1);
  // Sizes: 1 byte below 127 (id+1 < 128), 2 bytes from 127.
  std::vector<uint8_t> one;
  EncodedCorpus::AppendToken(&one, 126);
  EXPECT_EQ(one.size(), 1u);
  EncodedCorpus::AppendToken(&one, 127);
  EXPECT_EQ(one.size(), 3u);
}

TEST(EncodedCorpusTest, NextSentenceStart) {
  std::vector<uint8_t> bytes;
  EncodedCorpus::AppendToken(&bytes, 5);     // [0]
  EncodedCorpus::AppendToken(&bytes, 300);   // [1,2]
  EncodedCorpus::AppendSentenceEnd(&bytes);  // [3]
  EncodedCorpus::AppendToken(&bytes, 1);     // [4]   sentence 2 starts at 4
  EncodedCorpus::AppendSentenceEnd(&bytes);  // [5]
  EncodedCorpus::AppendToken(&bytes, 2);     // [6]   sentence 3 starts at 6
  EncodedCorpus::AppendSentenceEnd(&bytes);  // [7]
  EncodedCorpus c(bytes, 4, 3);
  EXPECT_EQ(c.size_bytes(), 8u);
  EXPECT_EQ(c.num_tokens(), 4u);
  EXPECT_EQ(c.num_sentences(), 3u);
  const size_t expected[] = {0, 4, 4, 4, 4, 6, 6, 8, 8};
  for (size_t off = 0; off <= 8; ++off) {
    EXPECT_EQ(c.NextSentenceStart(off), expected[off]) << "offset " << off;
  }
  EXPECT_EQ(c.NextSentenceStart(100), 8u);
  EXPECT_EQ(EncodedCorpus().NextSentenceStart(0), 0u);
}

TEST(EncodedCorpusTest, FingerprintDependsOnTheBytes) {
  std::vector<uint8_t> a = {1, 2, 0, 3, 0};
  std::vector<uint8_t> b = {1, 2, 0, 4, 0};
  EXPECT_EQ(EncodedCorpus(a, 3, 2).Fingerprint(),
            EncodedCorpus(a, 3, 2).Fingerprint());
  EXPECT_NE(EncodedCorpus(a, 3, 2).Fingerprint(),
            EncodedCorpus(b, 3, 2).Fingerprint());
  // XXH3 64-bit (seed 0) of the empty input, xxHash's published value.
  EXPECT_EQ(EncodedCorpus().Fingerprint(), 0x2d06800538d394c2ULL);
  // Fed in pieces of any size: the same value.
  std::vector<uint8_t> long_bytes(100000);
  for (size_t i = 0; i < long_bytes.size(); ++i) {
    long_bytes[i] = uint8_t(i * 7 % 251);
  }
  for (const size_t piece : {1, 63, 4096, 100000}) {
    CorpusFingerprint f;
    for (size_t at = 0; at < long_bytes.size(); at += piece) {
      f.Add(long_bytes.data() + at, std::min(piece, long_bytes.size() - at));
    }
    EXPECT_EQ(f.Value(),
              CorpusFingerprint::Of(long_bytes.data(), long_bytes.size()))
        << piece;
  }
  // The fingerprint before (checkpoints of older builds): FNV-1a 64, whose
  // value for the empty string is the offset basis.
  EXPECT_EQ(*EncodedCorpus().LegacyFingerprint(), 0xcbf29ce484222325ULL);
  EXPECT_EQ(*EncodedCorpus(a, 3, 2).LegacyFingerprint(),
            Fnv64Extend(kFnv64Basis, a.data(), a.size()));
}

}  // namespace
}  // namespace wembed

namespace wembed {
namespace {

TEST(VocabularySortedAndFilteredTest, SortsStablyAndAppliesLimits) {
  auto v = Vocabulary::FromWordsAndCounts({"a", "b", "c", "d", "e"},
                                          {3, 10, 3, 1, 7});
  ASSERT_TRUE(v.ok());
  auto sorted = v->SortedAndFiltered(1, 0);
  ASSERT_TRUE(sorted.ok());
  EXPECT_EQ(sorted->words(),
            (std::vector<std::string>{"b", "e", "a", "c", "d"}));
  auto limited = v->SortedAndFiltered(3, 3);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->words(), (std::vector<std::string>{"b", "e", "a"}));
  EXPECT_EQ(limited->Find("c"), -1);
  EXPECT_EQ(limited->total_count(), 20u);
  auto none = v->SortedAndFiltered(11, 0);
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("11"), std::string::npos);
}

}  // namespace
}  // namespace wembed
