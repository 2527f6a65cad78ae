#include "wembed/text/subwords.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wembed {
namespace {

std::vector<std::string> Ngrams(const std::string& word, int min_n,
                                int max_n) {
  std::vector<std::string> out;
  AppendNgrams(word, min_n, max_n, &out);
  return out;
}

using Strings = std::vector<std::string>;

TEST(SubwordsTest, TrigramsOfWhere) {  // fastText paper's example
  EXPECT_EQ(Ngrams("where", 3, 3),
            (Strings{"<wh", "whe", "her", "ere", "re>"}));
}

TEST(SubwordsTest, WholeWrappedWordIsAnNgramWhenShortEnough) {
  // "<ab>" has 4 characters: within 3..6, so it is one of the n-grams.
  EXPECT_EQ(Ngrams("ab", 3, 6), (Strings{"<ab", "<ab>", "ab>"}));
  EXPECT_EQ(Ngrams("a", 3, 6), (Strings{"<a>"}));
}

TEST(SubwordsTest, WordShorterThanMinHasNoNgrams) {
  EXPECT_TRUE(Ngrams("a", 4, 6).empty());   // "<a>": 3 characters
  EXPECT_TRUE(Ngrams("ab", 5, 6).empty());  // "<ab>": 4 characters
  EXPECT_EQ(Ngrams("ab", 4, 6), (Strings{"<ab>"}));
}

TEST(SubwordsTest, MultiByteCharactersCountOnce) {
  // "<né>" is 4 characters (é is 2 bytes); no n-gram splits é.
  EXPECT_EQ(Ngrams("n\xC3\xA9", 2, 3),
            (Strings{"<n", "<n\xC3\xA9", "n\xC3\xA9", "n\xC3\xA9>",
                     "\xC3\xA9>"}));
  // A 3-byte and a 4-byte character: "<€𝄞>" is 4 characters.
  EXPECT_EQ(Ngrams("\xE2\x82\xAC\xF0\x9D\x84\x9E", 4, 4),
            (Strings{"<\xE2\x82\xAC\xF0\x9D\x84\x9E>"}));
}

TEST(SubwordsTest, UnigramsSkipTheBoundaryMarkers) {
  EXPECT_EQ(Ngrams("ab", 1, 1), (Strings{"a", "b"}));
}

TEST(SubwordsTest, DuplicatesAreKept) {
  EXPECT_EQ(Ngrams("aaaa", 3, 3), (Strings{"<aa", "aaa", "aaa", "aa>"}));
}

TEST(SubwordsTest, HashMatchesHandComputedValues) {
  // FNV-1a 32: offset basis and the published value for "a".
  EXPECT_EQ(SubwordHash(""), 0x811c9dc5u);
  EXPECT_EQ(SubwordHash("a"), 0xe40c292cu);
  EXPECT_EQ(SubwordHash("<wh"), 0x3e79c4e4u);
  // Bytes >= 0x80 are sign-extended before the xor (fastText's variant):
  // plain FNV-1a of C3 A9 would differ.
  EXPECT_EQ(SubwordHash("\xC3\xA9"), 0x3cfa68c1u);
  EXPECT_EQ(SubwordHash("<n\xC3\xA9>"), 0xa8fe1debu);
}

TEST(SubwordsTest, BucketsAreHashesOfTheNgramsModuloBuckets) {
  const SubwordSpec spec{2, 5, 1009};
  for (const std::string word :
       {"where", "a", "n\xC3\xA9", "\xE2\x82\xAC\xF0\x9D\x84\x9E", "aaaa"}) {
    std::vector<uint32_t> buckets;
    AppendNgramBuckets(word, spec, &buckets);
    const Strings ngrams = Ngrams(word, spec.min_n, spec.max_n);
    ASSERT_EQ(buckets.size(), ngrams.size()) << word;
    for (size_t i = 0; i < ngrams.size(); ++i) {
      EXPECT_EQ(buckets[i], SubwordHash(ngrams[i]) % spec.buckets) << word;
    }
  }
}

}  // namespace
}  // namespace wembed
