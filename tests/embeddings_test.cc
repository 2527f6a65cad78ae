#include "wembed/vectors/embeddings.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/corpus/vocabulary.h"

namespace wembed {
namespace {

using testing::MakeMatrix;
using testing::ReadFile;
using testing::TempDir;
using testing::RewriteFile;
using testing::WriteFile;

std::string FloatBytes(std::initializer_list<float> values) {
  std::string s;
  for (float f : values) {
    char b[4];
    std::memcpy(b, &f, 4);  // the test machine is little-endian (x86-64)
    s.append(b, 4);
  }
  return s;
}

void ExpectRow(const Embeddings& e, size_t row, const std::string& word,
               std::vector<float> values) {
  ASSERT_LT(row, e.words.size());
  EXPECT_EQ(e.words[row], word);
  ASSERT_EQ(e.vectors.cols(), values.size());
  for (size_t c = 0; c < values.size(); ++c) {
    EXPECT_EQ(e.vectors.row(row)[c], values[c]) << word << " value " << c;
  }
}

// A file laid out as word2vec.c writes it: "V D\n", then per row the word, a
// space, D float32 and "\n".
TEST(EmbeddingsTest, ReadsWord2VecCBinary) {
  TempDir dir;
  const std::string path = dir.File("w2v.bin");
  WriteFile(path, "3 2\n</s> " + FloatBytes({0.5f, -1.0f}) + "\nthe " +
                      FloatBytes({0.25f, 2.0f}) + "\nof " +
                      FloatBytes({-0.125f, 1e-3f}) + "\n");
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> e = LoadEmbeddings(path, 0, &info);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(info.format, VectorFormat::kBinary);
  EXPECT_EQ(info.header_rows, 3u);
  ASSERT_EQ(e->words.size(), 3u);
  ExpectRow(*e, 0, "</s>", {0.5f, -1.0f});
  ExpectRow(*e, 1, "the", {0.25f, 2.0f});
  ExpectRow(*e, 2, "of", {-0.125f, 1e-3f});
}

// Old gensim wrote no "\n" after the floats of a row.
TEST(EmbeddingsTest, SkipsAUtf8ByteOrderMark) {
  TempDir dir;
  const std::string path = dir.File("bom.txt");
  WriteFile(path,
            "\xEF\xBB\xBF"
            "2 2\na 1 0\nb 0 1\n");
  auto e = LoadEmbeddings(path);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->words, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(e->vectors.row(1)[1], 1.0f);
}

TEST(EmbeddingsTest, NamesAFastTextModelFile) {
  TempDir dir;
  const std::string path = dir.File("model.bin");
  WriteFile(path, std::string("\xBA\x16\x4F\x2F\x0c\x00\x00\x00", 8));
  auto e = LoadEmbeddings(path);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("fastText model"), std::string::npos)
      << e.status().message();
}

TEST(EmbeddingsTest, ReadsBinaryWithoutRowNewlines) {
  TempDir dir;
  const std::string path = dir.File("gensim-old.bin");
  WriteFile(path, "2 3\nking " + FloatBytes({1, 2, 3}) + "queen " +
                      FloatBytes({4, 5, 6}));
  StatusOr<Embeddings> e = LoadEmbeddings(path);
  ASSERT_TRUE(e.ok()) << e.status().message();
  ExpectRow(*e, 0, "king", {1, 2, 3});
  ExpectRow(*e, 1, "queen", {4, 5, 6});
}

TEST(EmbeddingsTest, ReadsBinaryWithoutFinalNewline) {
  TempDir dir;
  const std::string path = dir.File("nofinal.bin");
  WriteFile(path, "2 2\na " + FloatBytes({1, 2}) + "\nb " + FloatBytes({3, 4}));
  StatusOr<Embeddings> e = LoadEmbeddings(path);
  ASSERT_TRUE(e.ok()) << e.status().message();
  ExpectRow(*e, 1, "b", {3, 4});
}

// A binary row whose first float byte is '\n' (0x0a) must not make the
// detector think it is text.
TEST(EmbeddingsTest, BinaryDetectionSurvivesNewlineBytesInFloats) {
  TempDir dir;
  const std::string path = dir.File("nl.bin");
  float tricky;
  const unsigned char bytes[4] = {0x0a, 0x31, 0x32, 0x33};  // "\n123"
  std::memcpy(&tricky, bytes, 4);
  ASSERT_TRUE(std::isfinite(tricky));
  WriteFile(path, "2 4\nx " + FloatBytes({tricky, 1, 2, 3}) + "\ny " +
                      FloatBytes({4, 5, 6, 7}) + "\n");
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> e = LoadEmbeddings(path, 0, &info);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(info.format, VectorFormat::kBinary);
  ExpectRow(*e, 0, "x", {tricky, 1, 2, 3});
  ExpectRow(*e, 1, "y", {4, 5, 6, 7});
}

// Text-or-binary detection must not take real binary files for text: random
// vectors of many scales and dimensions, in word2vec.c's layout and in
// gensim's (no '\n' after a row), all load as binary with their values.
TEST(EmbeddingsTest, RandomBinaryFilesAreNeverTakenForText) {
  TempDir dir;
  const std::string path = dir.File("r.bin");
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0, 1);
  int files = 0;
  for (const size_t dim : {1, 2, 3, 4, 8, 50}) {
    for (int trial = 0; trial < 150; ++trial) {
      const float scale = std::pow(10.0f, float(int(rng() % 7) - 3));
      const size_t rows = 1 + rng() % 3;
      const bool gensim = trial % 2 == 1;
      std::string data =
          std::to_string(rows) + " " + std::to_string(dim) + "\n";
      std::vector<std::vector<float>> values(rows, std::vector<float>(dim));
      for (size_t r = 0; r < rows; ++r) {
        data += "w" + std::to_string(r) + " ";
        for (float& v : values[r]) {
          v = normal(rng) * scale;
          char b[4];
          std::memcpy(b, &v, 4);
          data.append(b, 4);
        }
        if (!gensim) data += "\n";
      }
      RewriteFile(path, data);
      EmbeddingsLoadInfo info;
      StatusOr<Embeddings> e = LoadEmbeddings(path, 0, &info);
      ASSERT_TRUE(e.ok()) << "dim " << dim << " trial " << trial << ": "
                          << e.status().message();
      EXPECT_EQ(info.format, VectorFormat::kBinary);
      for (size_t r = 0; r < rows; ++r)
        ExpectRow(*e, r, "w" + std::to_string(r), values[r]);
      ++files;
    }
  }
  EXPECT_EQ(files, 900);
}

