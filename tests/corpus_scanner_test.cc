#include "wembed/corpus/corpus_scanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "base/coding.h"
#include "test_util.h"

namespace wembed {
namespace {

using testing::Gzip;
using testing::TempDir;
using testing::WriteFile;

// A random corpus with a Zipf-like word distribution, UTF-8 words, varied
// whitespace, CRLF and empty lines.
std::string RandomCorpus(int num_tokens, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> lexicon;
  const char* stems[] = {"a", "b", "\u00e9", "\u4e2d", "z", "\U0001F600"};
  for (int i = 0; i < 20000; ++i) {
    std::string w = stems[i % 6];
    w += std::to_string(i);
    lexicon.push_back(w);
  }
  std::string text;
  const char* seps[] = {" ", " ", " ", "\t", "  ", "\n", "\r\n", "\n\n", " \f"};
  for (int i = 0; i < num_tokens; ++i) {
    // Zipf-ish: index = floor(20000 * u^3), so both very frequent words and
    // many singletons.
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    text += lexicon[std::min<size_t>(19999, size_t(20000 * u * u * u))];
    text += seps[rng() % std::size(seps)];
  }
  return text;
}

// Independent count: split on ASCII whitespace.
struct RefCount {
  std::map<std::string, uint64_t> counts;
  std::map<std::string, size_t> first;
  std::vector<std::vector<std::string>> sentences;  // non-empty lines
};

RefCount CountIndependently(const std::string& text) {
  RefCount r;
  std::string tok;
  std::vector<std::string> line;
  size_t pos = 0;
  auto flush_token = [&] {
    if (tok.empty()) return;
    ++r.counts[tok];
    r.first.emplace(tok, pos++);
    line.push_back(tok);
    tok.clear();
  };
  for (char c : text) {
    if (c == '\n') {
      flush_token();
      if (!line.empty()) r.sentences.push_back(line);
      line.clear();
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
               c == '\0') {
      flush_token();
    } else {
      tok += c;
    }
  }
  flush_token();
  if (!line.empty()) r.sentences.push_back(line);
  return r;
}

ScanRequest Request(std::vector<std::string> inputs, uint64_t min_count = 1) {
  ScanRequest r;
  r.inputs = std::move(inputs);
  r.vocab.min_count = min_count;
  return r;
}

// Decodes an EncodedCorpus into sentences of words.
std::vector<std::vector<std::string>> Decode(const EncodedCorpus& c,
                                             const Vocabulary& v) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> sentence;
  const uint8_t* p = c.data();
  const uint8_t* end = p + c.size_bytes();
  uint64_t tokens = 0;
  while (p < end) {
    if (*p == 0) {
      EXPECT_FALSE(sentence.empty()) << "empty sentence stored";
      out.push_back(sentence);
      sentence.clear();
      ++p;
      continue;
    }
    const uint32_t id = (DecodeVarint32Unchecked(p) - 1);
    EXPECT_LT(id, v.size());
    if (id >= v.size()) return out;
    sentence.push_back(v.word(id));
    ++tokens;
  }
  EXPECT_TRUE(sentence.empty()) << "last sentence not terminated";
  EXPECT_EQ(tokens, c.num_tokens());
  EXPECT_EQ(out.size(), c.num_sentences());
  return out;
}

TEST(CorpusScannerTest, CountsEqualAnIndependentCountAndOrderIsExact) {
  TempDir dir;
  const std::string text = RandomCorpus(60000, 1);
  WriteFile(dir.File("c.txt"), text);
  auto res = ScanCorpus(Request({dir.File("c.txt")}, 3));
  ASSERT_TRUE(res.ok()) << res.status().message();
  const RefCount ref = CountIndependently(text);

  // Expected: count >= 3, by count descending, ties by first occurrence.
  std::vector<std::string> expected;
  for (const auto& [w, n] : ref.counts) {
    if (n >= 3) expected.push_back(w);
  }
  std::sort(expected.begin(), expected.end(),
            [&](const std::string& a, const std::string& b) {
              const uint64_t ca = ref.counts.at(a), cb = ref.counts.at(b);
              if (ca != cb) return ca > cb;
              return ref.first.at(a) < ref.first.at(b);
            });
  ASSERT_GT(expected.size(), 100u);
  ASSERT_LT(expected.size(), ref.counts.size()) << "min-count drops nothing";
  EXPECT_EQ(res->vocab.words(), expected);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(res->vocab.count(i), ref.counts.at(expected[i]));
  }
  EXPECT_EQ(res->stats.total_tokens, 60000u);
  EXPECT_EQ(res->stats.distinct_tokens, ref.counts.size());
  EXPECT_EQ(res->stats.sentences, ref.sentences.size());
  EXPECT_EQ(res->stats.bytes_read, text.size());
  EXPECT_EQ(res->stats.prune_rounds, 0u);
  EXPECT_EQ(res->corpus.size_bytes(), 0u) << "encode was not requested";
}

