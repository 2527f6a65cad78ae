// ReplicaGroup: the other copies of the model that a training run averages
// with at its synchronisation points. MPI ranks implement it
// (`mpirun -np N wembed train`); tests implement it with Trainers running
// in threads of one process.
//
// Every member of a group calls the same collectives in the same order
// with the same counts (the trainer's sync schedule depends only on word
// counts that every member knows). Thread-safety: one caller per member at
// a time.
#ifndef WEMBED_TRAIN_REPLICA_GROUP_H_
#define WEMBED_TRAIN_REPLICA_GROUP_H_

#include <cstddef>
#include <cstdint>

#include "wembed/base/status.h"

namespace wembed {

class ReplicaGroup {
 public:
  virtual ~ReplicaGroup() = default;

  virtual int rank() const = 0;  // 0..size()-1; rank 0 writes the outputs
  virtual int size() const = 0;

  // In place: data[i] becomes the mean of data[i] over all members. The
  // result is bitwise identical on every member and, for a given size(),
  // from run to run (a fixed reduction order).
  virtual Status AverageFloats(float* data, size_t count) = 0;
  // In place: element-wise sum over all members (word counts, positions).
  virtual Status SumU64(uint64_t* data, size_t count) = 0;
  // In place: element-wise maximum over all members (agreeing on a stop
  // request or an error: every member learns that some member has one).
  virtual Status MaxInt(int32_t* data, size_t count) = 0;

  // Collective: `bytes` of zeroed memory, 64-byte aligned, that every
  // member maps (one copy, on one machine), valid until the group is
  // destroyed; every member gets the same contents at its own address.
  // nullptr when the members do not all share this machine's memory (MPI
  // ranks on several machines): the default.
  virtual StatusOr<void*> SharedMemory(size_t bytes) {
    (void)bytes;
    return static_cast<void*>(nullptr);
  }
};

}  // namespace wembed

#endif  // WEMBED_TRAIN_REPLICA_GROUP_H_
