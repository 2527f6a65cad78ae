// ChunkReader: reads (and gunzips) a list of inputs on a background thread,
// handing large chunks of text to one consumer thread, so that decompression
// overlaps tokenizing. Memory: num_buffers * chunk_bytes.
//
// Usage (consumer thread):
//   ChunkReader reader(inputs);
//   ChunkReader::Chunk c;
//   while (reader.Next(&c)) { ...use c.text()...; reader.Release(c); }
//   if (!reader.status().ok()) ...
#ifndef WEMBED_SRC_CORPUS_CHUNK_READER_H_
#define WEMBED_SRC_CORPUS_CHUNK_READER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "wembed/base/env.h"
#include "wembed/base/status.h"
#include "wembed/text/tokenizer.h"

namespace wembed {

class ChunkReader {
 public:
  struct Chunk {
    const char* data = nullptr;
    size_t size = 0;
    size_t input_index = 0;
    // This chunk ends its input (it may be empty then).
    bool end_of_input = false;
    int buffer = -1;
    std::string_view text() const { return std::string_view(data, size); }
  };

  // Starts reading `inputs` in order at once. `env` must outlive the
  // reader.
  explicit ChunkReader(std::vector<std::string> inputs,
                       const Env& env = Env::Default(),
                       size_t chunk_bytes = size_t{2} << 20,
                       int num_buffers = 4);
  // Stops the reader thread (if still running) and joins it.
  ~ChunkReader();
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // Blocks for the next chunk. Returns false when every input has been
  // delivered or reading failed (see status()).
  bool Next(Chunk* chunk);
  // Gives the chunk's buffer back to the reader. Each chunk returned by Next
  // must be released before the next-but-(num_buffers - 1) call to Next.
  void Release(const Chunk& chunk);
  // The first read error, or OK.
  Status status();

 private:
  void Run();
  // Reads input `i` into chunks; false if the consumer stopped.
  bool ReadInput(size_t i, Status* status);
  // Waits for a free buffer; -1 if stopping.
  int AcquireBuffer();
  void Push(const Chunk& chunk);

  const std::vector<std::string> inputs_;
  const Env& env_;
  const size_t chunk_bytes_;
  std::vector<std::unique_ptr<char[]>> buffers_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> free_buffers_;  // guarded by mu_
  std::deque<Chunk> ready_;        // guarded by mu_
  bool finished_ = false;          // reader is done (or failed); mu_
  bool stop_ = false;              // consumer asked to stop; mu_
  Status status_;                  // mu_
  std::thread thread_;
};

// Reads `inputs` in order (a ChunkReader) through `tokenizer` into `sink`,
// finishing the tokenizer at the end of each input (which ends a sentence).
// Before tokenizing each chunk, calls before_chunk(uncompressed bytes read
// so far, this chunk included); a non-OK status it returns stops the read
// and is returned. Otherwise returns the first read error, or OK.
Status TokenizeInputs(
    const std::vector<std::string>& inputs, const Env& env,
    Tokenizer& tokenizer, TokenSink& sink,
    const std::function<Status(uint64_t bytes_read)>& before_chunk);

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_CHUNK_READER_H_
