#include "wembed/text/tokenizer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "text/byte_masks.h"
#include "text/utf8.h"

namespace wembed {
namespace {

// The tokenizer's output: sentences of tokens, in order.
using Output = std::vector<std::vector<std::string>>;

class RecordingSink : public TokenSink {
 public:
  void OnToken(std::string_view token) override {
    EXPECT_FALSE(token.empty());
    current_.emplace_back(token);
  }
  void OnSentenceEnd() override {
    EXPECT_FALSE(current_.empty()) << "sentence end for an empty sentence";
    out_.push_back(std::move(current_));
    current_.clear();
  }
  // Output, with tokens not yet ended by a sentence end as a last sentence
  // marked by a trailing "<open>" token.
  Output Take() {
    Output out = out_;
    if (!current_.empty()) {
      out.push_back(current_);
      out.back().push_back("<open>");
    }
    return out;
  }

 private:
  Output out_;
  std::vector<std::string> current_;
};

TokenizerOptions Opts(bool lowercase = false, bool strip_punct = false,
                      size_t max_token_bytes = 100) {
  TokenizerOptions o;
  o.lowercase = lowercase;
  o.strip_punct = strip_punct;
  o.max_token_bytes = max_token_bytes;
  return o;
}

// Feeds `text` in pieces cut at `cuts` (ascending offsets), then Finish.
Output TokenizeChunks(std::string_view text, const TokenizerOptions& opts,
                      const std::vector<size_t>& cuts) {
  Tokenizer t(opts);
  RecordingSink sink;
  size_t prev = 0;
  for (size_t c : cuts) {
    t.Feed(text.substr(prev, c - prev), sink);
    prev = c;
  }
  t.Feed(text.substr(prev), sink);
  t.Finish(sink);
  return sink.Take();
}

Output Tokenize(std::string_view text, const TokenizerOptions& opts = Opts()) {
  return TokenizeChunks(text, opts, {});
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    int32_t cp;
    const int n = utf8::Decode(p + i, s.size() - i, /*final=*/true, &cp);
    if (cp == utf8::kInvalid) return false;
    i += n;
  }
  return true;
}

TEST(TokenizerTest, SplitsOnAsciiWhitespaceAndNul) {
  const std::string text("a\tb\vc\fd\re  f", 13);
  EXPECT_EQ(Tokenize(text), (Output{{"a", "b", "c", "d", "e", "f"}}));
  const std::string with_nul("x\0y\0\0z", 6);
  EXPECT_EQ(Tokenize(with_nul), (Output{{"x", "y", "z"}}));
}

TEST(TokenizerTest, NonAsciiSpacesAreNotSeparators) {
  // U+00A0 NO-BREAK SPACE and U+2003 EM SPACE stay inside tokens.
  EXPECT_EQ(Tokenize("a\u00a0b c\u2003d"), (Output{{"a\u00a0b", "c\u2003d"}}));
}

TEST(TokenizerTest, NewlinesEndSentencesAndEmptyLinesProduceNothing) {
  EXPECT_EQ(Tokenize("a b\n\n\n  \nc\n"), (Output{{"a", "b"}, {"c"}}));
  EXPECT_EQ(Tokenize("\n\n \t\n"), Output{});
  EXPECT_EQ(Tokenize(""), Output{});
}

TEST(TokenizerTest, CrLfIsOneLineEndAndLoneCrIsWhitespace) {
  EXPECT_EQ(Tokenize("a b\r\nc\r\n\r\nd"), (Output{{"a", "b"}, {"c"}, {"d"}}));
  EXPECT_EQ(Tokenize("a\rb\r"), (Output{{"a", "b"}}));
}

TEST(TokenizerTest, FinishEndsTheLastSentenceAndResets) {
  Tokenizer t(Opts());
  RecordingSink sink;
  t.Feed("a b", sink);
  // "b" may go on in the next chunk: it is not emitted yet.
  EXPECT_EQ(sink.Take(), (Output{{"a", "<open>"}}));
  t.Finish(sink);
  t.Feed("c", sink);
  t.Finish(sink);
  // The token cut by the end of the first stream does not join the next.
  EXPECT_EQ(sink.Take(), (Output{{"a", "b"}, {"c"}}));
}

TEST(TokenizerTest, LongTokensAreCutAtCharacterBoundaries) {
  // 1-, 2-, 3- and 4-byte characters.
  const std::string word = "a\u00e9\u20ac\U0001F600b\u00e9\u20ac\U0001F600cd";
  ASSERT_TRUE(IsValidUtf8(word));
  for (size_t max = 4; max <= word.size() + 1; ++max) {
    SCOPED_TRACE("max_token_bytes=" + std::to_string(max));
    const Output out = Tokenize("x " + word + " y", Opts(false, false, max));
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].size(), 3u);
    const std::string& cut = out[0][1];
    EXPECT_LE(cut.size(), max);
    EXPECT_TRUE(IsValidUtf8(cut));
    EXPECT_EQ(word.compare(0, cut.size(), cut), 0) << "not a prefix";
    if (cut.size() < word.size()) {
      // Maximal: the next character would not have fit.
      const int next = utf8::SequenceLength(uint8_t(word[cut.size()]));
      EXPECT_GT(cut.size() + next, max);
    }
  }
}

