// AtomicFileWriter's handling of targets that are not regular files.
#include "file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "test_util.h"

namespace wembed {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

Status WriteAll(const std::string& path, const std::string& data) {
  AtomicFileWriter w(path);
  WEMBED_RETURN_IF_ERROR(w.Open());
  WEMBED_RETURN_IF_ERROR(w.Append(data.data(), data.size()));
  return w.Commit();
}

TEST(AtomicFileWriterTest, CharacterDeviceIsWrittenNotReplaced) {
  TempDir dir;
  const std::string node = dir.File("mynull");
  if (::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod needs root";
  }
  ASSERT_TRUE(WriteAll(node, "hello").ok());
  struct stat st;
  ASSERT_EQ(::stat(node.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device was replaced";
  EXPECT_EQ(dir.List(), std::vector<std::string>{"mynull"}) << "temp file left";
}

TEST(AtomicFileWriterTest, FifoIsWrittenInPlace) {
  TempDir dir;
  const std::string fifo = dir.File("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const pid_t reader = ::fork();
  if (reader == 0) {  // drain the pipe into a file
    const std::string data = ReadFile(fifo);
    WriteFile(fifo + ".out", data);
    ::_exit(0);
  }
  ASSERT_TRUE(WriteAll(fifo, "through the pipe").ok());
  EXPECT_EQ(testing::WaitExit(reader), 0);
  struct stat st;
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(ReadFile(fifo + ".out"), "through the pipe");
}

TEST(AtomicFileWriterTest, SymlinkTargetIsReplacedAndLinkKept) {
  TempDir dir;
  WriteFile(dir.File("target.txt"), "old");
  std::filesystem::create_symlink("target.txt", dir.File("link.txt"));
  ASSERT_TRUE(WriteAll(dir.File("link.txt"), "new").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(dir.File("link.txt")));
  EXPECT_EQ(ReadFile(dir.File("target.txt")), "new");
}

TEST(AtomicFileWriterTest, DirectoryIsAnError) {
  TempDir dir;
  Status s = WriteAll(dir.path(), "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(dir.path()), std::string::npos) << s.message();
}

TEST(AtomicFileWriterTest, StaleTempFileOfADeadWriterIsRemoved) {
  TempDir dir;
  // pid 2^22 + 12345 is above the kernel's pid_max default: never alive.
  const std::string stale = dir.File("out.txt.tmp.4206649");
  WriteFile(stale, "half");
  ASSERT_TRUE(WriteAll(dir.File("out.txt"), "done").ok());
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_EQ(ReadFile(dir.File("out.txt")), "done");
}

}  // namespace
}  // namespace wembed