TEST(CorpusScannerTest, TiesAreBrokenByFirstOccurrence) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), "d c b a\na b c d e e\nz z z\n");
  auto res = ScanCorpus(Request({dir.File("c.txt")}, 2));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->vocab.words(),
            (std::vector<std::string>{"z", "d", "c", "b", "a", "e"}));
  EXPECT_EQ(res->vocab.counts(), (std::vector<uint64_t>{3, 2, 2, 2, 2, 2}));
}

TEST(CorpusScannerTest, MaxVocabKeepsTheMostFrequent) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), "a b b c c c d d d d e e e e\n");
  ScanRequest r = Request({dir.File("c.txt")}, 1);
  r.vocab.max_vocab = 3;
  auto res = ScanCorpus(r);
  ASSERT_TRUE(res.ok());
  // d and e tie at 4: d occurs first.
  EXPECT_EQ(res->vocab.words(), (std::vector<std::string>{"d", "e", "c"}));
  EXPECT_EQ(res->vocab.total_count(), 11u);
}

TEST(CorpusScannerTest, GzipAndPlainGiveIdenticalVocabularies) {
  TempDir dir;
  const std::string text = RandomCorpus(20000, 2);
  WriteFile(dir.File("plain.txt"), text);
  // Names do not matter: detection is by content.
  WriteFile(dir.File("gz_without_extension"), Gzip(text));
  const size_t half = text.size() / 2;
  WriteFile(dir.File("multi.gz"),
            Gzip(text.substr(0, half)) + Gzip("") + Gzip(text.substr(half)));
  auto plain = ScanCorpus(Request({dir.File("plain.txt")}));
  auto gz = ScanCorpus(Request({dir.File("gz_without_extension")}));
  auto multi = ScanCorpus(Request({dir.File("multi.gz")}));
  ASSERT_TRUE(plain.ok() && gz.ok() && multi.ok())
      << gz.status().message() << multi.status().message();
  for (const auto* r : {&gz, &multi}) {
    EXPECT_EQ((*r)->vocab.words(), plain->vocab.words());
    EXPECT_EQ((*r)->vocab.counts(), plain->vocab.counts());
    EXPECT_EQ((*r)->stats.bytes_read, text.size());
    EXPECT_EQ((*r)->stats.sentences, plain->stats.sentences);
  }
}

TEST(CorpusScannerTest, LargeGzipStreamsAcrossManyChunks) {
  // Several MB uncompressed: crosses the reader's chunk and buffer sizes.
  TempDir dir;
  std::string text;
  for (int i = 0; i < 400000; ++i) {
    text += "w" + std::to_string(i % 1000) + (i % 17 == 0 ? "\n" : " ");
  }
  WriteFile(dir.File("big.gz"), Gzip(text) + Gzip(text));
  auto res = ScanCorpus(Request({dir.File("big.gz")}));
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_EQ(res->stats.total_tokens, 800000u);
  EXPECT_EQ(res->stats.bytes_read, 2 * text.size());
  EXPECT_EQ(res->vocab.size(), 1000u);
  EXPECT_EQ(res->vocab.count(0), 800u);
}

TEST(CorpusScannerTest, EachFileEndsASentence) {
  TempDir dir;
  WriteFile(dir.File("1.txt"), "a b");  // no final newline
  WriteFile(dir.File("2.txt"), "c d\n");
  WriteFile(dir.File("3.txt"), Gzip("e"));
  ScanRequest r =
      Request({dir.File("1.txt"), dir.File("2.txt"), dir.File("3.txt")});
  r.encode = true;
  auto res = ScanCorpus(r);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->stats.sentences, 3u);
  EXPECT_EQ(
      Decode(res->corpus, res->vocab),
      (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}, {"e"}}));
}

