#include "corpus/chunk_reader.h"

#include <exception>
#include <new>
#include <utility>

#include "base/readable_file.h"

namespace wembed {

ChunkReader::ChunkReader(std::vector<std::string> inputs, const Env& env,
                         size_t chunk_bytes, int num_buffers)
    : inputs_(std::move(inputs)), env_(env), chunk_bytes_(chunk_bytes) {
  for (int i = 0; i < num_buffers; ++i) {
    buffers_.push_back(std::make_unique<char[]>(chunk_bytes_));
    free_buffers_.push_back(i);
  }
  thread_ = std::thread(&ChunkReader::Run, this);
}

ChunkReader::~ChunkReader() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

int ChunkReader::AcquireBuffer() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stop_ || !free_buffers_.empty(); });
  if (stop_) return -1;
  const int b = free_buffers_.back();
  free_buffers_.pop_back();
  return b;
}

void ChunkReader::Push(const Chunk& chunk) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ready_.push_back(chunk);
  }
  cv_.notify_all();
}

bool ChunkReader::ReadInput(size_t i, Status* status) {
  StatusOr<std::unique_ptr<ReadableFile>> in =
      ReadableFile::Open(inputs_[i], env_);
  if (!in.ok()) {
    *status = in.status();
    return true;
  }
  bool eof = false;
  while (!eof) {
    const int b = AcquireBuffer();
    if (b < 0) return false;  // the consumer stopped
    char* buf = buffers_[b].get();
    size_t filled = 0;
    // Fill the whole buffer: fewer, larger chunks for the consumer.
    while (filled < chunk_bytes_) {
      StatusOr<size_t> n = (*in)->Read(buf + filled, chunk_bytes_ - filled);
      if (!n.ok()) {
        *status = n.status();
        Release(Chunk{nullptr, 0, i, false, b});
        return true;
      }
      if (*n == 0) {
        eof = true;
        break;
      }
      filled += *n;
    }
    Push(Chunk{buf, filled, i, eof, b});
  }
  return true;
}

void ChunkReader::Run() {
  Status status;
  try {
    for (size_t i = 0; i < inputs_.size() && status.ok(); ++i) {
      if (!ReadInput(i, &status)) return;
    }
  } catch (const std::exception& e) {  // never out of the thread
    const bool oom = dynamic_cast<const std::bad_alloc*>(&e) != nullptr;
    status = Status::Internal(
        "reading " +
        (inputs_.empty() ? std::string("the corpus") : inputs_[0]) +
        (inputs_.size() > 1 ? " ..." : "") + ": " +
        (oom ? "out of memory" : e.what()));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    status_ = status;
  }
  cv_.notify_all();
}

bool ChunkReader::Next(Chunk* chunk) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !ready_.empty() || finished_; });
  // On failure, nothing queued after the error point is delivered: the
  // consumer must not see an input as complete when it is not.
  if (!status_.ok()) return false;
  if (ready_.empty()) return false;
  *chunk = ready_.front();
  ready_.pop_front();
  return true;
}

void ChunkReader::Release(const Chunk& chunk) {
  if (chunk.buffer < 0) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_buffers_.push_back(chunk.buffer);
  }
  cv_.notify_all();
}

Status ChunkReader::status() {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

Status TokenizeInputs(
    const std::vector<std::string>& inputs, const Env& env,
    Tokenizer& tokenizer, TokenSink& sink,
    const std::function<Status(uint64_t bytes_read)>& before_chunk) {
  ChunkReader reader(inputs, env);
  ChunkReader::Chunk chunk;
  uint64_t bytes_read = 0;
  while (reader.Next(&chunk)) {
    bytes_read += chunk.size;
    WEMBED_RETURN_IF_ERROR(before_chunk(bytes_read));
    tokenizer.Feed(chunk.text(), sink);
    if (chunk.end_of_input) tokenizer.Finish(sink);
    reader.Release(chunk);
  }
  return reader.status();
}

}  // namespace wembed