// fastText's .vec: text with a space after the last value of each row.
TEST(EmbeddingsTest, ReadsFastTextVecWithTrailingSpaces) {
  TempDir dir;
  const std::string path = dir.File("ft.vec");
  WriteFile(path, "2 3\n, 0.1 -0.2 0.3 \nthe 1e-3 2.5E+1 -0 \n");
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> e = LoadEmbeddings(path, 0, &info);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(info.format, VectorFormat::kText);
  ExpectRow(*e, 0, ",", {0.1f, -0.2f, 0.3f});
  ExpectRow(*e, 1, "the", {1e-3f, 25.0f, -0.0f});
}

TEST(EmbeddingsTest, ReadsCrlfTextAndTabsAndMissingFinalNewline) {
  TempDir dir;
  const std::string path = dir.File("crlf.txt");
  WriteFile(path, "3 2\r\na 1 2\r\nb\t3\t+4\r\nc 5 6");
  StatusOr<Embeddings> e = LoadEmbeddings(path);
  ASSERT_TRUE(e.ok()) << e.status().message();
  ExpectRow(*e, 0, "a", {1, 2});
  ExpectRow(*e, 1, "b", {3, 4});
  ExpectRow(*e, 2, "c", {5, 6});
}

TEST(EmbeddingsTest, ReadsWord2VecCTextWithTrailingSpace) {
  TempDir dir;
  const std::string path = dir.File("w2v.txt");
  // word2vec.c's text output: "%lf " per value, then "\n".
  WriteFile(path, "2 2\n</s> 0.004003 -0.001425 \nthe -0.120000 0.500000 \n");
  StatusOr<Embeddings> e = LoadEmbeddings(path);
  ASSERT_TRUE(e.ok()) << e.status().message();
  ExpectRow(*e, 0, "</s>", {0.004003f, -0.001425f});
  ExpectRow(*e, 1, "the", {-0.12f, 0.5f});
}

