// MpiRankGroup: the ranks of MPI_COMM_WORLD as a RankGroup (built only with
// MPI: -DWEMBED_MPI=AUTO|ON, docs/distributed.md). One per process: Create()
// initialises MPI (MPI_THREAD_SERIALIZED: the trainer may call from any one
// thread at a time), the destructor finalises it.
//
// Results are bitwise identical on every rank and, for a given number of
// ranks, from run to run, by construction: AverageFloats is a ring
// reduce-scatter (block b summed in the fixed order of ranks b, b + 1, ...,
// b - 1, by this code, not MPI's) followed by an allgather that copies
// each block from the rank that summed it. Each rank sends and receives
// about 2 (N - 1) / N of the buffer, in 2 (N - 1) messages.
// Counts beyond an int are sent in chunks.
#ifndef WEMBED_DIST_MPI_RANK_GROUP_H_
#define WEMBED_DIST_MPI_RANK_GROUP_H_

#include <memory>
#include <string>
#include <vector>

#include "wembed/base/status.h"
#include "wembed/train/rank_group.h"

namespace wembed {

class MpiRankGroup : public RankGroup {
 public:
  // Initialises MPI; at most once per process. Errors: the MPI library's
  // message, or too little thread support.
  static StatusOr<std::unique_ptr<MpiRankGroup>> Create();
  ~MpiRankGroup() override;  // MPI_Finalize

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  Status AverageFloats(float* data, size_t count) override;
  Status SumU64(uint64_t* data, size_t count) override;
  Status MaxInt(int32_t* data, size_t count) override;
  Status GatherBytes(const std::string& mine,
                     std::vector<std::string>* all) override;
  Status BroadcastBytes(std::string* data) override;
  // An MPI-3 shared-memory window allocated by rank 0, when every rank runs
  // on this machine (MPI_COMM_TYPE_SHARED holds them all); nullptr
  // otherwise. Freed (collectively) by the destructor.
  StatusOr<void*> SharedMemory(size_t bytes) override;

 private:
  struct Windows;  // the shared windows and their communicator (mpi.h types)

  MpiRankGroup(int rank, int size);

  // AverageFloats of at most INT_MAX floats.
  Status RingAverage(float* data, size_t count);
  // Block `block` (taken mod size_) of `count` floats split into size_
  // nearly equal blocks: its first index and its length.
  size_t BlockBegin(size_t count, int block) const;
  size_t BlockSize(size_t count, int block) const;

  int rank_;
  int size_;
  std::vector<float> ring_buffer_;  // one received block
  std::unique_ptr<Windows> windows_;
};

}  // namespace wembed

#endif  // WEMBED_DIST_MPI_RANK_GROUP_H_
