// BlockReader: cuts the text of a list of inputs into blocks of whole lines
// that can be tokenized independently, for the parallel scan. Inputs are
// read in order (plain or gzip, files, FIFOs, stdin) straight into the
// caller's block buffer; several small inputs share a block; a block never
// ends inside a line, except a line longer than a whole block, which is
// cut into pieces marked `ends_mid_line` (to be tokenized in order, with
// the tokenizer's state carried over). Where an input ends inside a block
// is recorded: a sentence never crosses an input boundary.
// Not thread-safe (one producer thread).
#ifndef WEMBED_SRC_CORPUS_BLOCK_READER_H_
#define WEMBED_SRC_CORPUS_BLOCK_READER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/huge_pages.h"
#include "base/readable_file.h"
#include "corpus/input_share.h"
#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

struct TextBlock {
  // `capacity` bytes, not zeroed (huge pages when large: AllocateLarge).
  std::unique_ptr<char, LargeDeleter> data;
  size_t capacity = 0;
  size_t size = 0;  // text bytes in data
  // Offsets (ascending, <= size) at which an input ends.
  std::vector<size_t> input_ends;
  // The block is a piece of a line that goes on in the next block.
  bool ends_mid_line = false;

  void Allocate(size_t bytes) {
    data = std::unique_ptr<char, LargeDeleter>(
        static_cast<char*>(AllocateLarge(bytes)), LargeDeleter{bytes});
    capacity = bytes;
  }
};

class BlockReader {
 public:
  // `env` (and `cancel`, if set) must outlive the reader. `cancel`: a
  // read of a pipe with no data fails with kCancelled once it is true
  // (ReadableOptions::cancel).
  BlockReader(std::vector<std::string> inputs, const Env& env,
              const std::atomic<bool>* cancel = nullptr);
  // Pieces of files (one rank's share): each piece is read as an input.
  BlockReader(std::vector<InputPiece> inputs, const Env& env,
              const std::atomic<bool>* cancel = nullptr);

  // Fills `block` with the next text. False at the end of the inputs or on
  // an error (status() names the input: missing, unreadable, corrupt gzip,
  // an encoded corpus among text inputs).
  bool Next(TextBlock* block);
  const Status& status() const { return status_; }

 private:
  // Reads from the inputs until the block is full or they end.
  bool Fill(TextBlock* block);
  // Ends the block at its last line end, keeping the rest for the next.
  void Cut(TextBlock* block);
  Status CheckNotEncoded(const char* start, size_t n) const;

  const std::vector<InputPiece> inputs_;
  const Env& env_;
  const std::atomic<bool>* cancel_;
  size_t next_input_ = 0;
  std::unique_ptr<ReadableFile> file_;  // the input being read, if any
  bool input_started_ = false;          // bytes of file_ were read
  std::vector<char> carry_;             // text after the last cut
  // The last block returned ends inside a line (ends_mid_line).
  bool in_long_line_ = false;
  Status status_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_BLOCK_READER_H_
