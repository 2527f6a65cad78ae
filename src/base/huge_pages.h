// Large buffers backed by transparent huge pages where the kernel allows
// it (Linux THP in "madvise" mode, Debian's default): fewer TLB misses on
// random access (the scan's count tables) and fewer page faults on buffers
// written once (its streams). On en-mix, glibc's own huge pages
// (GLIBC_TUNABLES=glibc.malloc.hugetlb=1) took `wembed encode` from 1.40 s
// to 1.22 s (docs/vocabulary.md). Only a hint: without THP the memory is
// plain. Thread-safe.
#ifndef WEMBED_SRC_BASE_HUGE_PAGES_H_
#define WEMBED_SRC_BASE_HUGE_PAGES_H_

#include <cstddef>

namespace wembed {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// At least `n` bytes, uninitialised. Below kHugePageBytes plain malloc;
// from it on, a mapping of its own, 2 MiB-aligned, rounded up to whole
// huge pages and advised MADV_HUGEPAGE (pages then become resident 2 MiB at
// a time). Throws std::bad_alloc when out of memory. Free with FreeLarge
// and the same `n`.
void* AllocateLarge(size_t n);
void FreeLarge(void* p, size_t n);

// For std::unique_ptr: frees `bytes` bytes from AllocateLarge.
struct LargeDeleter {
  size_t bytes = 0;
  void operator()(void* p) const { FreeLarge(p, bytes); }
};

// A std::allocator for containers that can grow large (std::vector<T,
// LargeAllocator<T>>).
template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <typename U>
  LargeAllocator(const LargeAllocator<U>&) {}  // NOLINT: converting
  T* allocate(size_t n) {
    return static_cast<T*>(AllocateLarge(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) { FreeLarge(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const LargeAllocator<U>&) const {
    return true;
  }
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_HUGE_PAGES_H_
