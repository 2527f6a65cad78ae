// ProvisionalStore: the scan's intermediate encoded stream, kept until the
// vocabulary is known and the stream can be rewritten with final ids. One
// record per block of text: the block's stream (block-local ids) and the
// map from its local ids to the scan's provisional ids. Records stay in
// memory up to a limit; beyond it they are spilled, in order, to a scratch
// file, so memory does not grow with the corpus. Not thread-safe.
#ifndef WEMBED_SRC_CORPUS_PROVISIONAL_STORE_H_
#define WEMBED_SRC_CORPUS_PROVISIONAL_STORE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "base/random_access_file.h"
#include "base/scratch_file.h"
#include "corpus/block_scan.h"
#include "wembed/base/env.h"
#include "wembed/base/status.h"

namespace wembed {

struct ProvisionalRecord {
  ByteStream stream;  // varint(local id + 1), 0x00 sentence ends
  ByteStream map;     // per local id: varint(provisional id)
  uint64_t map_entries = 0;
  bool continues = false;  // see BlockResult::continues

  // Memory held (capacities: a reused buffer is resident beyond its size).
  size_t bytes() const { return stream.capacity() + map.capacity(); }
};

class ProvisionalStore {
 public:
  // Keeps up to `memory_limit` bytes of records in memory; spills to a
  // scratch file in `dir` ("" = DefaultScratchDir()). Keeps up to
  // `max_reusable` spilled streams' buffers for ReusableStream.
  ProvisionalStore(uint64_t memory_limit, std::string dir, const Env& env,
                   size_t max_reusable = 0);

  // Adds the next record. Errors: the scratch file's (naming the
  // directory).
  Status Append(ProvisionalRecord record);
  // Records appended.
  size_t size() const { return count_; }
  // The next record in order (each is taken once; memory is released as
  // they are taken, and the reusable buffers at the first). Precondition:
  // fewer than size() taken, and no Append after the first TakeNext.
  Status TakeNext(ProvisionalRecord* record);
  uint64_t spilled_bytes() const { return spill_ ? spill_->size() : 0; }
  // An empty stream for the next block: the buffer of a spilled record when
  // one is kept (resident already: its pages are not zeroed again, which
  // took 8% of a scan's CPU time with fresh buffers), else a new buffer of
  // `capacity` bytes, not touched.
  ByteStream ReusableStream(size_t capacity);

 private:
  Status Spill();

  const uint64_t memory_limit_;
  const std::string dir_;
  const Env& env_;
  const size_t max_reusable_;
  std::vector<ByteStream> reusable_;      // spilled records' stream buffers
  std::deque<ProvisionalRecord> memory_;  // the records after the spilled
  uint64_t memory_bytes_ = 0;
  size_t count_ = 0;
  size_t spilled_records_ = 0;
  size_t taken_ = 0;
  std::unique_ptr<ScratchFile> spill_;
  std::unique_ptr<RandomAccessFile> spill_reader_;
  uint64_t read_offset_ = 0;
};

}  // namespace wembed

#endif  // WEMBED_SRC_CORPUS_PROVISIONAL_STORE_H_
