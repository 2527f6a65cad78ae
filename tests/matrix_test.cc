#include "wembed/base/matrix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace wembed {
namespace {

TEST(MatrixTest, RowsAreAlignedAndPaddedWithZeros) {
  Matrix m(3, 100);
  EXPECT_EQ(m.stride(), 112u);
  for (size_t r = 0; r < m.rows(); ++r) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(m.row(r)) % 64, 0u);
    for (size_t c = 0; c < m.stride(); ++c) EXPECT_EQ(m.row(r)[c], 0.0f);
  }
}

TEST(MatrixTest, CopyIsDeep) {
  Matrix a(2, 5);
  a.row(1)[3] = 7.0f;
  Matrix b = a;
  a.row(1)[3] = 1.0f;
  EXPECT_EQ(b.row(1)[3], 7.0f);
  EXPECT_EQ(b.cols(), 5u);
}

TEST(MatrixTest, NormalizeRowsGivesUnitNormAndKeepsZeroRows) {
  Matrix m(2, 3);
  m.row(0)[0] = 3;
  m.row(0)[1] = 4;
  m.NormalizeRows();
  EXPECT_FLOAT_EQ(m.row(0)[0], 0.6f);
  EXPECT_FLOAT_EQ(m.row(0)[1], 0.8f);
  EXPECT_EQ(m.row(1)[0], 0.0f);
}

}  // namespace
}  // namespace wembed