TEST(CorpusScannerTest, EncodedCorpusDecodesToTheKeptTokens) {
  TempDir dir;
  const std::string text = RandomCorpus(30000, 3);
  WriteFile(dir.File("c.gz"), Gzip(text));
  ScanRequest r = Request({dir.File("c.gz")}, 5);
  r.encode = true;
  r.tokenizer.max_sentence_tokens = 7;  // exercise the sentence cuts
  auto res = ScanCorpus(r);
  ASSERT_TRUE(res.ok()) << res.status().message();
  const RefCount ref = CountIndependently(text);
  // Expected: each line cut into pieces of 7 tokens, OOV dropped, empty
  // pieces dropped.
  std::vector<std::vector<std::string>> expected;
  uint64_t kept = 0;
  for (const auto& line : ref.sentences) {
    for (size_t s = 0; s < line.size(); s += 7) {
      std::vector<std::string> piece;
      for (size_t i = s; i < std::min(line.size(), s + 7); ++i) {
        if (ref.counts.at(line[i]) >= 5) piece.push_back(line[i]);
      }
      kept += piece.size();
      if (!piece.empty()) expected.push_back(piece);
    }
  }
  ASSERT_LT(kept, 30000u) << "no OOV tokens: the test would be weak";
  EXPECT_EQ(Decode(res->corpus, res->vocab), expected);
  EXPECT_EQ(res->corpus.num_tokens(), kept);
  EXPECT_EQ(res->corpus.num_tokens(), res->vocab.total_count());
  // Sentence starts are found from any offset.
  const EncodedCorpus& c = res->corpus;
  size_t starts = 0;
  for (size_t off = 0; off < c.size_bytes();
       off = c.NextSentenceStart(off + 1)) {
    ASSERT_TRUE(off == 0 || c.data()[off - 1] == 0);
    ++starts;
  }
  EXPECT_EQ(starts, c.num_sentences());
}

TEST(CorpusScannerTest, FixedVocabularyEncodesWithoutCounting) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), "x a y b\nq q\nb a a\n");
  auto fixed = Vocabulary::FromWordsAndCounts({"a", "b"}, {100, 50});
  ASSERT_TRUE(fixed.ok());
  ScanRequest r = Request({dir.File("c.txt")});
  r.encode = true;
  r.fixed_vocab = &*fixed;
  auto res = ScanCorpus(r);
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_EQ(res->vocab.words(), fixed->words());
  EXPECT_EQ(res->vocab.counts(), fixed->counts());  // file counts kept
  EXPECT_EQ(res->stats.total_tokens, 9u);
  EXPECT_EQ(
      Decode(res->corpus, res->vocab),
      (std::vector<std::vector<std::string>>{{"a", "b"}, {"b", "a", "a"}}));
}

TEST(CorpusScannerTest, PruningBoundsTheTableAndKeepsFrequentWordsExact) {
  TempDir dir;
  // Frequent words from the start, then thousands of singletons mixed in.
  std::string text;
  for (int i = 0; i < 50; ++i) text += "the of and to in\n";
  for (int i = 0; i < 5000; ++i) {
    text += "rare" + std::to_string(i) + " the of\n";
  }
  WriteFile(dir.File("c.txt"), text);
  ScanRequest r = Request({dir.File("c.txt")}, 2);
  r.vocab.max_table_entries = 100;
  r.encode = true;
  auto res = ScanCorpus(r);
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_GT(res->stats.prune_rounds, 0u);
  EXPECT_GE(res->stats.prune_threshold, 1u);
  EXPECT_LE(res->stats.distinct_tokens, 100u);
  EXPECT_EQ(res->vocab.words(),
            (std::vector<std::string>{"the", "of", "and", "to", "in"}));
  EXPECT_EQ(res->vocab.counts(),
            (std::vector<uint64_t>{5050, 5050, 50, 50, 50}));
  EXPECT_EQ(res->stats.total_tokens, 250u + 15000u);
  // Pruned words' tokens are dropped from the encoding.
  const auto decoded = Decode(res->corpus, res->vocab);
  ASSERT_EQ(decoded.size(), 5050u);
  EXPECT_EQ(decoded[0],
            (std::vector<std::string>{"the", "of", "and", "to", "in"}));
  EXPECT_EQ(decoded[5049], (std::vector<std::string>{"the", "of"}));
  // Without pruning the same counts come out.
  r.vocab.max_table_entries = 1000000;
  auto exact = ScanCorpus(r);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->stats.prune_rounds, 0u);
  EXPECT_EQ(exact->vocab.words(), res->vocab.words());
}

TEST(CorpusScannerTest, PruningRaisesTheThresholdWhenNeeded) {
  TempDir dir;
  // Every word occurs twice, so dropping counts <= 1 frees nothing.
  std::string text = "top top top top top top\n";
  for (int i = 0; i < 2000; ++i) {
    text += "w" + std::to_string(i) + " w" + std::to_string(i) + " top\n";
  }
  WriteFile(dir.File("c.txt"), text);
  ScanRequest r = Request({dir.File("c.txt")}, 1);
  r.vocab.max_table_entries = 100;
  auto res = ScanCorpus(r);
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_GT(res->stats.prune_rounds, 1u);
  EXPECT_GE(res->stats.prune_threshold, 2u);
  EXPECT_LE(res->stats.distinct_tokens, 100u);
  EXPECT_LE(res->vocab.size(), 100u);
  EXPECT_EQ(res->vocab.word(0), "top");
  EXPECT_EQ(res->vocab.count(0), 2006u);
}