TEST(EmbeddingsTest, MaxRowsReadsOnlyTheFirstRows) {
  TempDir dir;
  for (VectorFormat f : {VectorFormat::kText, VectorFormat::kBinary}) {
    const std::string path = dir.File("v");
    ASSERT_TRUE(WriteWord2Vec(path, {"a", "b", "c"},
                              MakeMatrix({{1, 2}, {3, 4}, {5, 6}}), f)
                    .ok());
    StatusOr<Embeddings> e = LoadEmbeddings(path, 2);
    ASSERT_TRUE(e.ok()) << e.status().message();
    ASSERT_EQ(e->words.size(), 2u);
    EXPECT_EQ(e->vectors.rows(), 2u);
    ExpectRow(*e, 1, "b", {3, 4});
  }
}

// Duplicates: the first row of a word wins, later ones are dropped (as
// gensim does), and the loader reports them.
TEST(EmbeddingsTest, DuplicateWordsKeepTheFirstRow) {
  TempDir dir;
  const std::string path = dir.File("dup.txt");
  WriteFile(path, "4 1\na 1\nb 2\na 3\nc 4\n");
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> e = LoadEmbeddings(path, 0, &info);
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_EQ(e->words, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(e->vectors.rows(), 3u);
  ExpectRow(*e, 0, "a", {1});
  ExpectRow(*e, 2, "c", {4});
  EXPECT_EQ(info.duplicates_dropped, 1u);
  EXPECT_EQ(info.first_duplicate, "a");
  // max_rows counts the kept rows.
  StatusOr<Embeddings> e3 = LoadEmbeddings(path, 3);
  ASSERT_TRUE(e3.ok());
  EXPECT_EQ(e3->words.size(), 3u);
}

TEST(EmbeddingsTest, BinaryRoundTripIsBitExactAndByteCompatible) {
  TempDir dir;
  const std::string path = dir.File("rt.bin");
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0, 1);
  const size_t rows = 50, dim = 37;
  Matrix m(rows, dim);
  std::vector<std::string> words;
  for (size_t r = 0; r < rows; ++r) {
    words.push_back("w" + std::to_string(r) + "\xc3\xa9");  // UTF-8 too
    for (size_t c = 0; c < dim; ++c) m.row(r)[c] = normal(rng);
  }
  m.row(0)[0] = std::numeric_limits<float>::denorm_min();
  m.row(0)[1] = -0.0f;
  m.row(0)[2] = std::numeric_limits<float>::max();
  ASSERT_TRUE(WriteWord2Vec(path, words, m, VectorFormat::kBinary).ok());

  // Byte layout: header, then word ' ' floats '\n' for each row.
  const std::string bytes = ReadFile(path);
  std::string expected = "50 37\n";
  for (size_t r = 0; r < rows; ++r) {
    expected += words[r] + " ";
    expected.append(reinterpret_cast<const char*>(m.row(r)), 4 * dim);
    expected += "\n";
  }
  EXPECT_EQ(bytes, expected);

  StatusOr<Embeddings> e = LoadEmbeddings(path);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->words, words);
  for (size_t r = 0; r < rows; ++r) {
    EXPECT_EQ(std::memcmp(e->vectors.row(r), m.row(r), 4 * dim), 0) << r;
  }
  // No temp file left next to the output.
  EXPECT_EQ(dir.List(), std::vector<std::string>{"rt.bin"});
}

TEST(EmbeddingsTest, TextRoundTripIsExact) {
  TempDir dir;
  const std::string path = dir.File("rt.txt");
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uni(-2, 2);
  Matrix m(20, 9);
  std::vector<std::string> words;
  for (size_t r = 0; r < 20; ++r) {
    words.push_back("word" + std::to_string(r));
    for (size_t c = 0; c < 9; ++c)
      m.row(r)[c] = uni(rng) * (c == 3 ? 1e-30f : 1);
  }
  ASSERT_TRUE(WriteWord2Vec(path, words, m, VectorFormat::kText).ok());
  const std::string text = ReadFile(path);
  EXPECT_EQ(text.rfind("20 9\nword0 ", 0), 0u);
  EXPECT_EQ(text.back(), '\n');
  StatusOr<Embeddings> e = LoadEmbeddings(path);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->words, words);
  for (size_t r = 0; r < 20; ++r) {
    EXPECT_EQ(std::memcmp(e->vectors.row(r), m.row(r), 4 * 9), 0) << r;
  }
}

