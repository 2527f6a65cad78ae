// ChunkReader: inputs read (and gunzipped) on a background thread, handed
// over in order, with input boundaries marked.
#include "corpus/chunk_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace wembed {
namespace {

using testing::Gzip;
using testing::TempDir;
using testing::WriteFile;

struct Received {
  std::vector<std::string> per_input;
  std::vector<int> ends;  // inputs whose end was marked, in order
  Status status;
};

Received ReadAllChunks(const std::vector<std::string>& inputs,
                       size_t chunk_bytes) {
  Received r;
  r.per_input.resize(inputs.size());
  ChunkReader reader(inputs, Env::Default(), chunk_bytes, 3);
  ChunkReader::Chunk c;
  size_t last_input = 0;
  while (reader.Next(&c)) {
    EXPECT_GE(c.input_index, last_input);  // inputs come in order
    EXPECT_LE(c.size, chunk_bytes);
    last_input = c.input_index;
    r.per_input[c.input_index] += std::string(c.text());
    if (c.end_of_input) r.ends.push_back(int(c.input_index));
    reader.Release(c);
  }
  r.status = reader.status();
  return r;
}

TEST(ChunkReaderTest, InputsArriveInOrderWithTheirEndsMarked) {
  TempDir dir;
  std::vector<std::string> texts, paths;
  for (int i = 0; i < 4; ++i) {
    texts.push_back(std::string(size_t(1000 * i + 7), char('a' + i)));
    paths.push_back(dir.File("in" + std::to_string(i)));
    WriteFile(paths.back(), i % 2 ? Gzip(texts.back()) : texts.back());
  }
  WriteFile(dir.File("empty"), "");
  paths.insert(paths.begin() + 2, dir.File("empty"));
  texts.insert(texts.begin() + 2, "");
  const Received r = ReadAllChunks(paths, 256);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.per_input, texts);
  EXPECT_EQ(r.ends, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(ChunkReaderTest, AFailingInputStopsDeliveryAndNamesIt) {
  TempDir dir;
  WriteFile(dir.File("good"), std::string(5000, 'x'));
  const std::string gz = Gzip(std::string(100000, 'y'));
  WriteFile(dir.File("bad.gz"), gz.substr(0, gz.size() / 2));
  const Received r = ReadAllChunks(
      {dir.File("good"), dir.File("bad.gz"), dir.File("never")}, 1024);
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find(dir.File("bad.gz")), std::string::npos);
  // Chunks queued before the failure may or may not be delivered, but
  // what is delivered is a prefix, the failed input is never reported as
  // complete, and the next input never starts.
  EXPECT_EQ(std::string(5000, 'x').rfind(r.per_input[0], 0), 0u);
  for (int end : r.ends) EXPECT_EQ(end, 0);
  EXPECT_TRUE(r.per_input[2].empty());
}

TEST(ChunkReaderTest, AMissingInputIsNotFound) {
  TempDir dir;
  const Received r = ReadAllChunks({dir.File("missing")}, 64);
  EXPECT_EQ(r.status.code(), StatusCode::kNotFound);
}

TEST(ChunkReaderTest, AConsumerThatStopsEarlyDoesNotHang) {
  TempDir dir;
  WriteFile(dir.File("big"), std::string(1 << 20, 'z'));
  ChunkReader reader({dir.File("big")}, Env::Default(), 1024, 2);
  ChunkReader::Chunk c;
  ASSERT_TRUE(reader.Next(&c));
  reader.Release(c);
  // The destructor stops the reader thread, blocked on a full queue.
}

}  // namespace
}  // namespace wembed