TEST(TokenizerTest, CutExamples) {
  // "é" is 2 bytes: "aaé" is 4 bytes, cut at 3 would split the é.
  EXPECT_EQ(Tokenize("aa\u00e9aa", Opts(false, false, 4)),
            (Output{{"aa\u00e9"}}));
  EXPECT_EQ(Tokenize("aaa\u00e9", Opts(false, false, 4)), (Output{{"aaa"}}));
  EXPECT_EQ(Tokenize("\U0001F600\U0001F600", Opts(false, false, 7)),
            (Output{{"\U0001F600"}}));
  EXPECT_EQ(Tokenize(std::string(250, 'z')), (Output{{std::string(100, 'z')}}));
}

TEST(TokenizerTest, InvalidUtf8IsKeptVerbatim) {
  const std::string text = "\xff\xfe ab\xc3 \xe2\x82 \xed\xa0\x80 \xc0\xaf\n";
  const Output expected = {
      {"\xff\xfe", "ab\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf"}};
  EXPECT_EQ(Tokenize(text), expected);
  EXPECT_EQ(Tokenize(text, Opts(true, true)), expected);
  // Lowercasing changes the valid characters around invalid bytes only.
  EXPECT_EQ(Tokenize("\xff\u00c9\xfe", Opts(true)),
            (Output{{"\xff\u00e9\xfe"}}));
}

TEST(TokenizerTest, CuttingInvalidUtf8NeverExceedsTheLimit) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 300; ++iter) {
    std::string token;
    const int len = 5 + rng() % 20;
    for (int i = 0; i < len; ++i) token += char(0x80 + rng() % 0x80);
    for (size_t max = 4; max < 12; ++max) {
      const Output out = Tokenize(token, Opts(false, false, max));
      ASSERT_EQ(out.size(), 1u);
      ASSERT_EQ(out[0].size(), 1u);
      EXPECT_LE(out[0][0].size(), max);
      EXPECT_EQ(token.compare(0, out[0][0].size(), out[0][0]), 0);
    }
  }
}

TEST(TokenizerTest, LowercaseIsUnicodeAware) {
  EXPECT_EQ(Tokenize("\u00c9COLE Stra\u00dfe \u0391\u0398\u0397\u039d\u0391",
                     Opts(true)),
            (Output{{"\u00e9cole", "stra\u00dfe",
                     "\u03b1\u03b8\u03b7\u03bd\u03b1"}}));
  // Off by default: the corpus is read as is.
  EXPECT_EQ(Tokenize("\u00c9COLE"), (Output{{"\u00c9COLE"}}));
}

TEST(TokenizerTest, StripPunctTreatsUnicodePunctuationAsSeparator) {
  const TokenizerOptions strip = Opts(false, true);
  EXPECT_EQ(Tokenize("\u00abword\u00bb", strip), (Output{{"word"}}));
  EXPECT_EQ(Tokenize("a\u2014b \u2014 c", strip), (Output{{"a", "b", "c"}}));
  EXPECT_EQ(Tokenize("Hello, world! (yes) don't", strip),
            (Output{{"Hello", "world", "yes", "don", "t"}}));
  EXPECT_EQ(Tokenize("\u00bf\u00a1Qu\u00e9?! \u3001\u3002", strip),
            (Output{{"Qu\u00e9"}}));
  // Symbols (S*) are not punctuation.
  EXPECT_EQ(Tokenize("$5 1+1 \u20ac", strip),
            (Output{{"$5", "1+1", "\u20ac"}}));
  // Off by default.
  EXPECT_EQ(Tokenize("\u00abword\u00bb,"), (Output{{"\u00abword\u00bb,"}}));
  EXPECT_EQ(Tokenize("\u00abMOT\u00bb", Opts(true, true)), (Output{{"mot"}}));
}

