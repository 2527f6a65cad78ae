// BlockWords: the per-block word table of the parallel scan's workers,
// against a std::unordered_map reference.
#include "corpus/block_words.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/string_hash.h"
#include "test_util.h"

namespace wembed {
namespace {

std::vector<std::string> RandomWords(size_t n, uint64_t seed) {
  return testing::ZipfishWords(n, seed, /*distinct=*/5000);
}

uint32_t Add(BlockWords& t, const std::string& w, bool transient) {
  return t.Add(w, HashBytes(w), transient);
}

TEST(BlockWordsTest, IdsFollowFirstOccurrenceAndCountsMatchAReference) {
  const std::vector<std::string> words = RandomWords(200000, 7);
  BlockWords table(16);  // grows many times
  std::unordered_map<std::string, uint32_t> first_id;
  std::unordered_map<std::string, uint64_t> counts;
  for (const std::string& w : words) {
    const uint32_t id = Add(table, w, /*transient=*/false);
    const auto [it, inserted] = first_id.emplace(w, uint32_t(first_id.size()));
    EXPECT_EQ(id, it->second) << w;
    ++counts[w];
  }
  ASSERT_EQ(table.size(), first_id.size());
  for (const auto& [w, id] : first_id) {
    EXPECT_EQ(table.word(id), w);
    EXPECT_EQ(table.count(id), counts[w]) << w;
  }
}

TEST(BlockWordsTest, TransientWordsAreCopiedAndKeptWordsAreNot) {
  BlockWords table;
  std::string buffer = "transient-long-word";
  const uint32_t copied = Add(table, buffer, /*transient=*/true);
  const std::string text = "kept-long-word-in-the-text";
  const uint32_t kept = Add(table, text, /*transient=*/false);
  buffer.assign(buffer.size(), 'x');  // the caller's buffer is reused
  EXPECT_EQ(table.word(copied), "transient-long-word");
  EXPECT_EQ(table.word(kept).data(), text.data());
  // The same bytes found again count as the same word, whatever the flag.
  EXPECT_EQ(Add(table, "transient-long-word", false), copied);
  EXPECT_EQ(table.count(copied), 2u);
}

TEST(BlockWordsTest, ClearStartsIdsAgainAndForgetsEveryWord) {
  BlockWords table(16);
  const std::vector<std::string> first = RandomWords(20000, 1);
  for (const std::string& w : first) Add(table, w, /*transient=*/true);
  ASSERT_GT(table.size(), 1000u);
  table.Clear();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(Add(table, "zz", false), 0u);
  EXPECT_EQ(Add(table, "a-word-longer-than-eight", true), 1u);
  EXPECT_EQ(Add(table, "zz", false), 0u);
  EXPECT_EQ(table.count(0), 2u);
  EXPECT_EQ(table.count(1), 1u);
  EXPECT_EQ(table.size(), 2u);
}

}  // namespace
}  // namespace wembed
