#include "base/log_file_writer.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "test_util.h"

namespace wembed {
namespace {

using testing::FailOneOp;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

TEST(LogFileWriterTest, EachLineIsInTheFileAtOnce) {
  TempDir dir;
  const std::string path = dir.File("log.jsonl");
  WriteFile(path, "old\n");
  LogFileWriter log(path);
  ASSERT_TRUE(log.Open(/*append=*/false).ok());
  EXPECT_EQ(ReadFile(path), "");  // truncated
  ASSERT_TRUE(log.AppendLine("{\"a\":1}").ok());
  EXPECT_EQ(ReadFile(path), "{\"a\":1}\n");  // visible before Close
  ASSERT_TRUE(log.Close().ok());
  LogFileWriter more(path);
  ASSERT_TRUE(more.Open(/*append=*/true).ok());
  ASSERT_TRUE(more.AppendLine("{\"a\":2}").ok());
  EXPECT_EQ(ReadFile(path), "{\"a\":1}\n{\"a\":2}\n");
}

TEST(LogFileWriterTest, ErrorsNameTheFileAndStick) {
  TempDir dir;
  const std::string path = dir.File("log");
  FailOneOp fail(FileOp::kWrite, 1, ENOSPC, /*short_first=*/true);
  const Env env(&fail);
  LogFileWriter log(path, env);
  ASSERT_TRUE(log.Open(false).ok());
  ASSERT_TRUE(log.AppendLine("first").ok());
  const Status s = log.AppendLine("second line");
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("write " + path), std::string::npos);
  EXPECT_EQ(log.AppendLine("third").code(), StatusCode::kIoError);
  EXPECT_FALSE(log.is_open());
  EXPECT_EQ(ReadFile(path).substr(0, 6), "first\n");

  LogFileWriter nodir(dir.File("missing/log"));
  EXPECT_EQ(nodir.Open(false).code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace wembed
