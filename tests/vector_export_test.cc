// Exports (TensorBoard TSV, NumPy NPY + word list) written by the library
// and by `wembed export`.
#include "wembed/vectors/vector_export.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "test_util.h"
#include "wembed/vectors/checkpoint.h"

namespace wembed {
namespace {

using testing::CommandResult;
using testing::CountLines;
using testing::FailOneOp;
using testing::MakeEmbeddings;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

Embeddings ThreeWords() {
  return MakeEmbeddings({{"king", {1.5f, -2.0f, 0.25f}},
                         {"queen", {0.0f, 1e-3f, -7.0f}},
                         {"größe", {3.0f, 4.0f, 5.0f}}});
}

TEST(NpyHeaderTest, LayoutIsNumpysVersion1) {
  const std::string h = NpyHeader(3, 100);
  ASSERT_GE(h.size(), 10u);
  EXPECT_EQ(h.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const size_t len = uint8_t(h[8]) | size_t(uint8_t(h[9])) << 8;
  EXPECT_EQ(h.size(), 10 + len);
  EXPECT_EQ(h.size() % 64, 0u);  // the data starts aligned
  EXPECT_EQ(h.back(), '\n');
  EXPECT_EQ(h.substr(10, h.find('}') - 9),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 100), }");
  EXPECT_EQ(h.find_first_not_of(' ', h.find('}') + 1), h.size() - 1);
}

TEST(VectorExportTest, NpyHoldsTheRowsWithoutPadding) {
  TempDir dir;
  const Embeddings e = ThreeWords();
  ASSERT_TRUE(
      ExportVectors(dir.File("out"), e.words, e.vectors, ExportFormat::kNpy)
          .ok());
  const std::string bytes = ReadFile(dir.File("out/vectors.npy"));
  const std::string header = NpyHeader(3, 3);
  ASSERT_EQ(bytes.size(), header.size() + 3 * 3 * 4);
  EXPECT_EQ(bytes.substr(0, header.size()), header);
  for (size_t r = 0; r < 3; ++r) {
    for (size_t c = 0; c < 3; ++c) {
      float x;
      std::memcpy(&x, bytes.data() + header.size() + 4 * (3 * r + c), 4);
      EXPECT_EQ(x, e.vectors.row(r)[c]) << r << "," << c;
    }
  }
  EXPECT_EQ(ReadFile(dir.File("out/words.txt")), "king\nqueen\ngröße\n");
}

TEST(VectorExportTest, TsvHasNoHeaderAndReadsBackExactly) {
  TempDir dir;
  const Embeddings e = ThreeWords();
  ASSERT_TRUE(
      ExportVectors(dir.File("tb/"), e.words, e.vectors, ExportFormat::kTsv)
          .ok());
  EXPECT_EQ(ReadFile(dir.File("tb/vectors.tsv")),
            "1.5\t-2\t0.25\n0\t0.001\t-7\n3\t4\t5\n");
  EXPECT_EQ(ReadFile(dir.File("tb/metadata.tsv")), "king\nqueen\ngröße\n");
}

TEST(VectorExportTest, WordsWithWhitespaceAreRefusedInEveryFormat) {
  TempDir dir;
  for (const std::string bad : {"new york", "tab\there", "line\nbreak", ""}) {
    Embeddings e = ThreeWords();
    e.words[1] = bad;
    for (const ExportFormatInfo& f : ExportFormats()) {
      const std::string out = dir.File("x_" + f.name);
      const Status s = ExportVectors(out, e.words, e.vectors, f.format);
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << f.name;
      EXPECT_NE(s.message().find("word 2"), std::string::npos) << s.message();
      EXPECT_FALSE(std::filesystem::exists(out)) << f.name;
    }
  }
}

TEST(VectorExportTest, AFailedWriteLeavesNoFile) {
  TempDir dir;
  const Embeddings e = ThreeWords();
  for (const ExportFormat format : {ExportFormat::kNpy, ExportFormat::kTsv}) {
    FailOneOp fail(FileOp::kWrite, 0, ENOSPC);
    const Env env(&fail);
    const std::string out = dir.File("full");
    const Status s = ExportVectors(out, e.words, e.vectors, format, env);
    EXPECT_EQ(s.code(), StatusCode::kIoError);
    EXPECT_NE(s.message().find("No space left"), std::string::npos);
    EXPECT_TRUE(std::filesystem::is_empty(out));  // no half-written file
  }
}

TEST(VectorExportTest, FormatNamesAreDeclaredOnce) {
  EXPECT_EQ(ExportFormatChoices(), "bin, txt, tsv or npy");
  for (const ExportFormatInfo& f : ExportFormats()) {
    EXPECT_EQ(ParseExportFormat(f.name), f.format);
    EXPECT_EQ(ExportFormatName(f.format), f.name);
  }
  EXPECT_EQ(ParseExportFormat("xml"), std::nullopt);
  EXPECT_EQ(ExportFormatName(ExportFormat::kBin),
            VectorFormatName(VectorFormat::kBinary));
  EXPECT_EQ(ExportPaths("d", ExportFormat::kNpy),
            (std::vector<std::string>{"d/vectors.npy", "d/words.txt"}));
  EXPECT_EQ(ExportPaths("v.bin", ExportFormat::kBin),
            std::vector<std::string>{"v.bin"});
}

// ------------------------------------------------------------ the CLI

class ExportCliTest : public ::testing::Test {
 protected:
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), WEMBED_BINARY);
    return RunCommand(args, dir_.path());
  }
  std::string WriteVectors() {
    const Embeddings e = ThreeWords();
    const std::string path = dir_.File("v.txt");
    EXPECT_TRUE(
        WriteWord2Vec(path, e.words, e.vectors, VectorFormat::kText).ok());
    return path;
  }
  TempDir dir_;
};

TEST_F(ExportCliTest, VectorsFileToNpyAndTsv) {
  const std::string v = WriteVectors();
  CommandResult r =
      Run({"export", v, "--format", "npy", "-o", dir_.File("np")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("wrote 3 input vectors of dim 3 to " + dir_.File("np") +
                       " (npy)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(ReadFile(dir_.File("np/vectors.npy")).size(),
            NpyHeader(3, 3).size() + 36);
  r = Run({"export", v, "--format", "tsv", "-o", dir_.File("tb")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountLines(ReadFile(dir_.File("tb/vectors.tsv"))), 3);
}

TEST_F(ExportCliTest, ErrorsAreOneLine) {
  const std::string v = WriteVectors();
  WriteFile(dir_.File("afile"), "x");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"export", v, "--format", "npy", "-o", dir_.File("afile")},
       "writes a directory, and this is a file"},
      {{"export", v, "--format", "tsv", "-o", dir_.File("no/such/dir")},
       "--output"},
      {{"export", v, "-o", dir_.File("s.bin"), "--output-vectors", "sum"},
       "need a checkpoint"},
      {{"export", v, "--format", "csv", "-o", dir_.File("c")},
       "--format must be bin, txt, tsv or npy, not 'csv'"}};
  for (const auto& [args, message] : cases) {
    const CommandResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << args[3];
    EXPECT_EQ(CountLines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.File("s.bin")));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("c")));
}

TEST_F(ExportCliTest, HelpListsEveryFormat) {
  const CommandResult r = Run({"export", "--help"});
  ASSERT_EQ(r.exit_code, 0);
  for (const ExportFormatInfo& f : ExportFormats()) {
    EXPECT_NE(r.out.find(f.name + ": " + f.help.substr(0, 10)),
              std::string::npos)
        << f.name;
  }
}

}  // namespace
}  // namespace wembed
