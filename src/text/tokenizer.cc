#include "wembed/text/tokenizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <bit>

#include "text/byte_masks.h"
#include "text/utf8.h"

namespace wembed {

namespace {

bool IsPunctuation(int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

}  // namespace

Tokenizer::Tokenizer(const TokenizerOptions& options)
    : options_(options), keep_bytes_(options.max_token_bytes + 4) {
  for (int b = 0; b < 128; ++b) {
    uint8_t c = kToken;
    if (b == ' ' || b == '\t' || b == '\r' || b == '\v' || b == '\f' ||
        b == 0) {
      c = kSpace;
    } else if (b == '\n') {
      c = kNewline;
    } else if (options_.strip_punct && IsPunctuation(b)) {
      c = kSpace;
    }
    ascii_class_[b] = c;
  }
  pending_.reserve(keep_bytes_ + 4);
}

void Tokenizer::Feed(std::string_view text, TokenSink& sink) {
  if (options_.lowercase || options_.strip_punct) {
    FeedUnicode(text, sink);
  } else {
    FeedFast(text, sink);
  }
}

void Tokenizer::Finish(TokenSink& sink) {
  // Bytes of an incomplete UTF-8 sequence at the end of the stream are
  // invalid: each is kept verbatim.
  while (!carry_.empty()) {
    int32_t cp;
    const int n = utf8::Decode(reinterpret_cast<const uint8_t*>(carry_.data()),
                               carry_.size(), /*final=*/true, &cp);
    OnChar(cp, std::string_view(carry_.data(), n), sink);
    carry_.erase(0, n);
  }
  if (!pending_.empty()) {
    EmitToken(pending_, sink);
    pending_.clear();
  }
  EndSentence(sink);
}

void Tokenizer::AppendPending(const char* p, size_t n) {
  if (pending_.size() >= keep_bytes_) return;
  pending_.append(p, std::min(n, keep_bytes_ - pending_.size()));
}

void Tokenizer::EmitToken(std::string_view token, TokenSink& sink) {
  const size_t n = utf8::CutLength(token, options_.max_token_bytes);
  if (n == 0) return;
  sink.OnToken(token.substr(0, n));
  if (++sentence_tokens_ >= options_.max_sentence_tokens) EndSentence(sink);
}

void Tokenizer::EndSentence(TokenSink& sink) {
  if (sentence_tokens_ == 0) return;
  sentence_tokens_ = 0;
  sink.OnSentenceEnd();
}

// The default path: separators are single ASCII bytes, so bytes are never
// decoded; tokens that lie inside one chunk are passed without copying.
void Tokenizer::FeedFast(std::string_view text, TokenSink& sink) {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (!pending_.empty()) {
    // Continue the token cut by the previous chunk.
    const char* start = p;
    while (p < end && !IsFastSeparator(static_cast<uint8_t>(*p))) ++p;
    AppendPending(start, p - start);
    if (p == end) return;
    EmitToken(pending_, sink);
    pending_.clear();
  }
  p = FeedWindows(p, end, sink);
  FeedBytes(p, end, sink);
}

// Tokenizes 64-byte windows while at least 64 bytes remain, from the masks
// of each window. Returns where it stopped, outside any token (or `end`,
// with the last token pending).
const char* Tokenizer::FeedWindows(const char* p, const char* end,
                                   TokenSink& sink) {
  while (end - p >= 64) {
    const ByteMasks m = Classify64(p);
    unsigned next = 0;  // window offset of the first byte not yet handled
    while (true) {
      const uint64_t unread = ~uint64_t{0} << next;  // next < 64
      const uint64_t token_bytes = ~m.separators & unread;
      if (token_bytes == 0) {  // separators to the window's end
        if ((m.newlines & unread) != 0) EndSentence(sink);
        p += 64;
        break;
      }
      const unsigned start = std::countr_zero(token_bytes);
      const uint64_t before_start = (uint64_t{1} << start) - 1;
      if ((m.newlines & unread & before_start) != 0) EndSentence(sink);
      const uint64_t separators_after = m.separators & ~before_start;
      if (separators_after == 0) {
        // The token may go on past the window: the next window starts at
        // it, unless it fills this one.
        if (start > 0) {
          p += start;
        } else {
          p = FeedLongToken(p, end, sink);
        }
        break;
      }
      const unsigned stop = std::countr_zero(separators_after);
      EmitToken(std::string_view(p + start, stop - start), sink);
      next = stop;
    }
  }
  return p;
}

// A token of at least 64 bytes starts at `p`: emits it, or keeps it pending
// if the chunk ends first. Returns the byte after it.
const char* Tokenizer::FeedLongToken(const char* p, const char* end,
                                     TokenSink& sink) {
  const char* q = p + 64;
  while (q < end && !IsFastSeparator(static_cast<uint8_t>(*q))) ++q;
  if (q == end) {
    AppendPending(p, q - p);
  } else {
    EmitToken(std::string_view(p, q - p), sink);
  }
  return q;
}

// The byte-at-a-time loop of the fast path (the chunk's last < 64 bytes).
void Tokenizer::FeedBytes(const char* p, const char* end, TokenSink& sink) {
  while (p < end) {
    uint8_t b;
    while (IsFastSeparator(b = static_cast<uint8_t>(*p))) {
      if (b == '\n') EndSentence(sink);
      if (++p == end) return;
    }
    const char* start = p;
    do {
      ++p;
    } while (p < end && !IsFastSeparator(static_cast<uint8_t>(*p)));
    if (p == end) {
      AppendPending(start, p - start);
      return;
    }
    EmitToken(std::string_view(start, p - start), sink);
  }
}

void Tokenizer::OnChar(int32_t cp, std::string_view bytes, TokenSink& sink) {
  if (cp >= 0 && cp < 0x80) {
    const uint8_t c = ascii_class_[cp];
    if (c != kToken) {
      if (!pending_.empty()) {
        EmitToken(pending_, sink);
        pending_.clear();
      }
      if (c == kNewline) EndSentence(sink);
      return;
    }
    char b = static_cast<char>(cp);
    if (options_.lowercase && cp >= 'A' && cp <= 'Z') b += 'a' - 'A';
    AppendPending(&b, 1);
    return;
  }
  if (cp == utf8::kInvalid) {
    AppendPending(bytes.data(), bytes.size());
    return;
  }
  if (options_.strip_punct && IsPunctuation(cp)) {
    if (!pending_.empty()) {
      EmitToken(pending_, sink);
      pending_.clear();
    }
    return;
  }
  if (options_.lowercase) {
    const int32_t lower = utf8proc_tolower(cp);
    if (lower != cp) {
      char buf[4];
      AppendPending(buf, utf8::Encode(lower, buf));
      return;
    }
  }
  AppendPending(bytes.data(), bytes.size());
}

// The lowercase / strip-punct path: decodes code points; a sequence cut by
// the chunk end waits in carry_ for the next chunk.
void Tokenizer::FeedUnicode(std::string_view text, TokenSink& sink) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  int32_t cp;
  while (!carry_.empty()) {
    const int k = utf8::Decode(reinterpret_cast<const uint8_t*>(carry_.data()),
                               carry_.size(), /*final=*/false, &cp);
    if (k == utf8::kIncomplete) {
      if (i == n) return;
      carry_.push_back(static_cast<char>(p[i++]));
      continue;
    }
    OnChar(cp, std::string_view(carry_.data(), k), sink);
    carry_.erase(0, k);
  }
  while (i < n) {
    const int k = utf8::Decode(p + i, n - i, /*final=*/false, &cp);
    if (k == utf8::kIncomplete) {
      carry_.assign(reinterpret_cast<const char*>(p + i), n - i);
      return;
    }
    OnChar(cp, std::string_view(reinterpret_cast<const char*>(p + i), k), sink);
    i += k;
  }
}

}  // namespace wembed
