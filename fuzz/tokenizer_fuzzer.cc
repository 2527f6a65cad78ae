// The tokenizer (every text input: corpora, phrases). The first byte picks
// the options; the rest is the text, fed once whole and once in chunks cut
// where the second byte says, then again after Finish: the contract is the same
// output for any split (even inside a UTF-8 character or a CRLF pair), tokens
// never empty and at most max_token_bytes, sentences never empty nor over
// max_sentence_tokens.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "wembed/text/tokenizer.h"

using wembed_fuzz::Check;

namespace {

class RecordingSink : public wembed::TokenSink {
 public:
  explicit RecordingSink(const wembed::TokenizerOptions& o) : options_(o) {}
  void OnToken(std::string_view token) override {
    Check(!token.empty(), "empty token");
    Check(token.size() <= options_.max_token_bytes, "token over the limit");
    Check(++in_sentence_ <= options_.max_sentence_tokens,
          "sentence over the limit");
    out_.append(token);
    out_.push_back('\x01');
  }
  void OnSentenceEnd() override {
    Check(in_sentence_ > 0, "empty sentence");
    in_sentence_ = 0;
    out_.push_back('\x02');
  }
  const std::string& out() const { return out_; }

 private:
  wembed::TokenizerOptions options_;
  size_t in_sentence_ = 0;
  std::string out_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  wembed::TokenizerOptions options;
  options.lowercase = (data[0] & 1) != 0;
  options.strip_punct = (data[0] & 2) != 0;
  options.max_token_bytes = wembed::kMinTokenBytes + ((data[0] >> 2) & 7) * 3;
  options.max_sentence_tokens = 1 + (data[0] >> 5) * 2;
  const size_t chunk = 1 + data[1] % 7;
  std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);

  wembed::Tokenizer whole_tokenizer(options);
  RecordingSink whole(options);
  whole_tokenizer.Feed(text, whole);
  whole_tokenizer.Finish(whole);

  wembed::Tokenizer pieces_tokenizer(options);
  RecordingSink pieces(options);
  for (size_t i = 0; i < text.size(); i += chunk) {
    pieces_tokenizer.Feed(text.substr(i, chunk), pieces);
  }
  pieces_tokenizer.Finish(pieces);
  Check(whole.out() == pieces.out(), "output depends on how input is split");
  // After Finish the tokenizer starts an independent stream.
  RecordingSink again(options);
  whole_tokenizer.Feed(text, again);
  whole_tokenizer.Finish(again);
  Check(again.out() == whole.out(), "a second stream differs after Finish");
  return 0;
}