TEST(EmbeddingsTest, TextLayoutIsWord2VecStyle) {
  TempDir dir;
  const std::string path = dir.File("small.txt");
  ASSERT_TRUE(WriteWord2Vec(path, {"a", "b"},
                            MakeMatrix({{1, 0.5f, -2}, {0.1f, 0, 3e-7f}}),
                            VectorFormat::kText)
                  .ok());
  EXPECT_EQ(ReadFile(path), "2 3\na 1 0.5 -2\nb 0.1 0 3e-07\n");
}

TEST(EmbeddingsTest, WriteRejectsBadInputAndLeavesNoFile) {
  TempDir dir;
  const std::string path = dir.File("bad.txt");
  Status s =
      WriteWord2Vec(path, {"a"}, MakeMatrix({{1}, {2}}), VectorFormat::kText);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  s = WriteWord2Vec(path, {"a b", "c"}, MakeMatrix({{1}, {2}}),
                    VectorFormat::kBinary);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("whitespace"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));
  s = WriteWord2Vec(dir.File("no/such/dir/x.bin"), {"a"}, MakeMatrix({{1}}),
                    VectorFormat::kBinary);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no/such/dir"), std::string::npos);
}

// Every bad input: an error naming the file and the place, never a crash.
struct BadInput {
  const char* name;
  std::string content;
  const char* message_part;  // expected in the error message
};

// For test output: the case's name, not the bytes of the struct.
void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

class EmbeddingsBadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(EmbeddingsBadInputTest, GivesAClearError) {
  TempDir dir;
  const std::string path = dir.File(GetParam().name);
  WriteFile(path, GetParam().content);
  const auto start = std::chrono::steady_clock::now();
  StatusOr<Embeddings> e = LoadEmbeddings(path);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kCorruption);
  EXPECT_NE(e.status().message().find(path), std::string::npos)
      << e.status().message();
  EXPECT_NE(e.status().message().find(GetParam().message_part),
            std::string::npos)
      << e.status().message();
  EXPECT_LT(seconds, 1.0);  // no absurd allocation or scan
}

