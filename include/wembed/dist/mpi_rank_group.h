// MpiRankGroup: the ranks of MPI_COMM_WORLD as a RankGroup (built only with
// MPI: -DWEMBED_MPI=AUTO|ON, docs/distributed.md). One per process: Create()
// initialises MPI (MPI_THREAD_SERIALIZED: the trainer may call from any one
// thread at a time), the destructor finalises it.
//
// Results are bitwise identical on every rank and, for a given number of
// ranks and MPI build, from run to run: AverageFloats reduces to rank 0
// with a non-commutative operation (MPI orders its operands by rank) and
// broadcasts rank 0's result, so no rank sums in an order of its own.
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

 private:
  MpiRankGroup(int rank, int size) : rank_(rank), size_(size) {}

  int rank_;
  int size_;
};

}  // namespace wembed

#endif  // WEMBED_DIST_MPI_RANK_GROUP_H_