TEST(TokenizerTest, GiantLineIsCutIntoSentencesOfAtMostTheLimit) {
  std::string line;
  for (int i = 0; i < 25001; ++i) line += "w" + std::to_string(i % 7) + " ";
  const Output out = Tokenize(line + "\nlast\n");
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].size(), 10000u);
  EXPECT_EQ(out[1].size(), 10000u);
  EXPECT_EQ(out[2].size(), 5001u);
  EXPECT_EQ(out[3], (std::vector<std::string>{"last"}));
  EXPECT_EQ(out[1][0], "w" + std::to_string(10000 % 7));
  // Exactly the limit: one sentence, the newline adds no empty one.
  std::string exact;
  for (int i = 0; i < 10000; ++i) exact += "x ";
  EXPECT_EQ(Tokenize(exact + "\n").size(), 1u);
}

TEST(TokenizerTest, SmallSentenceLimit) {
  TokenizerOptions o = Opts();
  o.max_sentence_tokens = 2;
  EXPECT_EQ(Tokenize("a b c d e\nf", o),
            (Output{{"a", "b"}, {"c", "d"}, {"e"}, {"f"}}));
}

// Inputs exercising every state: multi-byte characters, CRLF, NUL, invalid
// bytes, punctuation, long tokens, empty lines.
const std::vector<std::string>& SplitInputs() {
  // NUL, invalid and truncated UTF-8: every byte but the terminator.
  static constexpr char kBytes[] =
      "a\0b\r\n\xe2\x82\xac\xff\xc3 ZZ\xe2\x82 \xf0\x9f\x98";
  static const auto* inputs = new std::vector<std::string>{
      "\u00c9COLE \u00abmot\u00bb\r\n\r\n\U0001F600x\u2014y\n",
      std::string(kBytes, sizeof(kBytes) - 1),
      "Stra\u00dfe, \u0391\u0398\u0397\u039d\u0391! "
      "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9 abcdefghijk\n\n",
      "\r\r\n\n  tail\u00e9",
  };
  return *inputs;
}

std::vector<TokenizerOptions> AllOptionSets() {
  std::vector<TokenizerOptions> sets;
  for (bool lower : {false, true}) {
    for (bool strip : {false, true}) {
      sets.push_back(Opts(lower, strip, 100));
      sets.push_back(Opts(lower, strip, 5));  // long-token cuts
    }
  }
  return sets;
}

TEST(TokenizerTest, EverySplitPointGivesTheSameOutput) {
  for (const std::string& text : SplitInputs()) {
    for (const TokenizerOptions& o : AllOptionSets()) {
      const Output whole = Tokenize(text, o);
      for (size_t i = 0; i <= text.size(); ++i) {
        ASSERT_EQ(TokenizeChunks(text, o, {i}), whole)
            << "split at " << i << " lower=" << o.lowercase
            << " strip=" << o.strip_punct << " max=" << o.max_token_bytes;
      }
      // Every pair of split points (chunks of 0..n bytes, including empty).
      for (size_t i = 0; i <= text.size(); ++i) {
        for (size_t j = i; j <= text.size(); ++j) {
          ASSERT_EQ(TokenizeChunks(text, o, {i, j}), whole)
              << "splits at " << i << "," << j;
        }
      }
      // One byte at a time.
      std::vector<size_t> all;
      for (size_t i = 1; i < text.size(); ++i) all.push_back(i);
      ASSERT_EQ(TokenizeChunks(text, o, all), whole);
    }
  }
}

