#include "wembed/text/ascii_text.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace wembed {
namespace {

using Words = std::vector<std::string_view>;

TEST(AsciiTextTest, IsAsciiSpaceIsTheCLocaleSet) {
  for (int c = 0; c < 256; ++c) {
    const bool expected = c == ' ' || (c >= '\t' && c <= '\r');
    EXPECT_EQ(IsAsciiSpace(static_cast<char>(c)), expected) << c;
  }
}

TEST(AsciiTextTest, SplitsOnRunsOfAnyAsciiSpace) {
  EXPECT_EQ(SplitOnAsciiSpace("a b\tc"), (Words{"a", "b", "c"}));
  EXPECT_EQ(SplitOnAsciiSpace(" \t a \f\v b\r\n"), (Words{"a", "b"}));
  EXPECT_EQ(SplitOnAsciiSpace(""), Words{});
  EXPECT_EQ(SplitOnAsciiSpace(" \t\r\n"), Words{});
}

TEST(AsciiTextTest, NonAsciiBytesAndNulAreWordBytes) {
  // U+00A0 (no-break space) and U+3000 (ideographic space) are not ASCII
  // whitespace; neither is NUL.
  const std::string line = std::string("x\u00a0y z\u3000w a") + '\0' + "b";
  EXPECT_EQ(SplitOnAsciiSpace(line),
            (Words{"x\u00a0y", "z\u3000w", std::string_view("a\0b", 3)}));
}

TEST(AsciiTextTest, ViewsPointIntoTheLine) {
  const std::string line = "  ab cd";
  const Words w = SplitOnAsciiSpace(line);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].data(), line.data() + 2);
  EXPECT_EQ(w[1].data(), line.data() + 5);
}

}  // namespace
}  // namespace wembed
