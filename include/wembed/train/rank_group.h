// RankGroup: the processes of one distributed training run (MPI ranks,
// `mpirun -np N wembed train`; docs/distributed.md). Besides the
// ReplicaGroup collectives the trainer uses, RunTraining needs two for
// bytes: gathering every rank's counts or positions to rank 0, and
// broadcasting rank 0's merged vocabulary or verdict.
//
// As for ReplicaGroup, every member calls the same collectives in the same
// order; one caller per member at a time.
#ifndef WEMBED_TRAIN_RANK_GROUP_H_
#define WEMBED_TRAIN_RANK_GROUP_H_

#include <string>
#include <vector>

#include "wembed/base/status.h"
#include "wembed/train/replica_group.h"

namespace wembed {

class RankGroup : public ReplicaGroup {
 public:
  // Rank 0: *all becomes every member's `mine`, in rank order; the other
  // members: *all becomes empty.
  virtual Status GatherBytes(const std::string& mine,
                             std::vector<std::string>* all) = 0;
  // Every member's *data becomes rank 0's.
  virtual Status BroadcastBytes(std::string* data) = 0;
};

// True once Trainer::Train synchronises with TrainHooks::replicas
// (averaging, the global word count, stop and checkpoint agreement: issue
// 12's trainer part). Until then RunTraining under a RankGroup trains each
// rank's share independently, writes no periodic checkpoints, and the tests
// of the averaged model are skipped.
inline constexpr bool kTrainerSyncsReplicas = false;

}  // namespace wembed

#endif  // WEMBED_TRAIN_RANK_GROUP_H_
