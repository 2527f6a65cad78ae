// CountTable: the counting hash table of the vocabulary pass, against a
// std::unordered_map reference.
#include "corpus/count_table.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "test_util.h"

namespace wembed {
namespace {

std::vector<std::string> RandomWords(size_t n, uint64_t seed) {
  return testing::ZipfishWords(n, seed, /*distinct=*/3000);
}

std::unordered_map<std::string, uint64_t> Counts(const CountTable& t) {
  std::unordered_map<std::string, uint64_t> m;
  t.ForEach([&](const CountTable::Entry& e) {
    EXPECT_TRUE(m.emplace(std::string(e.word()), e.count).second)
        << "word twice: " << e.word();
  });
  return m;
}

TEST(CountTableTest, CountsMatchAReferenceMapThroughRehashes) {
  CountTable table;
  std::unordered_map<std::string, uint64_t> reference;
  for (const std::string& w : RandomWords(300000, 1)) {
    const CountTable::Entry& e = table.Add(w);
    EXPECT_EQ(e.word(), w);
    EXPECT_EQ(e.count, ++reference[w]);
  }
  EXPECT_EQ(table.size(), reference.size());
  EXPECT_EQ(Counts(table), reference);
}

// Clear keeps one arena block for reuse; the words after it must fit the
// block it kept (a kept 4 KiB block once claimed to be 1 MiB: the next
// words overran it and corrupted the heap).
TEST(CountTableTest, ClearedTableCountsLongWordsAgain) {
  CountTable table;
  for (int round = 0; round < 3; ++round) {
    std::unordered_map<std::string, uint64_t> reference;
    for (int i = 0; i < 20000; ++i) {
      const std::string w =
          "a-long-word-number-" + std::to_string(i * 7 + round);
      const CountTable::Entry& e = table.Add(w);
      ASSERT_EQ(e.word(), w);
      ASSERT_EQ(e.count, ++reference[w]);
    }
    EXPECT_EQ(Counts(table), reference);
    table.Clear();
    EXPECT_EQ(table.size(), 0u);
  }
}

TEST(CountTableTest, ProvisionalIdsFollowFirstOccurrence) {
  CountTable table;
  const std::vector<std::string> words = {"b", "a", "b", "a-very-long-word",
                                          "c", "a"};
  for (const std::string& w : words) table.Add(w);
  EXPECT_EQ(table.Add("b").provisional_id, 0u);
  EXPECT_EQ(table.Add("a").provisional_id, 1u);
  EXPECT_EQ(table.Add("a-very-long-word").provisional_id, 2u);
  EXPECT_EQ(table.Add("c").provisional_id, 3u);
  EXPECT_EQ(table.num_provisional_ids(), 4u);
}

TEST(CountTableTest, PruneDropsRareWordsAndIdsAreNeverReused) {
  CountTable table;
  for (int i = 0; i < 5; ++i) table.Add("often");
  table.Add("once");
  table.Add("twice");
  table.Add("twice");
  table.Prune(1);
  auto counts = Counts(table);
  EXPECT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts["often"], 5u);
  EXPECT_EQ(counts["twice"], 2u);
  EXPECT_EQ(counts.count("once"), 0u);
  // A pruned word seen again starts over with a new provisional id.
  const CountTable::Entry& again = table.Add("once");
  EXPECT_EQ(again.count, 1u);
  EXPECT_EQ(again.provisional_id, 3u);
  EXPECT_EQ(table.num_provisional_ids(), 4u);
}

TEST(CountTableTest, PruneAfterManyWordsKeepsTheRestIntact) {
  CountTable table;
  std::unordered_map<std::string, uint64_t> reference;
  for (const std::string& w : RandomWords(100000, 2)) {
    table.Add(w);
    ++reference[w];
  }
  table.Prune(3);
  for (auto it = reference.begin(); it != reference.end();) {
    it = it->second <= 3 ? reference.erase(it) : std::next(it);
  }
  EXPECT_EQ(Counts(table), reference);
  // Lookups still work after the table was rebuilt.
  for (const auto& [w, c] : reference) {
    EXPECT_EQ(table.Add(w).count, c + 1);
    break;
  }
}

}  // namespace
}  // namespace wembed
