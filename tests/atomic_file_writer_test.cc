// AtomicFileWriter's handling of targets that are not regular files.
#include "base/atomic_file_writer.h"
#include "base/path_util.h"

#include <fcntl.h>
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

TEST(AtomicFileWriterTest, DanglingSymlinkCreatesItsTargetAndStays) {
  TempDir dir;
  std::filesystem::create_directory(dir.File("sub"));
  // Relative to the link's directory, not to the working directory.
  std::filesystem::create_symlink("sub/new.txt", dir.File("link.txt"));
  ASSERT_TRUE(WriteAll(dir.File("link.txt"), "created").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(dir.File("link.txt")));
  EXPECT_EQ(ReadFile(dir.File("sub/new.txt")), "created");
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"link.txt", "sub"}));
}

TEST(AtomicFileWriterTest, SymlinkChainIsFollowedToTheEnd) {
  TempDir dir;
  std::filesystem::create_directory(dir.File("a"));
  WriteFile(dir.File("a/target.txt"), "old");
  std::filesystem::create_symlink("target.txt", dir.File("a/inner"));
  std::filesystem::create_symlink(dir.File("a/inner"), dir.File("outer"));
  ASSERT_TRUE(WriteAll(dir.File("outer"), "new").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(dir.File("outer")));
  EXPECT_TRUE(std::filesystem::is_symlink(dir.File("a/inner")));
  EXPECT_EQ(ReadFile(dir.File("a/target.txt")), "new");
  // The temp file went next to the target, and is gone.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.File("a")),
                          std::filesystem::directory_iterator()),
            2);
}

TEST(AtomicFileWriterTest, SymlinkLoopIsAnErrorAndCreatesNothing) {
  TempDir dir;
  std::filesystem::create_symlink("b", dir.File("a"));
  std::filesystem::create_symlink("a", dir.File("b"));
  Status s = WriteAll(dir.File("a"), "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("symbolic links"), std::string::npos)
      << s.message();
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"a", "b"}));
}

TEST(AtomicFileWriterTest, SymlinkToADeviceWritesTheDevice) {
  TempDir dir;
  const std::string node = dir.File("mynull");
  if (::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod needs root";
  }
  std::filesystem::create_symlink("mynull", dir.File("link"));
  ASSERT_TRUE(WriteAll(dir.File("link"), "discarded").ok());
  struct stat st;
  ASSERT_EQ(::stat(node.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_TRUE(std::filesystem::is_symlink(dir.File("link")));
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"link", "mynull"}));
}

TEST(AtomicFileWriterTest, SymlinkToADirectoryIsAnError) {
  TempDir dir;
  std::filesystem::create_directory(dir.File("d"));
  std::filesystem::create_symlink("d", dir.File("link"));
  Status s = WriteAll(dir.File("link"), "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("is a directory"), std::string::npos)
      << s.message();
  EXPECT_TRUE(std::filesystem::is_empty(dir.File("d")));
}

// /dev/stdout is a symlink to /proc/self/fd/1: a descriptor path is written
// through the open descriptor (its offset and O_APPEND), not replaced.
TEST(AtomicFileWriterTest, DescriptorPathWritesThroughTheDescriptor) {
  TempDir dir;
  const std::string file = dir.File("stdout.txt");
  WriteFile(file, "before ");
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  struct stat before;
  ASSERT_EQ(::stat(file.c_str(), &before), 0);
  for (const std::string prefix : {"/proc/self/fd/", "/dev/fd/"}) {
    ASSERT_TRUE(WriteAll(prefix + std::to_string(fd), prefix + " ").ok())
        << prefix;
  }
  // The descriptor stays open and usable.
  EXPECT_EQ(::write(fd, "after", 5), 5);
  ::close(fd);
  struct stat after;
  ASSERT_EQ(::stat(file.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "the file was replaced";
  EXPECT_EQ(ReadFile(file), "before /proc/self/fd/ /dev/fd/ after");
  EXPECT_EQ(dir.List(), std::vector<std::string>{"stdout.txt"});
}

TEST(AtomicFileWriterTest, ClosedDescriptorPathIsAnError) {
  TempDir dir;
  const int fd = ::open(dir.File("x").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ::close(fd);
  Status s = WriteAll("/dev/fd/" + std::to_string(fd), "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/dev/fd/" + std::to_string(fd)),
            std::string::npos)
      << s.message();
}

TEST(ResolveOutputTargetTest, Kinds) {
  TempDir dir;
  WriteFile(dir.File("f"), "");
  std::filesystem::create_symlink("f", dir.File("l"));
  ASSERT_EQ(::mkfifo(dir.File("p").c_str(), 0644), 0);
  using Kind = OutputTarget::Kind;
  StatusOr<OutputTarget> t = ResolveOutputTarget(dir.File("new"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, Kind::kNew);
  EXPECT_EQ(t->path, dir.File("new"));
  t = ResolveOutputTarget(dir.File("l"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, Kind::kRegular);
  EXPECT_EQ(t->path, dir.File("f"));
  t = ResolveOutputTarget(dir.File("p"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, Kind::kStream);
  t = ResolveOutputTarget("/dev/stdout");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, Kind::kFd);
  EXPECT_EQ(t->fd, 1);
  EXPECT_FALSE(ResolveOutputTarget(dir.path()).ok());
}

}  // namespace
}  // namespace wembed
