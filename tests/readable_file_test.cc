// ReadableFile and BufferedReader: the input side of the I/O layer. Every
// kind of input (plain, gzip, multi-member gzip, a FIFO, stdin), every
// error wording, and faults injected at each read.
#include "base/readable_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <random>
#include <string>

#include "base/buffered_reader.h"
#include "test_util.h"

namespace wembed {
namespace {

using testing::FailOneOp;
using testing::Gzip;
using testing::TempDir;
using testing::WriteFile;

std::string RandomText(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, ' ');
  for (char& c : s) c = "abc de\nfgh\t"[rng() % 11];
  return s;
}

// Reads everything with reads of at most `step` bytes.
StatusOr<std::string> ReadAll(const std::string& path, size_t step,
                              const Env& env = Env::Default()) {
  StatusOr<std::unique_ptr<ReadableFile>> f = ReadableFile::Open(path, env);
  if (!f.ok()) return f.status();
  std::string out, buf(step, '\0');
  while (true) {
    StatusOr<size_t> n = (*f)->Read(buf.data(), buf.size());
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buf.data(), *n);
  }
}

TEST(ReadableFileTest, PlainAndGzipGiveTheSameBytes) {
  TempDir dir;
  const std::string text = RandomText(3 << 20, 1);  // > the 1 MB raw buffer
  WriteFile(dir.File("plain"), text);
  WriteFile(dir.File("gz"), Gzip(text));
  // Two members and an empty one: one stream (as gzip -c a b > ab).
  WriteFile(dir.File("multi"),
            Gzip(text.substr(0, 1000)) + Gzip("") + Gzip(text.substr(1000)));
  for (const char* name : {"plain", "gz", "multi"}) {
    for (size_t step : {size_t{1} << 20, size_t{4099}}) {
      StatusOr<std::string> got = ReadAll(dir.File(name), step);
      ASSERT_TRUE(got.ok()) << name << ": " << got.status().message();
      EXPECT_TRUE(*got == text) << name << " step " << step;
    }
  }
  auto f = ReadableFile::Open(dir.File("gz"));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE((*f)->is_gzip());
  EXPECT_TRUE((*f)->is_regular());
  EXPECT_EQ((*f)->size_on_disk(), Gzip(text).size());
}

TEST(ReadableFileTest, EmptyAndTinyFiles) {
  TempDir dir;
  WriteFile(dir.File("empty"), "");
  WriteFile(dir.File("one"), "\x1f");  // half a gzip magic: plain
  EXPECT_EQ(ReadAll(dir.File("empty"), 10).value(), "");
  EXPECT_EQ(ReadAll(dir.File("one"), 10).value(), "\x1f");
}

TEST(ReadableFileTest, BadGzipIsCorruptionNamingTheFile) {
  TempDir dir;
  const std::string gz = Gzip(RandomText(100000, 2));
  WriteFile(dir.File("truncated"), gz.substr(0, gz.size() / 2));
  WriteFile(dir.File("trailing"), gz + "garbage");
  std::string flipped = gz;
  flipped[gz.size() / 2] ^= 0x55;
  WriteFile(dir.File("flipped"), flipped);
  for (const char* name : {"truncated", "trailing", "flipped"}) {
    StatusOr<std::string> got = ReadAll(dir.File(name), 1 << 16);
    ASSERT_FALSE(got.ok()) << name;
    EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << name;
    EXPECT_EQ(got.status().message().rfind(dir.File(name) + ": ", 0), 0u)
        << got.status().message();
  }
}

TEST(ReadableFileTest, OpenErrorsAreWordedOnce) {
  TempDir dir;
  auto missing = ReadableFile::Open(dir.File("nope"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), dir.File("nope") + ": no such file");
  auto directory = ReadableFile::Open(dir.path());
  EXPECT_EQ(directory.status().message(), dir.path() + ": is a directory");
}

TEST(ReadableFileTest, RegularOnlyRefusesAFifoWithoutBlocking) {
  TempDir dir;
  const std::string fifo = dir.File("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ReadableOptions options;
  options.regular_only = true;
  auto f = ReadableFile::Open(fifo, Env::Default(), options);  // no writer
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), fifo + ": not a regular file");
}

TEST(ReadableFileTest, AFifoIsOpenedOnceAndReadToTheEnd) {
  TempDir dir;
  const std::string fifo = dir.File("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string text = RandomText(1 << 20, 3);
  const pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    // Dies of SIGPIPE (exit status != 0) if the reader closes early.
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    size_t done = 0;
    while (fd >= 0 && done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) ::_exit(3);
      done += size_t(n);
    }
    ::_exit(fd >= 0 ? 0 : 2);
  }
  StatusOr<std::string> got = ReadAll(fifo, 1 << 16);
  int status = 0;
  ASSERT_EQ(::waitpid(writer, &status, 0), writer);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == text);
}

