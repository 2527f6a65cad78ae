#include "base/huge_pages.h"

#include <sys/mman.h>

#include <algorithm>
#include <new>

namespace wembed {
namespace {

constexpr size_t kMaxLargeBytes = size_t{1} << 48;

}  // namespace

void* AllocateLarge(size_t n) {
  // No machine has it; the rounding below would wrap (and a sanitizer's
  // allocator aborts on such sizes instead of failing).
  if (n > kMaxLargeBytes) throw std::bad_alloc();
  if (n < kHugePageBytes) {
    void* p = std::malloc(std::max<size_t>(n, 1));
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  const size_t rounded = (n + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  void* p = std::aligned_alloc(kHugePageBytes, rounded);
  if (p == nullptr) throw std::bad_alloc();
  (void)::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: errors are ignored
  return p;
}

}  // namespace wembed