TEST(CorpusScannerTest, GiantLineIsCutAndStreamed) {
  TempDir dir;
  std::string line;
  for (int i = 0; i < 25000; ++i) line += "t" + std::to_string(i % 50) + " ";
  WriteFile(dir.File("one_line.txt"), line);  // no newline at all
  ScanRequest r = Request({dir.File("one_line.txt")});
  r.encode = true;
  auto res = ScanCorpus(r);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->stats.sentences, 3u);
  const auto decoded = Decode(res->corpus, res->vocab);
  ASSERT_EQ(decoded.size(), 3u);
  EXPECT_EQ(decoded[0].size(), 10000u);
  EXPECT_EQ(decoded[2].size(), 5000u);
}

TEST(CorpusScannerTest, TokenizerOptionsApply) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), "\u00c9cole, \u00e9cole! \u00abECOLE\u00bb\n");
  ScanRequest r = Request({dir.File("c.txt")});
  r.tokenizer.lowercase = true;
  r.tokenizer.strip_punct = true;
  auto res = ScanCorpus(r);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->vocab.words(),
            (std::vector<std::string>{"\u00e9cole", "ecole"}));
  EXPECT_EQ(res->vocab.counts(), (std::vector<uint64_t>{2, 1}));
}

TEST(CorpusScannerTest, MissingAndUnreadableInputsNameTheFile) {
  TempDir dir;
  WriteFile(dir.File("ok.txt"), "a b c\n");
  auto missing =
      ScanCorpus(Request({dir.File("ok.txt"), dir.File("nope.txt")}));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.txt"), std::string::npos);
  std::filesystem::create_directory(dir.File("empty"));
  auto directory = ScanCorpus(Request({dir.File("empty")}));
  EXPECT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().message(),
            dir.File("empty") + ": no files in this directory");
}

TEST(CorpusScannerTest, CorruptTruncatedAndTrailingGzipAreErrors) {
  TempDir dir;
  const std::string gz = Gzip(RandomCorpus(5000, 4));
  std::string corrupt = gz;
  for (size_t i = 20; i < 60; ++i) corrupt[i] = char(corrupt[i] ^ 0x5a);
  WriteFile(dir.File("corrupt.gz"), corrupt);
  WriteFile(dir.File("truncated.gz"), gz.substr(0, gz.size() / 2));
  WriteFile(dir.File("no_trailer.gz"), gz.substr(0, gz.size() - 4));
  WriteFile(dir.File("trailing.gz"), gz + "garbage");
  WriteFile(dir.File("magic_only.gz"), "\x1f\x8b");
  for (const char* name : {"corrupt.gz", "truncated.gz", "no_trailer.gz",
                           "trailing.gz", "magic_only.gz"}) {
    auto res = ScanCorpus(Request({dir.File(name)}));
    ASSERT_FALSE(res.ok()) << name;
    EXPECT_EQ(res.status().code(), StatusCode::kCorruption) << name;
    EXPECT_NE(res.status().message().find(dir.File(name)), std::string::npos)
        << res.status().message();
  }
}

TEST(CorpusScannerTest, EmptyCorpusAndEmptyVocabularyAreErrors) {
  TempDir dir;
  WriteFile(dir.File("empty.txt"), "");
  WriteFile(dir.File("blank.txt"), " \n\r\n\t\n");
  WriteFile(dir.File("empty.gz"), Gzip(""));
  for (const char* name : {"empty.txt", "blank.txt", "empty.gz"}) {
    auto res = ScanCorpus(Request({dir.File(name)}));
    EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(res.status().message().find("empty corpus"), std::string::npos);
  }
  WriteFile(dir.File("rare.txt"), "a b c\n");
  auto rare = ScanCorpus(Request({dir.File("rare.txt")}, 2));
  EXPECT_EQ(rare.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rare.status().message().find("empty vocabulary"),
            std::string::npos);
}

TEST(CorpusScannerTest, BadRequestsAreRejected) {
  TempDir dir;
  WriteFile(dir.File("c.txt"), "a\n");
  EXPECT_FALSE(ScanCorpus(Request({})).ok());
  EXPECT_FALSE(ScanCorpus(Request({"-", "-"})).ok());
  ScanRequest r = Request({dir.File("c.txt")});
  r.tokenizer.max_token_bytes = 0;
  EXPECT_EQ(ScanCorpus(r).status().code(), StatusCode::kInvalidArgument);
  r = Request({dir.File("c.txt")});
  r.vocab.max_table_entries = 0;
  EXPECT_EQ(ScanCorpus(r).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wembed
