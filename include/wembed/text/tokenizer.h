// Tokenizer: splits UTF-8 text into tokens and sentences, incrementally.
//
// Contract:
//  - Separators: ASCII whitespace (' ', \t, \n, \r, \v, \f) and NUL; with
//    strip_punct, also every Unicode punctuation code point (categories P*).
//  - Each '\n' ends a sentence (word2vec's </s>); "\r\n" is one line end (the
//    '\r' is just whitespace). A sentence longer than max_sentence_tokens is
//    cut into pieces of that many tokens. OnSentenceEnd is only called for a
//    sentence holding at least one token (empty lines produce nothing).
//  - A token longer than max_token_bytes is cut to at most that many bytes,
//    at a UTF-8 character boundary; the rest of it is dropped. (The limit
//    applies after lowercasing.)
//  - Invalid UTF-8 bytes are kept verbatim inside tokens (never a crash);
//    lowercasing leaves them unchanged and they are never punctuation.
//  - lowercase: Unicode-aware lowercasing (utf8proc_tolower, per code point).
//  - Memory is bounded by max_token_bytes, whatever the line lengths.
// Not thread-safe; use one Tokenizer per thread.
#ifndef WEMBED_TEXT_TOKENIZER_H_
#define WEMBED_TEXT_TOKENIZER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wembed {

// Bounds of TokenizerOptions::max_token_bytes.
inline constexpr size_t kMinTokenBytes = 4;
inline constexpr size_t kMaxTokenBytes = size_t{1} << 20;

struct TokenizerOptions {
  bool lowercase = false;
  bool strip_punct = false;
  size_t max_token_bytes = 100;
  size_t max_sentence_tokens = 10000;
};

// Receives the tokenizer's output. Implementations are called inline from
// Feed/Finish; the string_view is valid only during the call and never empty.
class TokenSink {
 public:
  virtual ~TokenSink() = default;
  virtual void OnToken(std::string_view token) = 0;
  virtual void OnSentenceEnd() = 0;
};

class Tokenizer {
 public:
  explicit Tokenizer(const TokenizerOptions& options);

  // Consumes `text` (any split of the input into chunks gives the same
  // output, even inside a UTF-8 character or a CRLF pair).
  void Feed(std::string_view text, TokenSink& sink);
  // Flushes the pending token and ends the pending sentence, if any. The
  // tokenizer is then ready for a new, independent stream.
  void Finish(TokenSink& sink);

  const TokenizerOptions& options() const { return options_; }

 private:
  // Byte classes for bytes < 0x80 (bytes >= 0x80 are always kToken).
  enum ByteClass : uint8_t { kToken = 0, kSpace = 1, kNewline = 2 };

  void FeedFast(std::string_view text, TokenSink& sink);
  const char* FeedWindows(const char* p, const char* end, TokenSink& sink);
  const char* FeedLongToken(const char* p, const char* end, TokenSink& sink);
  void FeedBytes(const char* p, const char* end, TokenSink& sink);
  void FeedUnicode(std::string_view text, TokenSink& sink);
  // Handles one decoded character (cp = utf8::kInvalid for an invalid byte)
  // whose source bytes are `bytes`.
  void OnChar(int32_t cp, std::string_view bytes, TokenSink& sink);
  void EmitToken(std::string_view token, TokenSink& sink);
  void EndSentence(TokenSink& sink);
  void AppendPending(const char* p, size_t n);

  TokenizerOptions options_;
  // Bytes kept for a token: enough past max_token_bytes for CutLength to see
  // the whole character that straddles the limit.
  size_t keep_bytes_;
  std::array<uint8_t, 128> ascii_class_;
  // Bytes of the token in progress (capped at keep_bytes_). A token is in
  // progress iff pending_ is non-empty.
  std::string pending_;
  // Unicode path only: a UTF-8 sequence cut by the end of the last chunk.
  std::string carry_;
  // Tokens emitted in the current sentence.
  size_t sentence_tokens_ = 0;
};

}  // namespace wembed

#endif  // WEMBED_TEXT_TOKENIZER_H_
