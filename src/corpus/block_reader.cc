#include "corpus/block_reader.h"

#include <cstring>
#include <utility>

#include "base/section_file.h"
#include "corpus/corpus_file_writer.h"

namespace wembed {

BlockReader::BlockReader(std::vector<std::string> inputs, const Env& env,
                         const std::atomic<bool>* cancel)
    : BlockReader(WholeInputs(inputs), env, cancel) {}

BlockReader::BlockReader(std::vector<InputPiece> inputs, const Env& env,
                         const std::atomic<bool>* cancel)
    : inputs_(std::move(inputs)), env_(env), cancel_(cancel) {}

bool BlockReader::Next(TextBlock* block) {
  block->size = 0;
  block->input_ends.clear();
  block->ends_mid_line = false;
  if (!status_.ok()) return false;
  // The carry is at most a block (less than one line), so it fits.
  // (memcpy from an empty carry's null data() would be undefined.)
  if (!carry_.empty()) {
    std::memcpy(block->data.get(), carry_.data(), carry_.size());
  }
  block->size = carry_.size();
  carry_.clear();
  if (!Fill(block)) return false;
  // An empty block still carries the end of the input a long line ends
  // at: it finishes the line's last token and sentence.
  if (block->size == 0 && !(in_long_line_ && !block->input_ends.empty())) {
    return false;
  }
  if (file_ != nullptr) Cut(block);  // full, and the input goes on
  in_long_line_ = block->ends_mid_line;
  return true;
}

bool BlockReader::Fill(TextBlock* block) {
  const size_t capacity = block->capacity;
  while (block->size < capacity) {
    if (file_ == nullptr) {
      if (next_input_ == inputs_.size()) return true;
      const InputPiece& piece = inputs_[next_input_];
      StatusOr<std::unique_ptr<ReadableFile>> in =
          ReadableFile::Open(piece.path, env_,
                             {.cancel = cancel_,
                              .range_begin = piece.begin,
                              .range_end = piece.end});
      if (!in.ok()) {
        status_ = in.status();
        return false;
      }
      file_ = std::move(in).value();
      input_started_ = false;
    }
    char* dst = block->data.get() + block->size;
    StatusOr<size_t> n = file_->Read(dst, capacity - block->size);
    if (!n.ok()) {
      status_ = n.status();
      return false;
    }
    if (*n == 0) {  // this input is done
      block->input_ends.push_back(block->size);
      file_.reset();
      ++next_input_;
      continue;
    }
    if (!input_started_) {
      status_ = CheckNotEncoded(dst, *n);
      if (!status_.ok()) return false;
      input_started_ = true;
    }
    block->size += *n;
  }
  return true;
}

void BlockReader::Cut(TextBlock* block) {
  const size_t segment =
      block->input_ends.empty() ? 0 : block->input_ends.back();
  const void* nl =
      ::memrchr(block->data.get() + segment, '\n', block->size - segment);
  size_t cut;
  if (nl != nullptr) {
    cut = size_t(static_cast<const char*>(nl) - block->data.get()) + 1;
  } else if (segment > 0) {
    cut = segment;  // the line that starts the open input goes whole next
  } else {
    block->ends_mid_line = true;  // one line longer than the block
    return;
  }
  carry_.assign(block->data.get() + cut, block->data.get() + block->size);
  block->size = cut;
}

Status BlockReader::CheckNotEncoded(const char* start, size_t n) const {
  if (n < kFileMagicSize ||
      std::memcmp(start, kCorpusFileMagic, kFileMagicSize) != 0) {
    return Status::Ok();
  }
  return Status::InvalidArgument(
      file_->name() +
      ": an encoded corpus (.wenc) cannot be read as text; give it as the "
      "only input");
}

}  // namespace wembed
