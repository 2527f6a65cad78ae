// AllocateLarge: small requests are plain malloc; from 2 MiB on, blocks
// are 2 MiB-aligned whole huge pages, writable to the last byte, and the
// LargeAllocator works in a std::vector that grows past the threshold.
#include "base/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

namespace wembed {
namespace {

TEST(HugePagesTest, LargeBlocksAreAlignedAndWritableToTheEnd) {
  for (const size_t n :
       {size_t{1}, size_t{4096}, kHugePageBytes - 1, kHugePageBytes,
        kHugePageBytes + 1, 3 * kHugePageBytes + 17}) {
    SCOPED_TRACE(n);
    std::unique_ptr<uint8_t, LargeDeleter> p(
        static_cast<uint8_t*>(AllocateLarge(n)), LargeDeleter{n});
    ASSERT_NE(p, nullptr);
    if (n >= kHugePageBytes) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p.get()) % kHugePageBytes, 0u);
    }
    std::memset(p.get(), 0xab, n);
    EXPECT_EQ(p.get()[n - 1], 0xab);
  }
}

TEST(HugePagesTest, VectorsGrowPastTheThresholdKeepingTheirElements) {
  std::vector<uint64_t, LargeAllocator<uint64_t>> v;
  const size_t n = 3 * kHugePageBytes / sizeof(uint64_t);
  for (size_t i = 0; i < n; ++i) v.push_back(i * 7);
  for (size_t i = 0; i < n; i += 4099) ASSERT_EQ(v[i], i * 7);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % kHugePageBytes, 0u);
  // Sizes no machine has fail cleanly, even where rounding up would wrap.
  EXPECT_THROW((void)AllocateLarge(SIZE_MAX), std::bad_alloc);
  EXPECT_THROW((void)AllocateLarge(SIZE_MAX - kHugePageBytes), std::bad_alloc);
}

}  // namespace
}  // namespace wembed
