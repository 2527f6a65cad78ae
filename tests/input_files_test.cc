// ExpandInputs (directories walked in sorted order, @lists), ScratchFile
// (unnamed, kept on request, a full disk named) and BlockReader (blocks of
// whole lines, input ends, lines longer than a block).
#include "wembed/corpus/input_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/scratch_file.h"
#include "corpus/block_reader.h"
#include "test_util.h"

namespace wembed {
namespace {

using testing::FailOneOp;
using testing::Gzip;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

namespace fs = std::filesystem;

TEST(InputFilesTest, DirectoriesAreWalkedInSortedOrder) {
  TempDir d;
  fs::create_directories(d.File("c/b/z"));
  fs::create_directories(d.File(".hidden"));
  for (const char* f : {"b.txt", "a.gz", "c/b/z/x", "c/b/y", "c/a", "c.txt",
                        ".dot", ".hidden/h", "A"}) {
    WriteFile(d.File(f), "w\n");
  }
  fs::create_directory_symlink(d.path(), d.File("c/loop"));  // walked once
  StatusOr<std::vector<std::string>> got = ExpandInputs({d.path()});
  ASSERT_TRUE(got.ok()) << got.status().message();
  const std::string p = d.path() + "/";
  EXPECT_EQ(*got, (std::vector<std::string>{p + "A", p + "a.gz", p + "b.txt",
                                            p + "c/a", p + "c/b/y",
                                            p + "c/b/z/x", p + "c.txt"}));
  // The same directory twice is read twice; files stand for themselves.
  got = ExpandInputs({d.File("c/b"), d.File("b.txt"), d.File("c/b"), "-"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got,
            (std::vector<std::string>{p + "c/b/y", p + "c/b/z/x", p + "b.txt",
                                      p + "c/b/y", p + "c/b/z/x", "-"}));
}

TEST(InputFilesTest, ListsNamePathsRelativeToTheirDirectory) {
  TempDir d;
  fs::create_directories(d.File("lists"));
  fs::create_directories(d.File("data/more"));
  WriteFile(d.File("data/one.txt"), "1\n");
  WriteFile(d.File("data/more/two.txt"), "2\n");
  WriteFile(d.File("abs.txt"), "3\n");
  WriteFile(d.File("lists/l.txt"), "# corpus files\n../data/one.txt\r\n\n" +
                                       d.File("abs.txt") + "\n../data/more\n");
  WriteFile(d.File("lists/l.gz"), Gzip("../data/one.txt\n"));
  StatusOr<std::vector<std::string>> got =
      ExpandInputs({"@" + d.File("lists/l.txt"), "@" + d.File("lists/l.gz")});
  ASSERT_TRUE(got.ok()) << got.status().message();
  const std::string l = d.File("lists") + "/";
  EXPECT_EQ(*got, (std::vector<std::string>{
                      l + "../data/one.txt", d.File("abs.txt"),
                      l + "../data/more/two.txt", l + "../data/one.txt"}));
}

TEST(InputFilesTest, ProblemsNameThePath) {
  TempDir d;
  fs::create_directories(d.File("empty/sub"));
  WriteFile(d.File("empty/.only_hidden"), "x\n");
  WriteFile(d.File("l.txt"), "# nothing\n\n");
  WriteFile(d.File("bad.txt"), "missing.txt\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {d.File("empty"), d.File("empty") + ": no files in this directory"},
      {d.File("nope"), d.File("nope") + ": no such file"},
      {"@" + d.File("nope"), d.File("nope") + ": no such file"},
      {"@" + d.File("l.txt"), d.File("l.txt") + ": the list names no files"},
      {"@" + d.File("bad.txt"), d.File("missing.txt") + ": no such file"},
  };
  for (const auto& [input, message] : cases) {
    StatusOr<std::vector<std::string>> got = ExpandInputs({input});
    ASSERT_FALSE(got.ok()) << input;
    EXPECT_EQ(got.status().message(), message);
  }
}

TEST(ScratchFileTest, UnnamedReadableAndKeptOnRequest) {
  TempDir d;
  StatusOr<std::unique_ptr<ScratchFile>> f = ScratchFile::Create(d.path());
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_TRUE((*f)->Append("hello ", 6).ok());
  ASSERT_TRUE((*f)->Append("world", 5).ok());
  EXPECT_EQ((*f)->size(), 11u);
  EXPECT_TRUE(d.List().empty()) << "a scratch file has no name";
  StatusOr<std::unique_ptr<RandomAccessFile>> r = (*f)->Reader();
  ASSERT_TRUE(r.ok());
  f->reset();  // the reader keeps the data
  char buf[5];
  ASSERT_TRUE((*r)->ReadAt(6, buf, 5).ok());
  EXPECT_EQ(std::string(buf, 5), "world");
  EXPECT_EQ((*r)->ReadAt(8, buf, 5).code(), StatusCode::kCorruption);

  StatusOr<std::unique_ptr<ScratchFile>> k =
      ScratchFile::Create(d.path(), Env::Default(), /*keepable=*/true);
  ASSERT_TRUE(k.ok());
  ASSERT_TRUE((*k)->Append("kept", 4).ok());
  WriteFile(d.File("kept.bin"), "old");
  ASSERT_TRUE((*k)->Keep(d.File("kept.bin")).ok());
  k->reset();
  EXPECT_EQ(ReadFile(d.File("kept.bin")), "kept");
  EXPECT_EQ(d.List(), std::vector<std::string>{"kept.bin"});
}

TEST(ScratchFileTest, ErrorsNameTheDirectory) {
  TempDir d;
  StatusOr<std::unique_ptr<ScratchFile>> missing =
      ScratchFile::Create(d.File("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "cannot create a temporary file in " +
                                            d.File("nope") +
                                            ": No such file or directory");
  FailOneOp full(FileOp::kWrite, 1, ENOSPC);
  Env env(&full);
  StatusOr<std::unique_ptr<ScratchFile>> f = ScratchFile::Create(d.path(), env);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("abc", 3).ok());
  const Status s = (*f)->Append("def", 3);
  EXPECT_EQ(s.message(), "cannot write a temporary file in " + d.path() +
                             ": No space left on device (after 3 bytes)");
  EXPECT_EQ((*f)->Append("x", 1).message(), s.message()) << "sticky";
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string saved = tmpdir != nullptr ? tmpdir : "";
  setenv("TMPDIR", "", 1);
  EXPECT_EQ(DefaultScratchDir(), "/tmp");
  setenv("TMPDIR", "/x", 1);
  EXPECT_EQ(DefaultScratchDir(), "/x");
  if (tmpdir != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
}

// What the test keeps of a block.
struct Block {
  std::string text;
  std::vector<size_t> input_ends;
  bool ends_mid_line;
};

// All blocks of `inputs` read with `capacity`-byte blocks.
std::vector<Block> ReadBlocks(const std::vector<std::string>& inputs,
                              size_t capacity, Status* status) {
  BlockReader reader(inputs, Env::Default());
  std::vector<Block> blocks;
  TextBlock b;
  b.Allocate(capacity);
  while (reader.Next(&b)) {
    blocks.push_back(
        {std::string(b.data.get(), b.size), b.input_ends, b.ends_mid_line});
  }
  *status = reader.status();
  return blocks;
}

TEST(BlockReaderTest, BlocksEndAtLineEndsAndKeepInputBoundaries) {
  TempDir d;
  WriteFile(d.File("1"), "aa bb\ncc\n");
  WriteFile(d.File("2"), "dd ee ff gg hh ii jj kk\nll");  // a long line
  WriteFile(d.File("3"), Gzip("mm\nnn oo\n"));
  Status status;
  const std::vector<Block> blocks =
      ReadBlocks({d.File("1"), d.File("2"), d.File("3")}, 10, &status);
  ASSERT_TRUE(status.ok()) << status.message();
  std::string all, ends;
  for (const Block& b : blocks) {
    ASSERT_LE(b.text.size(), 10u);
    // Whole lines, unless flagged; an input end may cut anywhere.
    if (!b.ends_mid_line &&
        (b.input_ends.empty() || b.input_ends.back() != b.text.size())) {
      EXPECT_EQ(b.text.back(), '\n') << b.text;
    }
    for (size_t e : b.input_ends) ends += std::to_string(all.size() + e) + " ";
    all += b.text;
  }
  EXPECT_EQ(all, "aa bb\ncc\ndd ee ff gg hh ii jj kk\nllmm\nnn oo\n");
  EXPECT_EQ(ends, "9 35 44 ");
  int pieces = 0;
  for (const Block& b : blocks) pieces += b.ends_mid_line;
  EXPECT_GE(pieces, 2);
}

TEST(BlockReaderTest, SmallInputsShareABlock) {
  TempDir d;
  std::vector<std::string> files;
  for (int i = 0; i < 50; ++i) {
    files.push_back(d.File(std::to_string(i)));
    WriteFile(files.back(), "w" + std::to_string(i) + "\n");
  }
  Status status;
  const std::vector<Block> blocks = ReadBlocks(files, 1 << 16, &status);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].input_ends.size(), 50u);
}

}  // namespace
}  // namespace wembed