TEST(ReadableFileTest, StdinIsReadAsAStream) {
  TempDir dir;
  WriteFile(dir.File("in.gz"), Gzip("from stdin\n"));
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = ::open(dir.File("in.gz").c_str(), O_RDONLY);
    ::dup2(fd, STDIN_FILENO);
    StatusOr<std::string> got = ReadAll("-", 100);
    ::_exit(got.ok() && *got == "from stdin\n" ? 0 : 1);
  }
  EXPECT_EQ(testing::WaitExit(child), 0);
}

TEST(ReadableFileTest, InjectedFaultsAtEveryReadAreErrorsAndShortReadsAreNot) {
  TempDir dir;
  const std::string text = RandomText(3 << 20, 4);
  WriteFile(dir.File("plain"), text);
  WriteFile(dir.File("gz"), Gzip(text));
  for (const char* name : {"plain", "gz"}) {
    const std::string path = dir.File(name);
    FailOneOp counter(FileOp::kRead, -1, 0);
    ASSERT_TRUE(ReadAll(path, 1 << 16, Env(&counter)).ok());
    ASSERT_GT(counter.count(), 2);
    for (int n = 0; n < counter.count(); ++n) {
      FailOneOp eio(FileOp::kRead, n, EIO);
      StatusOr<std::string> got = ReadAll(path, 1 << 16, Env(&eio));
      ASSERT_FALSE(got.ok()) << name << " read #" << n;
      EXPECT_EQ(got.status().message(),
                path + ": read failed: " + std::strerror(EIO));
      FailOneOp short_read(FileOp::kRead, n, 0, /*short_first=*/true);
      got = ReadAll(path, 1 << 16, Env(&short_read));
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_TRUE(*got == text) << name << " short read #" << n;
    }
    FailOneOp open_fault(FileOp::kOpen, 0, EACCES);
    StatusOr<std::string> got = ReadAll(path, 100, Env(&open_fault));
    EXPECT_EQ(got.status().message(),
              path + ": cannot open: " + std::strerror(EACCES));
  }
}

TEST(BufferedReaderTest, LinesWithAndWithoutAFinalNewline) {
  TempDir dir;
  WriteFile(dir.File("a"), "one\r\n\ntwo\nthree");
  auto in = BufferedReader::Open(dir.File("a"));
  ASSERT_TRUE(in.ok());
  std::vector<std::string> lines;
  std::string_view line;
  while ((*in)->NextLine(&line).value()) lines.emplace_back(line);
  EXPECT_EQ(lines, (std::vector<std::string>{"one\r", "", "two", "three"}));
  EXPECT_EQ((*in)->line_number(), 4u);
  EXPECT_FALSE((*in)->NextLine(&line).value());
}

TEST(BufferedReaderTest, LinesAcrossBlockBoundariesOfAGzipInput) {
  TempDir dir;
  std::string text;
  std::vector<std::string> expected;
  std::mt19937_64 rng(6);
  for (int i = 0; i < 3000; ++i) {
    expected.push_back(RandomText(rng() % 700, i));
    std::replace(expected.back().begin(), expected.back().end(), '\n', ' ');
    text += expected.back() + "\n";
  }
  WriteFile(dir.File("gz"), Gzip(text));
  auto file = ReadableFile::Open(dir.File("gz"));
  ASSERT_TRUE(file.ok());
  BufferedReader in(std::move(file).value(), /*block_bytes=*/977);
  std::string_view line;
  for (const std::string& want : expected) {
    ASSERT_TRUE(in.NextLine(&line).value());
    ASSERT_EQ(line, want);
  }
  EXPECT_FALSE(in.NextLine(&line).value());
}

TEST(BufferedReaderTest, ALineOverTheLimitIsAnErrorNamingIt) {
  TempDir dir;
  WriteFile(dir.File("long"), "ok\n" + std::string(5000, 'x') + "\n");
  auto in = BufferedReader::Open(dir.File("long"));
  std::string_view line;
  ASSERT_TRUE((*in)->NextLine(&line, 4096).value());
  StatusOr<bool> r = (*in)->NextLine(&line, 4096);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            dir.File("long") + ": line 2 is longer than 4096 bytes");
}

TEST(BufferedReaderTest, ReadExactAndItsEndOfFileError) {
  TempDir dir;
  WriteFile(dir.File("f"), "0123456789");
  auto in = BufferedReader::Open(dir.File("f"));
  char buf[8];
  ASSERT_TRUE((*in)->ReadExact(buf, 4).ok());
  EXPECT_EQ(std::string(buf, 4), "0123");
  EXPECT_EQ((*in)->offset(), 4u);
  Status s = (*in)->ReadExact(buf, 8);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(),
            dir.File("f") + ": unexpected end of file at offset 10");
}

}  // namespace
}  // namespace wembed
