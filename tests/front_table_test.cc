#include "corpus/front_table.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace wembed {
namespace {

TEST(FrontTableTest, FindsEveryWordByIndexAndNothingElse) {
  const std::vector<std::string> words = {"a",
                                          "ab",
                                          "abc",
                                          "abcd",
                                          "abcde",
                                          "abcdefg",
                                          "abcdefgh",
                                          "abcdefghi",
                                          "abcdefghij",
                                          "abcdefghijklmnopqrstuvwxyz",
                                          std::string("a\0b", 3),
                                          "\xc3\xa9t\xc3\xa9"};
  const FrontTable table(words, {0, 8});
  ASSERT_EQ(table.size(), words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(table.Find(words[i]), int32_t(i)) << words[i];
  }
  // Prefixes, extensions, the same first 8 bytes with another tail, the
  // same size with other bytes, a zero byte where the padding is.
  for (const std::string& absent : std::vector<std::string>{
           "b", "abcdef", "abcdefghx", "abcdefghik", "abcdefghijk",
           "abcdefghijklmnopqrstuvwxyZ", "abcdefghijklmnopqrstuvwxy", "zbcd",
           std::string("ab\0", 3), std::string("a\0c", 3), "\xc3\xa9t"}) {
    EXPECT_EQ(table.Find(absent), -1) << absent;
  }
}

TEST(FrontTableTest, EmptyTableFindsNothing) {
  const FrontTable table({}, {});
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.Find("the"), -1);
}

TEST(FrontTableTest, RandomWordsAgreeWithAMap) {
  std::mt19937 rng(3);
  std::unordered_map<std::string, int32_t> index;
  std::vector<std::string> words;
  while (words.size() < 20000) {
    std::string w(1 + rng() % 20, 'a');
    for (char& c : w) c = char('a' + rng() % 4);  // many near-collisions
    if (index.emplace(w, int32_t(words.size())).second) words.push_back(w);
  }
  std::vector<uint32_t> hot;
  for (uint32_t i = 0; i < words.size(); i += 7) hot.push_back(i);
  const FrontTable table(words, hot);
  for (int probe = 0; probe < 100000; ++probe) {
    std::string w(1 + rng() % 22, 'a');
    for (char& c : w) c = char('a' + rng() % 4);
    const auto it = index.find(w);
    ASSERT_EQ(table.Find(w), it == index.end() ? -1 : it->second) << w;
  }
}

}  // namespace
}  // namespace wembed
