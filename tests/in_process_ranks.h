// InProcessRanks: a RankGroup of N members that are threads of one process
// (tests of the distributed run without MPI). Each collective: every member
// leaves its bytes in its slot, all meet at a barrier, each computes the
// result from all slots in rank order (so every member gets identical
// results), and all meet again before the slots are reused.
#ifndef WEMBED_TESTS_IN_PROCESS_RANKS_H_
#define WEMBED_TESTS_IN_PROCESS_RANKS_H_

#include <barrier>
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wembed/train/rank_group.h"

namespace wembed::testing {

// Zeroed, 64-byte aligned blocks that live as long as this object: what a
// test group's SharedMemory hands out.
class SharedBlocks {
 public:
  void* Allocate(size_t bytes) {
    blocks_.emplace_back(new std::byte[bytes + 64]());
    void* p = blocks_.back().get();
    size_t space = bytes + 64;
    return std::align(64, bytes, p, space);
  }

 private:
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
};

class InProcessRanks {
 public:
  // share_memory: SharedMemory offers memory (the members run on one
  // machine), as MPI ranks on one machine do.
  explicit InProcessRanks(int n, bool share_memory = false)
      : slots_(size_t(n)), barrier_(n), share_memory_(share_memory) {
    for (int r = 0; r < n; ++r) {
      members_.push_back(std::make_unique<Member>(this, r));
    }
  }
  int size() const { return int(members_.size()); }
  RankGroup& member(int r) { return *members_[size_t(r)]; }

 private:
  class Member : public RankGroup {
   public:
    Member(InProcessRanks* all, int rank) : all_(all), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return all_->size(); }
    Status AverageFloats(float* data, size_t count) override {
      Reduce(data, count, [&](const std::vector<const float*>& in) {
        for (size_t i = 0; i < count; ++i) {
          float sum = 0;
          for (const float* p : in) sum += p[i];
          data[i] = sum / float(in.size());
        }
      });
      return Status::Ok();
    }
    Status SumU64(uint64_t* data, size_t count) override {
      Reduce(data, count, [&](const std::vector<const uint64_t*>& in) {
        for (size_t i = 0; i < count; ++i) {
          data[i] = 0;
          for (const uint64_t* p : in) data[i] += p[i];
        }
      });
      return Status::Ok();
    }
    Status MaxInt(int32_t* data, size_t count) override {
      Reduce(data, count, [&](const std::vector<const int32_t*>& in) {
        for (size_t i = 0; i < count; ++i) {
          for (const int32_t* p : in) data[i] = std::max(data[i], p[i]);
        }
      });
      return Status::Ok();
    }
    Status GatherBytes(const std::string& mine,
                       std::vector<std::string>* all) override {
      all_->Exchange(rank_, mine, [&](const std::vector<std::string>& s) {
        *all = rank_ == 0 ? s : std::vector<std::string>();
      });
      return Status::Ok();
    }
    // One zeroed block, allocated by rank 0, when the group was built with
    // shared memory; nullptr otherwise (members on several machines).
    StatusOr<void*> SharedMemory(size_t bytes) override {
      if (!all_->share_memory_) return static_cast<void*>(nullptr);
      std::string address;
      if (rank_ == 0) {
        void* p = all_->blocks_.Allocate(bytes);
        address.assign(reinterpret_cast<const char*>(&p), sizeof(p));
      }
      std::string received = address;
      BroadcastBytes(&received);
      void* p = nullptr;
      std::memcpy(&p, received.data(), sizeof(p));
      return p;
    }
    Status BroadcastBytes(std::string* data) override {
      all_->Exchange(rank_, *data,
                     [&](const std::vector<std::string>& s) { *data = s[0]; });
      return Status::Ok();
    }

   private:
    template <class T, class F>
    void Reduce(T* data, size_t count, F combine) {
      const std::string mine(reinterpret_cast<const char*>(data),
                             count * sizeof(T));
      all_->Exchange(rank_, mine, [&](const std::vector<std::string>& s) {
        std::vector<const T*> in;
        for (const std::string& b : s) {
          in.push_back(reinterpret_cast<const T*>(b.data()));
        }
        combine(in);
      });
    }

    InProcessRanks* all_;
    int rank_;
  };

  void Exchange(
      int rank, const std::string& mine,
      const std::function<void(const std::vector<std::string>&)>& read) {
    slots_[size_t(rank)] = mine;
    barrier_.arrive_and_wait();
    read(slots_);
    barrier_.arrive_and_wait();
  }

  std::vector<std::string> slots_;
  std::barrier<> barrier_;
  const bool share_memory_;
  SharedBlocks blocks_;  // SharedMemory's
  std::vector<std::unique_ptr<Member>> members_;
};

}  // namespace wembed::testing

#endif  // WEMBED_TESTS_IN_PROCESS_RANKS_H_
