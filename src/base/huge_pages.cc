#include "base/huge_pages.h"

#include <sys/mman.h>

#include <algorithm>
#include <new>

namespace wembed {

void* AllocateLarge(size_t n) {
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
