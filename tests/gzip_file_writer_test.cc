// GzipFileWriter and BufferedFileWriter's gzip option: what they write reads
// back (through ReadableFile and zlib) as the bytes given, and a failed
// write leaves no file behind.
#include "base/gzip_file_writer.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <random>
#include <string>

#include "base/atomic_file_writer.h"
#include "base/readable_file.h"
#include "test_util.h"

namespace wembed {
namespace {

using testing::FailOneOp;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// The decompressed content of `path` read through ReadableFile.
std::string ReadBack(const std::string& path) {
  StatusOr<std::unique_ptr<ReadableFile>> in = ReadableFile::Open(path);
  EXPECT_TRUE(in.ok()) << in.status().message();
  if (!in.ok()) return "";
  EXPECT_TRUE((*in)->is_gzip());
  std::string data;
  char buf[1 << 14];
  while (true) {
    StatusOr<size_t> n = (*in)->Read(buf, sizeof(buf));
    EXPECT_TRUE(n.ok()) << n.status().message();
    if (!n.ok() || *n == 0) break;
    data.append(buf, *n);
  }
  return data;
}

// Text-like bytes that compress but are not trivially repetitive.
std::string SomeText(size_t bytes, unsigned seed) {
  std::mt19937 rng(seed);
  const char* words[] = {"the ", "new ", "york ", "times ", "a\n", "b ", "ü "};
  std::string s;
  while (s.size() < bytes) s += words[rng() % 7];
  s.resize(bytes);
  return s;
}

TEST(GzipFileWriterTest, PiecesRoundTripAsOneGzipMember) {
  TempDir dir;
  const std::string path = dir.File("out.gz");
  const std::string text = SomeText(3 << 20, 1);
  AtomicFileWriter file(path);
  ASSERT_TRUE(file.Open().ok());
  GzipFileWriter gz(&file);
  // Uneven pieces, some empty, some larger than the output buffer.
  size_t pos = 0;
  for (size_t piece = 0; pos < text.size(); piece = (piece * 7 + 13) % 700001) {
    const size_t n = std::min(piece, text.size() - pos);
    ASSERT_TRUE(gz.Append(text.data() + pos, n).ok());
    pos += n;
  }
  ASSERT_TRUE(gz.Finish().ok());
  ASSERT_TRUE(file.Commit().ok());
  EXPECT_EQ(gz.bytes_in(), text.size());
  const std::string raw = ReadFile(path);
  ASSERT_GE(raw.size(), 18u);
  EXPECT_EQ(uint8_t(raw[0]), 0x1f);
  EXPECT_EQ(uint8_t(raw[1]), 0x8b);
  EXPECT_LT(raw.size(), text.size() / 2) << "not compressed";
  EXPECT_EQ(ReadBack(path), text);
  EXPECT_EQ(dir.List(), std::vector<std::string>{"out.gz"});
}

TEST(GzipFileWriterTest, EmptyContentIsAValidEmptyStream) {
  TempDir dir;
  const std::string path = dir.File("empty.gz");
  BufferedFileWriter out(path, Env::Default(), 1 << 10, Compression::kGzip);
  ASSERT_TRUE(out.Open().ok());
  ASSERT_TRUE(out.Commit().ok());
  EXPECT_GT(ReadFile(path).size(), 0u);
  EXPECT_EQ(ReadBack(path), "");
}

TEST(GzipFileWriterTest, AppendAfterFinishIsAnError) {
  TempDir dir;
  AtomicFileWriter file(dir.File("x.gz"));
  ASSERT_TRUE(file.Open().ok());
  GzipFileWriter gz(&file);
  ASSERT_TRUE(gz.Append("abc", 3).ok());
  ASSERT_TRUE(gz.Finish().ok());
  const Status s = gz.Append("d", 1);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("x.gz"), std::string::npos) << s.message();
}

TEST(GzipFileWriterTest, BufferedWriterCompressesWhatItFlushes) {
  TempDir dir;
  const std::string text = SomeText(200000, 2);
  for (const Compression c : {Compression::kNone, Compression::kGzip}) {
    const std::string path = dir.File(c == Compression::kGzip ? "b.gz" : "b");
    BufferedFileWriter out(path, Env::Default(), 4096, c);
    ASSERT_TRUE(out.Open().ok());
    for (size_t i = 0; i < text.size(); i += 1000) {
      out.buffer().append(text, i, 1000);
      ASSERT_TRUE(out.MaybeFlush().ok());
    }
    ASSERT_TRUE(out.Commit().ok());
    EXPECT_EQ(out.bytes_written(), ReadFile(path).size());
    if (c == Compression::kGzip) {
      EXPECT_EQ(ReadBack(path), text);
    } else {
      EXPECT_EQ(ReadFile(path), text);
    }
  }
}

TEST(GzipFileWriterTest, FailedWriteLeavesTheOldFileAndNoTempFile) {
  TempDir dir;
  const std::string path = dir.File("out.gz");
  WriteFile(path, "old");
  FailOneOp faults(FileOp::kWrite, 1, ENOSPC);
  const Env env(&faults);
  Status s;
  {
    BufferedFileWriter out(path, env, 1 << 12, Compression::kGzip);
    ASSERT_TRUE(out.Open().ok());
    const std::string text = SomeText(1 << 21, 3);
    for (size_t i = 0; i < text.size() && s.ok(); i += 1 << 12) {
      out.buffer().append(text, i, 1 << 12);
      s = out.MaybeFlush();
    }
    if (s.ok()) s = out.Commit();
  }
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(dir.List(), std::vector<std::string>{"out.gz"});
  EXPECT_NE(s.message().find("No space left"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("out.gz"), std::string::npos) << s.message();
  EXPECT_EQ(ReadFile(path), "old");
}

TEST(GzipFileWriterTest, CompressionForPathLooksAtTheSuffix) {
  EXPECT_EQ(CompressionForPath("a.txt.gz"), Compression::kGzip);
  EXPECT_EQ(CompressionForPath("dir/b.gz"), Compression::kGzip);
  EXPECT_EQ(CompressionForPath("a.txt"), Compression::kNone);
  EXPECT_EQ(CompressionForPath("a.gzip"), Compression::kNone);
  EXPECT_EQ(CompressionForPath("a.gz.txt"), Compression::kNone);
}

}  // namespace
}  // namespace wembed