TEST(TokenizerTest, RandomBytesAndRandomSplitsAreConsistent) {
  std::mt19937 rng(12345);
  const std::string alphabet[] = {
      "a",    "B",    " ",      "\n",    "\r",   std::string(1, '\0'),
      "\xc3", "\xa9", "\xe2",   "\x80",  "\x94", "\xf0",
      "\xff", ",",    "\u00ab", "\u00c9"};
  for (int iter = 0; iter < 200; ++iter) {
    std::string text;
    const int len = rng() % 60;
    for (int i = 0; i < len; ++i) text += alphabet[rng() % std::size(alphabet)];
    for (const TokenizerOptions& o : AllOptionSets()) {
      const Output whole = Tokenize(text, o);
      std::vector<size_t> cuts;
      for (size_t i = 1; i < text.size(); ++i) {
        if (rng() % 3 == 0) cuts.push_back(i);
      }
      ASSERT_EQ(TokenizeChunks(text, o, cuts), whole);
      for (const auto& sentence : whole) {
        for (const std::string& tok : sentence) {
          if (tok == "<open>") continue;
          EXPECT_LE(tok.size(), o.max_token_bytes);
        }
      }
    }
  }
}

TEST(TokenizerTest, Classify64MatchesTheScalarReference) {
  std::mt19937 rng(7);
  std::string bytes(64 + 256, '\0');
  for (int i = 0; i < 256; ++i) bytes[64 + i] = static_cast<char>(i);
  for (int iter = 0; iter < 2000; ++iter) {
    // Windows of every byte value and of random mixes of separators.
    const char* p = bytes.data() + 64 + (iter % 193);
    std::string mix(64, 'x');
    if (iter >= 193) {
      const char pool[] = {' ',    '\t',   '\n',   '\v', '\f',   '\r',   '\0',
                           '\x08', '\x0e', '\x1f', '!',  '\x80', '\xff', 'a'};
      for (char& c : mix) c = pool[rng() % std::size(pool)];
      p = mix.data();
    }
    const ByteMasks fast = Classify64(p);
    const ByteMasks ref = Classify64Scalar(p);
    ASSERT_EQ(fast.separators, ref.separators) << iter;
    ASSERT_EQ(fast.newlines, ref.newlines) << iter;
  }
  EXPECT_EQ(Classify64Scalar(std::string(64, ' ').data()).separators,
            ~uint64_t{0});
  EXPECT_EQ(Classify64Scalar(std::string(64, '\n').data()).newlines,
            ~uint64_t{0});
  EXPECT_EQ(Classify64Scalar(std::string(64, 'a').data()).separators, 0u);
}

// Long texts take the 64-byte window path when fed whole and the byte path
// when fed a byte at a time; both must give the same tokens and sentences.
TEST(TokenizerTest, WindowPathMatchesTheBytePath) {
  std::mt19937 rng(99);
  const std::string seps[] = {" ",
                              "  ",
                              "\n",
                              "\n\n",
                              "\r\n",
                              "\t",
                              " \n ",
                              std::string(1, '\0'),
                              std::string(70, ' ')};
  for (int iter = 0; iter < 300; ++iter) {
    std::string text;
    const int words = 1 + rng() % 120;
    for (int w = 0; w < words; ++w) {
      // Mostly short words; some of 60-200 bytes (across windows, cut at
      // the limit), some with UTF-8.
      const int len = rng() % 10 == 0 ? 60 + rng() % 140 : 1 + rng() % 12;
      for (int i = 0; i < len; ++i) {
        text += rng() % 17 == 0 ? "\xc3\xa9" : std::string(1, 'a' + rng() % 26);
      }
      text += seps[rng() % std::size(seps)];
    }
    if (rng() % 2) text.pop_back();  // sometimes ends inside a token
    for (size_t max_bytes : {size_t{100}, size_t{5}}) {
      TokenizerOptions o = Opts(false, false, max_bytes);
      o.max_sentence_tokens = 1 + rng() % 20;
      std::vector<size_t> every_byte;
      for (size_t i = 1; i < text.size(); ++i) every_byte.push_back(i);
      const Output bytewise = TokenizeChunks(text, o, every_byte);
      ASSERT_EQ(Tokenize(text, o), bytewise) << iter;
      std::vector<size_t> cuts;
      for (size_t i = 1; i < text.size(); ++i) {
        if (rng() % 97 == 0) cuts.push_back(i);
      }
      ASSERT_EQ(TokenizeChunks(text, o, cuts), bytewise) << iter;
    }
  }
}

}  // namespace
}  // namespace wembed
