#include "wembed/dist/mpi_rank_group.h"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace wembed {
namespace {

// Elements or bytes per MPI call: counts are ints.
constexpr size_t kMaxFloatsPerCall = size_t{1} << 26;
constexpr size_t kMaxBytesPerCall = size_t{1} << 30;

Status MpiError(const char* what, int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  return Status::IoError(std::string("MPI: ") + what + " failed" +
                         (length > 0 ? ": " + std::string(text, length) : ""));
}

#define WEMBED_MPI_CALL(what, call)                             \
  do {                                                          \
    if (const int mpi_code = (call); mpi_code != MPI_SUCCESS) { \
      return MpiError(what, mpi_code);                          \
    }                                                           \
  } while (0)

// MPI_Allreduce in place, in calls of at most kMaxFloatsPerCall elements.
template <class T>
Status AllreduceInPlace(T* data, size_t count, MPI_Datatype type, MPI_Op op,
                        const char* what) {
  for (size_t done = 0; done < count;) {
    const size_t n = std::min(kMaxFloatsPerCall, count - done);
    WEMBED_MPI_CALL(what, MPI_Allreduce(MPI_IN_PLACE, data + done, int(n), type,
                                        op, MPI_COMM_WORLD));
    done += n;
  }
  return Status::Ok();
}

// Open MPI, every rank on this machine (mpirun sets both sizes), and no
// PML chosen by the user (`--mca pml` arrives as OMPI_MCA_pml): ob1 over
// shared memory, whose start-up takes 0.13 s against 0.34 s for the default
// search that starts UCX (2 ranks, measured 2026-12-03). On several
// machines the default stays (UCX on InfiniBand).
void PreferSharedMemoryTransportOnOneMachine() {
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const char* all = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (local == nullptr || all == nullptr || std::strcmp(local, all) != 0) {
    return;
  }
  ::setenv("OMPI_MCA_pml", "ob1", /*overwrite=*/0);
}

}  // namespace

StatusOr<std::unique_ptr<MpiRankGroup>> MpiRankGroup::Create() {
  PreferSharedMemoryTransportOnOneMachine();
  int provided = 0;
  WEMBED_MPI_CALL(
      "MPI_Init_thread",
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided));
  // Errors come back as codes (a Status), not as an abort from inside MPI.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::unique_ptr<MpiRankGroup> group(new MpiRankGroup(rank, size));
  if (provided < MPI_THREAD_SERIALIZED) {
    return Status::Internal(
        "MPI: the library supports only MPI_THREAD_FUNNELED or less; "
        "training needs MPI_THREAD_SERIALIZED");
  }
  return group;
}

struct MpiRankGroup::Windows {
  MPI_Comm machine = MPI_COMM_NULL;  // the ranks on this machine
  std::vector<MPI_Win> shared;
};

MpiRankGroup::MpiRankGroup(int rank, int size)
    : rank_(rank), size_(size), windows_(std::make_unique<Windows>()) {}

MpiRankGroup::~MpiRankGroup() {
  for (MPI_Win& w : windows_->shared) MPI_Win_free(&w);
  if (windows_->machine != MPI_COMM_NULL) MPI_Comm_free(&windows_->machine);
  MPI_Finalize();
}

StatusOr<void*> MpiRankGroup::SharedMemory(size_t bytes) {
  MPI_Comm& machine = windows_->machine;
  if (machine == MPI_COMM_NULL) {
    WEMBED_MPI_CALL("finding the ranks on this machine",
                    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED,
                                        rank_, MPI_INFO_NULL, &machine));
  }
  int here = 0;
  MPI_Comm_size(machine, &here);
  if (here != size_) return static_cast<void*>(nullptr);
  // Rank 0 allocates it all (64 bytes more, to align); the others map it.
  const MPI_Aint mine = rank_ == 0 ? MPI_Aint(bytes + 64) : 0;
  void* base = nullptr;
  MPI_Win window;
  WEMBED_MPI_CALL(
      "allocating shared memory",
      MPI_Win_allocate_shared(mine, 1, MPI_INFO_NULL, machine, &base, &window));
  windows_->shared.push_back(window);
  MPI_Aint size = 0;
  int unit = 0;
  WEMBED_MPI_CALL("mapping shared memory",
                  MPI_Win_shared_query(window, 0, &size, &unit, &base));
  // Rank 0's offset to a 64-byte boundary; the segment sits at the same
  // offset within a page in every process.
  uint64_t skip = (64 - reinterpret_cast<uintptr_t>(base) % 64) % 64;
  WEMBED_MPI_CALL("agreeing on an offset",
                  MPI_Bcast(&skip, 1, MPI_UINT64_T, 0, machine));
  char* data = static_cast<char*>(base) + skip;
  if (reinterpret_cast<uintptr_t>(data) % 64 != 0) {
    return Status::Internal("MPI: shared memory not 64-byte aligned");
  }
  if (rank_ == 0) std::memset(data, 0, bytes);
  WEMBED_MPI_CALL("waiting for shared memory", MPI_Barrier(machine));
  return static_cast<void*>(data);
}

Status MpiRankGroup::AverageFloats(float* data, size_t count) {
  for (size_t done = 0; done < count;) {
    const size_t n = std::min(kMaxFloatsPerCall, count - done);
    WEMBED_RETURN_IF_ERROR(RingAverage(data + done, n));
    done += n;
  }
  return Status::Ok();
}

