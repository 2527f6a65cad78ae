// Tokenizer: splits UTF-8 text into tokens and sentences, incrementally.
//
// Contract:
//  - Separators: ASCII whitespace (' ', \t, \n, \r, \v, \f) and NUL; with
//    strip_punct, also every Unicode punctuation code point (categories P*).
//  - Each '\n' ends a sentence (word2vec's </s>). A sentence longer than
//    max_sentence_tokens is cut into pieces of that many tokens.
//  - A token longer than max_token_bytes is cut to at most that many bytes,
//    at a UTF-8 character boundary; the rest of it is dropped.
//  - Invalid UTF-8 bytes are kept verbatim inside tokens (never a crash);
//    lowercasing leaves them unchanged.
//  - lowercase: Unicode-aware lowercasing (utf8proc).
// Not thread-safe; use one Tokenizer per thread.
#ifndef WEMBED_TOKENIZER_H_
#define WEMBED_TOKENIZER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace wembed {

struct TokenizerOptions {
  bool lowercase = false;
  bool strip_punct = false;
  size_t max_token_bytes = 100;
  size_t max_sentence_tokens = 10000;
};

// Receives the tokenizer's output. Implementations are called inline from
// Feed/Finish; the string_view is valid only during the call.
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
  // Flushes the pending token and ends the pending sentence, if any.
  void Finish(TokenSink& sink);

  const TokenizerOptions& options() const { return options_; }

 private:
  TokenizerOptions options_;
  // Implementation state (pending token bytes, tokens in current sentence,
  // partial UTF-8 sequence...) is defined in tokenizer.cc's needs.
  std::string pending_;
  size_t sentence_tokens_ = 0;
  bool token_overflow_ = false;
};

}  // namespace wembed

#endif  // WEMBED_TOKENIZER_H_