INSTANTIATE_TEST_SUITE_P(
    AllCases, EmbeddingsBadInputTest,
    ::testing::Values(
        BadInput{"empty", "", "empty file"},
        BadInput{"no_header", "hello world\nfoo 1 2\n", "unknown format"},
        BadInput{"binary_junk",
                 std::string("\x7f"
                             "ELF\x02\x01\x01\0\0",
                             9),
                 "unknown format"},
        BadInput{"zero_dim", "2 0\n", "dimension 0"},
        BadInput{"too_few_values", "2 3\na 1 2 3\nb 1 2\n", "line 3"},
        BadInput{"too_many_values", "2 3\na 1 2 3\nb 1 2 3 4\n",
                 "line 3: row 2 ('b') has 4 values, the header says 3"},
        // Short or odd text rows were taken for binary data ("truncated
        // binary file") or, when they happened to be 4D bytes long, read
        // as floats.
        BadInput{"one_row_too_few_values", "1 3\na 1 2\n",
                 "line 2: row 1 ('a') has 2 values, the header says 3"},
        BadInput{"first_row_one_value", "2 2\na 1\nb 1 2\n",
                 "line 2: row 1 ('a') has 1 value, the header says 2"},
        BadInput{"utf8_word_too_few_values", "1 3\nk\xc3\xa4tzchen 1 2\n",
                 "has 2 values, the header says 3"},
        BadInput{"no_final_newline_too_few", "1 3\na 1 2", "has 2 values"},
        BadInput{"latin1_word_too_few_values", "2 2\n\xe9t\xe9 1\nb 1 2\n",
                 "row 1 ('\\xe9t\\xe9') has 1 value, the header says 2"},
        BadInput{"stray_word_in_row", "1 3\na 1 2 x\n",
                 "line 2 (row 1): value 3 'x' is not a number"},
        BadInput{"decimal_commas", "2 3\na 0,1 0,2 0,3\nb 0,1 0,2 0,3\n",
                 "value 1 '0,1' is not a number (a decimal comma?"},
        BadInput{"decimal_commas_binary_sized", "1 2\na 1,5 2,5\n",
                 "value 1 '1,5' is not a number (a decimal comma?"},
        BadInput{"decimal_commas_long", "2 2\na 0,123 0,4\nb 1 2\n",
                 "'0,123' is not a number"},
        BadInput{"not_a_number", "2 2\na 1 2\nb 1 x2\n",
                 "'x2' is not a number"},
        BadInput{"nan_text", "1 2\na nan 1\n", "not finite"},
        BadInput{"overflow_text", "1 2\na 1e999 1\n", "line 2"},
        BadInput{"empty_line", "2 1\na 1\n\nb 2\n", "empty line"},
        BadInput{"text_too_few_rows", "3 2\na 1.5 2.5\nb 3.5 4.5\n",
                 "ends after 2 rows"},
        BadInput{"text_extra_rows", "1 2\na 1 2\nb 3 4\n",
                 "data after the 1 rows"},
        BadInput{"truncated_binary",
                 "2 2\nlongword1 " + FloatBytes({1, 2}) + "\nlongword2 " +
                     FloatBytes({3}).substr(0, 3),
                 "row 2 of 2: truncated binary file"},
        BadInput{"binary_ends_early",
                 "3 2\nlongword01 " + FloatBytes({1, 2}) + "\nlongword02 " +
                     FloatBytes({3, 4}) + "\n",
                 "row 3 of 3: truncated binary file: it ends after 2 rows"},
        BadInput{
            "binary_missing_row",
            "3 2\na " + FloatBytes({1, 2}) + "\nb " + FloatBytes({3, 4}) + "\n",
            "row 3 of 3: truncated binary file: it ends after 2 rows"},
        BadInput{"binary_nan",
                 "1 2\na " +
                     FloatBytes({1, std::numeric_limits<float>::quiet_NaN()}) +
                     "\n",
                 "not finite"},
        BadInput{"huge_header_rows", "1000000000000 2\na 1 2\nb 3 4\n",
                 "ends after 2 rows but its header announces 1000000000000"},
        BadInput{"huge_header_binary",
                 "1000000000000 2\na " + FloatBytes({1, 2}) + "\n",
                 "ends after 1 rows but its header announces 1000000000000"},
        BadInput{"header_rows_short_row", "3 2\na 1 2\nb 1\nc 1 2\n",
                 "line 3: row 2 ('b') has 1 value, the header says 2"},
        BadInput{"huge_dim", "1 99999999999\na 1\n", "out of range"},
        BadInput{"negative_rows", "-1 2\n", "unknown format"}),
    [](const ::testing::TestParamInfo<BadInput>& info) {
      return std::string(info.param.name);
    });

TEST(EmbeddingsTest, MissingFileIsNotFound) {
  TempDir dir;
  StatusOr<Embeddings> e = LoadEmbeddings(dir.File("nope.bin"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kNotFound);
  EXPECT_NE(e.status().message().find("nope.bin"), std::string::npos);
  StatusOr<Embeddings> d = LoadEmbeddings(dir.path());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("directory"), std::string::npos);
}

Checkpoint SmallCheckpoint() {
  Checkpoint c;
  c.vocab = Vocabulary::FromWordsAndCounts({"the", "of", "king"}, {30, 20, 10})
                .value();
  c.input = MakeMatrix({{1, 2, 3}, {4, 5, 6}, {-7, 8.5f, 1e-20f}});
  c.output = MakeMatrix({{9, 9, 9}, {9, 9, 9}, {9, 9, 9}});
  return c;
}

// A wembed checkpoint gives its input matrix W_E, in vocabulary order.
TEST(EmbeddingsTest, ReadsCheckpointInputMatrix) {
  TempDir dir;
  const std::string path = dir.File("run.ckpt");
  Checkpoint c = SmallCheckpoint();
  c.options = {{"model", "cbow"}};  // CBOW's default vectors: W_E
  ASSERT_TRUE(WriteCheckpoint(path, c).ok());
  EmbeddingsLoadInfo info;
  StatusOr<Embeddings> e = LoadEmbeddings(path, 0, &info);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_TRUE(info.from_checkpoint);
  EXPECT_EQ(info.header_rows, 3u);
  ExpectRow(*e, 0, "the", {1, 2, 3});
  ExpectRow(*e, 2, "king", {-7, 8.5f, 1e-20f});
  StatusOr<Embeddings> two = LoadEmbeddings(path, 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->words.size(), 2u);
  EXPECT_EQ(two->vectors.rows(), 2u);
  ExpectRow(*two, 1, "of", {4, 5, 6});
}

