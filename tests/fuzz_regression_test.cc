// Inputs the libFuzzer targets (fuzz/, docs/reliability.md "Fuzzing") found
// to crash or to break an invariant, each read the way its target reads it,
// with the result the fixed library gives. The inputs are also kept as seeds
// under fuzz/corpus/<target>/.
//
// Findings that were undefined behaviour without a visible symptom (a null
// pointer passed to memchr/memcpy with a length of 0) fail here only in a
// build with -fsanitize=undefined -fno-sanitize-recover (scripts/fuzz.sh's
// build); in a plain build they pass before and after the fix.
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/eval/similarity_evaluator.h"
#include "wembed/vectors/subword_vectors.h"

namespace wembed {
namespace {

using testing::TempDir;
using testing::WriteFile;

// Found by vocabulary_fuzzer, analogy_questions_fuzzer, word_pairs_fuzzer
// and word_list_fuzzer: an empty file made BufferedReader::NextLine call
// memchr on a null buffer (UBSan: "null pointer passed as argument 1").
TEST(FuzzRegressionTest, EmptyFilesReadWithoutUndefinedBehaviour) {
  TempDir dir;
  const std::string path = dir.File("empty");
  WriteFile(path, "");

  StatusOr<Vocabulary> vocab = Vocabulary::Load(path);
  ASSERT_FALSE(vocab.ok());
  EXPECT_NE(vocab.status().message().find("no words"), std::string::npos)
      << vocab.status().message();

  StatusOr<AnalogyQuestionSet> questions = ReadAnalogyQuestions(path);
  ASSERT_TRUE(questions.ok()) << questions.status().message();
  EXPECT_EQ(questions.value().num_questions(), 0u);

  StatusOr<std::vector<WordPair>> pairs = ReadWordPairs(path);
  ASSERT_TRUE(pairs.ok()) << pairs.status().message();
  EXPECT_TRUE(pairs.value().empty());

  StatusOr<std::vector<std::string>> words = ReadWordList(path);
  ASSERT_TRUE(words.ok()) << words.status().message();
  EXPECT_TRUE(words.value().empty());
}

// Found by corpus_scanner_fuzzer (its seed fuzz/corpus/corpus_scanner/
// options.txt): BlockReader::Next copied an empty carry with memcpy from
// a null pointer (UBSan: "null pointer passed as argument 2").
TEST(FuzzRegressionTest, ScanWithSmallBlocksCopiesNoEmptyCarry) {
  TempDir dir;
  const std::string path = dir.File("corpus.txt");
  WriteFile(path, "One, two;\r\nTHREE four \xc3\x89t\xc3\xa9\n\n\nfive");
  ScanRequest request;
  request.inputs = {path};
  request.tokenizer.lowercase = true;
  request.tokenizer.strip_punct = true;
  request.vocab.min_count = 1;
  request.encode = true;
  request.block_bytes = 49;
  request.memory_budget = 1 << 16;
  StatusOr<ScanResult> scanned = ScanCorpus(request);
  ASSERT_TRUE(scanned.ok()) << scanned.status().message();
  EXPECT_EQ(scanned.value().stats.total_tokens, 6u);
  EXPECT_EQ(scanned.value().stats.sentences, 3u);
  EXPECT_EQ(scanned.value().vocab.size(), 6u);
  EXPECT_EQ(scanned.value().vocab.Find("\xc3\xa9t\xc3\xa9"), 4);
}

// Found by corpus_scanner_fuzzer (fuzz/corpus/corpus_scanner/
// long_last_line): when the last line of the last input was longer than a
// block, had no final newline and its last piece filled a block exactly,
// the end of the input was dropped with the empty block that held it, so
// the line's last token and its sentence end were lost (text8 is one such
// line of 100 MB: a block size that divides it lost its last word).
TEST(FuzzRegressionTest, LastTokenOfALongLastLineIsKeptAtAnyBlockSize) {
  TempDir dir;
  const std::string path = dir.File("one_line.txt");
  WriteFile(path, "aaa bbb ccc ddd");  // 15 bytes, no newline
  for (size_t block = 1; block <= 16; ++block) {
    ScanRequest request;
    request.inputs = {path};
    request.vocab.min_count = 1;
    request.encode = true;
    request.block_bytes = block;
    StatusOr<ScanResult> scanned = ScanCorpus(request);
    ASSERT_TRUE(scanned.ok()) << scanned.status().message();
    const ScanResult& r = scanned.value();
    EXPECT_EQ(r.stats.total_tokens, 4u) << "block " << block;
    EXPECT_EQ(r.stats.sentences, 1u) << "block " << block;
    EXPECT_EQ(r.corpus.num_tokens(), 4u) << "block " << block;
    EXPECT_GE(r.vocab.Find("ddd"), 0) << "block " << block;
  }
}

}  // namespace
}  // namespace wembed