size_t MpiRankGroup::BlockBegin(size_t count, int block) const {
  const int b = (block % size_ + size_) % size_;
  return count * size_t(b) / size_t(size_);  // count <= kMaxFloatsPerCall
}

size_t MpiRankGroup::BlockSize(size_t count, int block) const {
  const int b = (block % size_ + size_) % size_;
  return count * size_t(b + 1) / size_t(size_) - BlockBegin(count, b);
}

Status MpiRankGroup::RingAverage(float* data, size_t count) {
  if (size_ == 1) return Status::Ok();
  const int next = (rank_ + 1) % size_;
  const int prev = (rank_ + size_ - 1) % size_;
  // Grown only (growing zero-fills the new part).
  const size_t block = count / size_t(size_) + 1;
  if (ring_buffer_.size() < block) ring_buffer_.resize(block);
  for (int step = 0; step + 1 < size_; ++step) {  // the reduce-scatter
    const int send = rank_ - step;
    const int receive = send - 1;
    const size_t n = BlockSize(count, receive);
    WEMBED_MPI_CALL("averaging",
                    MPI_Sendrecv(data + BlockBegin(count, send),
                                 int(BlockSize(count, send)), MPI_FLOAT, next,
                                 0, ring_buffer_.data(), int(n), MPI_FLOAT,
                                 prev, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    const float* __restrict in = ring_buffer_.data();
    float* __restrict own = data + BlockBegin(count, receive);
    for (size_t i = 0; i < n; ++i) own[i] = in[i] + own[i];
  }
  // This rank holds the sum of block rank_ + 1; the allgather copies every
  // block from its owner.
  std::vector<int> counts(static_cast<size_t>(size_));
  std::vector<int> displs(static_cast<size_t>(size_));
  for (int r = 0; r < size_; ++r) {
    counts[size_t(r)] = int(BlockSize(count, r + 1));
    displs[size_t(r)] = int(BlockBegin(count, r + 1));
  }
  const float scale = 1.0f / float(size_);
  float* mine = data + displs[size_t(rank_)];
  for (int i = 0; i < counts[size_t(rank_)]; ++i) mine[i] *= scale;
  WEMBED_MPI_CALL(
      "averaging",
      MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data, counts.data(),
                     displs.data(), MPI_FLOAT, MPI_COMM_WORLD));
  return Status::Ok();
}

Status MpiRankGroup::SumU64(uint64_t* data, size_t count) {
  return AllreduceInPlace(data, count, MPI_UINT64_T, MPI_SUM, "summing counts");
}

Status MpiRankGroup::MaxInt(int32_t* data, size_t count) {
  return AllreduceInPlace(data, count, MPI_INT32_T, MPI_MAX, "agreeing");
}

// In rounds of at most INT_MAX / size bytes per rank, so that the counts
// and displacements of MPI_Gatherv fit an int.
Status MpiRankGroup::GatherBytes(const std::string& mine,
                                 std::vector<std::string>* all) {
  std::vector<uint64_t> sizes(size_t(size_), 0);
  const uint64_t my_size = mine.size();
  WEMBED_MPI_CALL("gathering sizes",
                  MPI_Allgather(&my_size, 1, MPI_UINT64_T, sizes.data(), 1,
                                MPI_UINT64_T, MPI_COMM_WORLD));
  all->clear();
  if (rank_ == 0) {
    all->resize(size_t(size_));
    for (int r = 0; r < size_; ++r) (*all)[r].resize(sizes[r]);
  }
  const uint64_t per_round = std::max<uint64_t>(
      1, std::min<uint64_t>(kMaxBytesPerCall, uint64_t(INT_MAX) / size_));
  const uint64_t largest = *std::max_element(sizes.begin(), sizes.end());
  std::vector<int> counts(static_cast<size_t>(size_));
  std::vector<int> displs(static_cast<size_t>(size_));
  std::string round;
  for (uint64_t off = 0; off < largest; off += per_round) {
    int total = 0;
    for (int r = 0; r < size_; ++r) {
      counts[r] = int(std::min(per_round, sizes[r] - std::min(sizes[r], off)));
      displs[r] = total;
      total += counts[r];
    }
    if (rank_ == 0) round.resize(size_t(total));
    WEMBED_MPI_CALL(
        "gathering bytes",
        MPI_Gatherv(mine.data() + std::min(my_size, off), counts[rank_],
                    MPI_BYTE, round.data(), counts.data(), displs.data(),
                    MPI_BYTE, 0, MPI_COMM_WORLD));
    if (rank_ != 0) continue;
    for (int r = 0; r < size_; ++r) {
      if (counts[r] == 0) continue;
      std::copy_n(round.data() + displs[r], counts[r], (*all)[r].data() + off);
    }
  }
  return Status::Ok();
}

Status MpiRankGroup::BroadcastBytes(std::string* data) {
  uint64_t size = data->size();
  WEMBED_MPI_CALL("broadcasting a size",
                  MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD));
  data->resize(size);
  for (uint64_t off = 0; off < size; off += kMaxBytesPerCall) {
    const int n = int(std::min<uint64_t>(kMaxBytesPerCall, size - off));
    WEMBED_MPI_CALL(
        "broadcasting bytes",
        MPI_Bcast(data->data() + off, n, MPI_BYTE, 0, MPI_COMM_WORLD));
  }
  return Status::Ok();
}

}  // namespace wembed