TEST(EmbeddingsTest, SkipGramCheckpointLoadsAsItsRunsDefaultMix) {
  TempDir dir;
  const std::string path = dir.File("run.ckpt");
  Checkpoint c = SmallCheckpoint();
  c.options = {{"model", "sg"}};
  ASSERT_TRUE(WriteCheckpoint(path, c).ok());
  StatusOr<Embeddings> e = LoadEmbeddings(path);
  ASSERT_TRUE(e.ok()) << e.status().message();
  ExpectRow(*e, 0, "the", {1 + 0.25f * 9, 2 + 0.25f * 9, 3 + 0.25f * 9});
}

TEST(EmbeddingsTest, AutoVectorsOfASubwordCheckpointAreItsInputs) {
  Checkpoint c = SmallCheckpoint();
  c.options = {{"model", "sg"}};
  EXPECT_EQ(AutoVectorsFor(c), OutputVectors::kMix);
  c.subwords = SubwordSpec{3, 6, 16};
  EXPECT_EQ(AutoVectorsFor(c), OutputVectors::kInput);
}

TEST(EmbeddingsTest, CheckpointErrorsNameTheFile) {
  TempDir dir;
  const std::string path = dir.File("bad.ckpt");
  Checkpoint c = SmallCheckpoint();
  c.input.row(1)[2] = std::numeric_limits<float>::quiet_NaN();
  ASSERT_TRUE(WriteCheckpoint(path, c).ok());
  StatusOr<Embeddings> e = LoadEmbeddings(path);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find(path + ": checkpoint row 2 ('of')"),
            std::string::npos)
      << e.status().message();
  // A truncated checkpoint is rejected by the checkpoint reader.
  ASSERT_TRUE(WriteCheckpoint(path, SmallCheckpoint()).ok());
  std::string bytes = ReadFile(path);
  WriteFile(path, bytes.substr(0, bytes.size() / 2));
  e = LoadEmbeddings(path);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find(path), std::string::npos);
}

// Every truncation and many byte flips of valid files: an answer (OK or an
// error naming the file), never a crash, a hang or a huge allocation.
TEST(EmbeddingsTest, SurvivesTruncationsAndByteFlips) {
  TempDir dir;
  const std::string good = dir.File("good");
  const std::string bad = dir.File("bad");
  std::mt19937 rng(11);
  for (VectorFormat f : {VectorFormat::kBinary, VectorFormat::kText}) {
    ASSERT_TRUE(
        WriteWord2Vec(
            good, {"alpha", "beta", "gamma", "delta"},
            MakeMatrix(
                {{1.5f, -2, 0.25f}, {3, 4, 5}, {-6, 7e-3f, 8}, {9, 10, -11}}),
            f)
            .ok());
    const std::string bytes = ReadFile(good);
    std::vector<std::string> variants;
    for (size_t n = 0; n < bytes.size(); ++n)
      variants.push_back(bytes.substr(0, n));
    for (int i = 0; i < 300; ++i) {
      std::string v = bytes;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < flips; ++k) {
        v[rng() % v.size()] = static_cast<char>(rng() & 0xff);
      }
      variants.push_back(v);
    }
    for (const std::string& v : variants) {
      RewriteFile(bad, v);
      StatusOr<Embeddings> e = LoadEmbeddings(bad);
      if (!e.ok()) {
        EXPECT_NE(e.status().message().find(bad), std::string::npos)
            << e.status().message();
      } else {
        EXPECT_EQ(e->words.size(), e->vectors.rows());
        EXPECT_LE(e->words.size(), 4u);
      }
    }
  }
}

TEST(EmbeddingsTest, ZeroRowsIsEmpty) {
  TempDir dir;
  const std::string path = dir.File("zero.txt");
  WriteFile(path, "0 5\n");
  StatusOr<Embeddings> e = LoadEmbeddings(path);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_TRUE(e->words.empty());
  EXPECT_EQ(e->vectors.cols(), 5u);
}

}  // namespace
}  // namespace wembed
