#include "wembed/vectors/embeddings.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <unordered_set>

#include "base/atomic_file_writer.h"
#include "base/buffered_reader.h"
#include "base/coding.h"
#include "vectors/checkpoint_reader.h"
#include "vectors/row_checks.h"
#include "wembed/text/ascii_text.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/subword_vectors.h"

namespace wembed {
namespace {

constexpr size_t kReadBlockBytes = size_t{8} << 20;
// Longest word accepted in a binary file (word2vec.c's limit is 100 bytes).
constexpr size_t kMaxWordBytes = size_t{1} << 16;
// Largest dimension accepted from a header.
constexpr uint64_t kMaxDim = uint64_t{1} << 20;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Bytes that may appear in the numbers part of a text row.
bool IsTextRowChar(char c) {
  if (c >= '0' && c <= '9') return true;
  switch (c) {
    case '+':
    case '-':
    case '.':
    case 'e':
    case 'E':
    case ' ':
    case '\t':
    case '\r':
    case 'n':
    case 'a':
    case 'i':
    case 'f':
    case 't':
    case 'y':
    case 'N':
    case 'A':
    case 'I':
    case 'F':
    case 'T':
    case 'Y':
      return true;
    default:
      return false;
  }
}

// Printable, bounded excerpt of untrusted bytes for error messages.
std::string Excerpt(std::string_view s, size_t max_len = 40) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max_len; ++i) {
    const unsigned char c = s[i];
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > max_len) out += "...";
  return out;
}

// Parses one number token (no surrounding blanks). Accepts a leading '+'.
// Values that overflow float32 fail; values that underflow become 0 or a
// denormal.
bool ParseFloat(std::string_view tok, float* out) {
  if (tok.empty()) return false;
  const char* b = tok.data();
  const char* e = b + tok.size();
  if (*b == '+') {
    ++b;
    if (b == e || *b == '-' || *b == '+') return false;
  }
  const auto [p, ec] = std::from_chars(b, e, *out);
  if (p != e) return false;
  if (ec == std::errc()) return true;
  if (ec != std::errc::result_out_of_range) return false;
  // libstdc++ reports underflow as out of range too; tell the two apart.
  std::string copy(b, e);
  errno = 0;
  const double v = std::strtod(copy.c_str(), nullptr);
  if (!std::isfinite(v) || std::fabs(v) > 1.0) return false;
  *out = static_cast<float>(v);
  return true;
}

// Finds the next '\n' at or after the cursor, reading more as needed. Sets
// *len to the line length without the '\n' and *has_newline. Lines longer
// than max_len are an error.
Status NextLine(BufferedReader& in, const std::string& path, uint64_t line_no,
                size_t max_len, size_t* len, bool* has_newline) {
  size_t scanned = 0;
  while (true) {
    const char* d = in.data();
    const void* nl = std::memchr(d + scanned, '\n', in.available() - scanned);
    if (nl != nullptr) {
      *len = static_cast<const char*>(nl) - d;
      *has_newline = true;
      return Status::Ok();
    }
    scanned = in.available();
    if (in.eof()) {
      *len = scanned;
      *has_newline = false;
      return Status::Ok();
    }
    if (scanned > max_len) {
      return Status::Corruption(path + ": line " + std::to_string(line_no) +
                                " is longer than " + std::to_string(max_len) +
                                " bytes");
    }
    WEMBED_RETURN_IF_ERROR(in.Fill(scanned + kReadBlockBytes));
  }
}

// Parses "word v1 ... vD" (blanks and a trailing CR tolerated) into *word and
// out[0, dim). Returns the number of values found in *found on a count
// mismatch, or an error message for a bad value.
enum class RowParse { kOk, kEmpty, kCount, kBadValue, kNotFinite };
struct RowParseResult {
  RowParse code = RowParse::kOk;
  size_t found = 0;        // values found (kCount)
  size_t value_index = 0;  // 1-based (kBadValue, kNotFinite)
  std::string_view token;  // the offending token (kBadValue)
};

RowParseResult ParseTextRow(std::string_view line, size_t dim,
                            std::string_view* word, float* out) {
  RowParseResult r;
  size_t i = 0;
  const size_t n = line.size();
  while (i < n && (IsBlank(line[i]) || line[i] == '\r')) ++i;
  size_t w = i;
  while (w < n && !IsBlank(line[w]) && line[w] != '\r') ++w;
  if (w == i) {
    r.code = RowParse::kEmpty;
    return r;
  }
  *word = line.substr(i, w - i);
  i = w;
  size_t count = 0;
  while (true) {
    while (i < n && (IsBlank(line[i]) || line[i] == '\r')) ++i;
    if (i == n) break;
    size_t t = i;
    while (t < n && !IsBlank(line[t]) && line[t] != '\r') ++t;
    const std::string_view tok = line.substr(i, t - i);
    i = t;
    if (count < dim) {
      float v;
      if (!ParseFloat(tok, &v)) {
        r.code = RowParse::kBadValue;
        r.value_index = count + 1;
        r.token = tok;
        return r;
      }
      if (!std::isfinite(v)) {
        r.code = RowParse::kNotFinite;
        r.value_index = count + 1;
        r.token = tok;
        return r;
      }
      out[count] = v;
    }
    ++count;
  }
  if (count != dim) {
    r.code = RowParse::kCount;
    r.found = count;
  }
  return r;
}

// Collects rows, dropping repeated words (the first one wins). Starts with
// room for `initial_capacity` rows, what the file size can justify, and
// grows by doubling (up to `wanted`) when an input of unknown size (a pipe,
// gzip) has more: memory follows the rows actually read, never a header.
class RowSink {
 public:
  RowSink(size_t wanted, size_t initial_capacity, size_t dim)
      : wanted_(wanted),
        vectors_(std::min(wanted, std::max<size_t>(initial_capacity, 1)),
                 dim) {
    Reserve(vectors_.rows());
  }
  // True once `wanted` rows are kept.
  bool full() const { return words_.size() == wanted_; }
  // Row to parse the next vector into. Precondition: !full().
  float* next_row() {
    if (words_.size() == vectors_.rows()) Grow();
    return vectors_.row(words_.size());
  }
  // Keeps the row just parsed into next_row() unless `word` is a repeat.
  void Commit(std::string_view word) {
    words_.emplace_back(word);
    // words_ never reallocates here (Reserve), so views into it stay valid.
    if (!seen_.insert(words_.back()).second) {
      if (duplicates_++ == 0) first_duplicate_ = std::string(word);
      words_.pop_back();
      std::memset(vectors_.row(words_.size()), 0,
                  vectors_.stride() * sizeof(float));
    }
  }
  size_t kept() const { return words_.size(); }
  size_t duplicates() const { return duplicates_; }
  const std::string& first_duplicate() const { return first_duplicate_; }

  Embeddings Finish() {
    Embeddings e;
    e.vectors = CopyRows(vectors_, words_.size());
    seen_.clear();
    e.words = std::move(words_);
    return e;
  }

 private:
  // The first `rows` rows of `m` (moved when that is all of them).
  static Matrix CopyRows(Matrix& m, size_t rows) {
    if (rows == m.rows()) return std::move(m);
    Matrix out(rows, m.cols());
    if (rows > 0) {
      std::memcpy(out.data(), m.data(), rows * m.stride() * sizeof(float));
    }
    return out;
  }
  void Grow() {
    const size_t capacity = std::min(wanted_, vectors_.rows() * 2);
    Matrix bigger(capacity, vectors_.cols());
    std::memcpy(bigger.data(), vectors_.data(),
                vectors_.rows() * vectors_.stride() * sizeof(float));
    vectors_ = std::move(bigger);
    Reserve(capacity);
  }
  // Room for `capacity` words; the set's views are rebuilt when the words
  // move.
  void Reserve(size_t capacity) {
    if (capacity <= words_.capacity()) return;
    words_.reserve(capacity);
    seen_.clear();
    seen_.reserve(capacity);
    for (const std::string& w : words_) seen_.insert(w);
  }

  size_t wanted_;
  Matrix vectors_;
  std::vector<std::string> words_;
  std::unordered_set<std::string_view> seen_;
  size_t duplicates_ = 0;
  std::string first_duplicate_;
};

std::string RowName(uint64_t row) { return "row " + std::to_string(row); }

Status ReadText(BufferedReader& in, const std::string& path, uint64_t rows,
                size_t dim, RowSink& sink, bool* stopped_early) {
  const size_t max_line = std::max<size_t>(size_t{1} << 20, dim * 128);
  uint64_t row = 0;
  for (; row < rows; ++row) {
    if (sink.full()) {
      *stopped_early = true;
      return Status::Ok();
    }
    const uint64_t line_no = row + 2;
    size_t len;
    bool has_newline;
    WEMBED_RETURN_IF_ERROR(
        NextLine(in, path, line_no, max_line, &len, &has_newline));
    if (len == 0 && !has_newline) {
      return Status::Corruption(
          path + ": the file ends after " + std::to_string(row) +
          " rows but its header announces " + std::to_string(rows));
    }
    const std::string_view line(in.data(), len);
    std::string_view word;
    const RowParseResult r = ParseTextRow(line, dim, &word, sink.next_row());
    const std::string where = path + ": line " + std::to_string(line_no) +
                              " (" + RowName(row + 1) + "): ";
    switch (r.code) {
      case RowParse::kOk:
        break;
      case RowParse::kEmpty:
        return Status::Corruption(where +
                                  "empty line where a row was expected");
      case RowParse::kCount:
        return Status::Corruption(
            path + ": line " + std::to_string(line_no) + ": " +
            RowName(row + 1) + " ('" + Excerpt(word) + "') has " +
            std::to_string(r.found) + (r.found == 1 ? " value" : " values") +
            ", the header says " + std::to_string(dim));
      case RowParse::kBadValue:
        return Status::Corruption(
            where + "value " + std::to_string(r.value_index) + " '" +
            Excerpt(r.token) + "' is not a number" +
            (r.token.find(',') != std::string_view::npos
                 ? " (a decimal comma? word2vec files use '.')"
                 : ""));
      case RowParse::kNotFinite:
        return Status::Corruption(where + "value " +
                                  std::to_string(r.value_index) + " '" +
                                  Excerpt(r.token) + "' is not finite");
    }
    sink.Commit(word);
    in.Consume(len + (has_newline ? 1 : 0));
  }
  return Status::Ok();
}

Status ReadBinary(BufferedReader& in, const std::string& path, uint64_t rows,
                  size_t dim, RowSink& sink, bool* stopped_early) {
  const size_t vec_bytes = dim * 4;
  for (uint64_t row = 0; row < rows; ++row) {
    if (sink.full()) {
      *stopped_early = true;
      return Status::Ok();
    }
    const std::string where =
        path + ": " + RowName(row + 1) + " of " + std::to_string(rows);
    // Whitespace before the word: the '\n' that ends the previous row (absent
    // in old gensim output, present in word2vec.c's).
    while (true) {
      if (in.available() == 0) WEMBED_RETURN_IF_ERROR(in.Fill(1));
      if (in.available() == 0) {
        return Status::Corruption(
            where + ": truncated binary file: it ends after " +
            std::to_string(row) + " rows but its header announces " +
            std::to_string(rows));
      }
      if (!IsAsciiSpace(in.data()[0])) break;
      in.Consume(1);
    }
    // The word, up to a space.
    size_t scanned = 0;
    size_t word_len = 0;
    while (true) {
      const void* sp =
          std::memchr(in.data() + scanned, ' ', in.available() - scanned);
      if (sp != nullptr) {
        word_len = static_cast<const char*>(sp) - in.data();
        break;
      }
      scanned = in.available();
      if (scanned > kMaxWordBytes) {
        return Status::Corruption(
            where + " (byte offset " + std::to_string(in.offset()) +
            "): no space after the word within " +
            std::to_string(kMaxWordBytes) + " bytes; not a word2vec file?");
      }
      if (in.eof()) {
        return Status::Corruption(where +
                                  ": truncated binary file (the file "
                                  "ends inside the word '" +
                                  Excerpt({in.data(), scanned}) + "')");
      }
      WEMBED_RETURN_IF_ERROR(in.Fill(scanned + 4096));
    }
    const size_t need = word_len + 1 + vec_bytes;
    WEMBED_RETURN_IF_ERROR(in.Fill(need));
    const std::string_view word(in.data(), word_len);
    if (in.available() < need) {
      return Status::Corruption(
          where + ": truncated binary file: the vector of '" + Excerpt(word) +
          "' has " + std::to_string(in.available() - word_len - 1) + " of " +
          std::to_string(vec_bytes) + " bytes");
    }
    const char* p = in.data() + word_len + 1;
    float* out = sink.next_row();
    for (size_t c = 0; c < dim; ++c) {
      out[c] = DecodeFloat(p + 4 * c);
      if (!std::isfinite(out[c])) {
        return Status::Corruption(where + ": value " + std::to_string(c + 1) +
                                  " of '" + Excerpt(word) +
                                  "' is not finite (NaN or Inf)");
      }
    }
    sink.Commit(word);
    in.Consume(need);
  }
  return Status::Ok();
}

// Number of blank-separated tokens of `line`.
size_t CountTokens(std::string_view line) {
  size_t count = 0;
  for (size_t i = 0; i < line.size();) {
    while (i < line.size() && (IsBlank(line[i]) || line[i] == '\r')) ++i;
    if (i == line.size()) break;
    ++count;
    while (i < line.size() && !IsBlank(line[i]) && line[i] != '\r') ++i;
  }
  return count;
}

// True if the rows starting at s[0] read as lines of text rather than as
// binary rows: each of the first min(rows, 2) lines is a word (any bytes but
// control characters) and at least one more token, the rest of the line
// printable ASCII; a row that runs to the end of the file is the last one,
// and a 1-row file has nothing but whitespace after its line. Binary
// float32 data rarely passes: it has control and non-ASCII bytes, and a
// '\n' byte soon. `eof`: s reaches the end of the file.
bool LooksLikeTextRows(std::string_view s, uint64_t rows, bool eof) {
  size_t pos = 0;
  for (uint64_t r = 0; r < std::min<uint64_t>(rows, 2); ++r) {
    if (pos == s.size() && eof) return r > 0;  // the parser reports the end
    const size_t nl = s.find('\n', pos);
    if (nl == std::string_view::npos && (!eof || r + 1 < rows)) return false;
    const size_t end = nl == std::string_view::npos ? s.size() : nl;
    size_t k = pos;
    while (k < end && IsBlank(s[k])) ++k;
    for (; k < end && !IsBlank(s[k]); ++k) {
      const auto c = static_cast<unsigned char>(s[k]);
      if ((c < 0x20 && c != '\r') || c == 0x7f) return false;
    }
    for (size_t v = k; v < end; ++v) {
      const auto c = static_cast<unsigned char>(s[v]);
      if ((c < 0x20 && c != '\t' && c != '\r') || c >= 0x7f) return false;
    }
    if (CountTokens(s.substr(k, end - k)) == 0) return false;
    pos = end == s.size() ? end : end + 1;
    while (pos < s.size() && IsAsciiSpace(s[pos])) ++pos;
  }
  if (rows == 1) {
    if (!eof) return false;
    for (size_t k = pos; k < s.size(); ++k) {
      if (!IsAsciiSpace(s[k])) return false;
    }
  }
  return true;
}

// True if `values` holds exactly `dim` blank-separated tokens made of number
// characters (digits, sign, exponent, '.' or ',') with a digit each: a text
// row even where the bytes also fit a binary row.
bool NumberLikeTokens(std::string_view values, size_t dim) {
  size_t count = 0;
  for (size_t t = 0; t < values.size();) {
    while (t < values.size() && (IsBlank(values[t]) || values[t] == '\r')) ++t;
    if (t == values.size()) break;
    bool digit = false;
    for (; t < values.size() && !IsBlank(values[t]) && values[t] != '\r'; ++t) {
      const char c = values[t];
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '+' && c != '-' && c != '.' && c != ',' && c != 'e' &&
                 c != 'E') {
        return false;
      }
    }
    if (!digit) return false;
    ++count;
  }
  return count == dim;
}

// Decides text vs binary from the first row at the cursor.
Status DetectFormat(BufferedReader& in, size_t dim, uint64_t rows,
                    VectorFormat* format) {
  const size_t window = std::max<size_t>(size_t{1} << 20, dim * 64 + 65536);
  WEMBED_RETURN_IF_ERROR(in.Fill(window));
  const std::string_view s(in.data(), in.available());
  size_t i = 0;
  while (i < s.size() && IsAsciiSpace(s[i])) ++i;
  size_t sp = i;
  while (sp < s.size() && !IsBlank(s[sp]) && s[sp] != '\n') ++sp;
  if (sp == s.size() || s[sp] == '\n') {
    // A lone word: text with no values (reported by the text parser).
    *format = VectorFormat::kText;
    return Status::Ok();
  }
  size_t q = sp + 1;
  bool text_chars = true;
  while (q < s.size() && s[q] != '\n') {
    if (!IsTextRowChar(s[q])) {
      text_chars = false;
      break;
    }
    ++q;
  }
  const bool line_ends = q < s.size() || in.eof();
  // Whether the first row also has the exact shape of a word2vec.c binary
  // row: D float32 bytes, then '\n' (or the end of a 1-row file). Such a row
  // is taken for text only if its values are D number-like tokens.
  const size_t binary_end = sp + 1 + 4 * dim;
  const bool binary_shaped =
      binary_end < s.size() ? s[binary_end] == '\n'
                            : binary_end == s.size() && in.eof() && rows == 1;
  const size_t nl = s.find('\n', sp);
  const std::string_view values =
      s.substr(sp, (nl == std::string_view::npos ? s.size() : nl) - sp);
  const bool shape_allows_text =
      !binary_shaped || NumberLikeTokens(values, dim);
  if (text_chars && line_ends) {
    std::vector<float> tmp(dim);
    std::string_view word;
    const RowParseResult r =
        ParseTextRow(s.substr(i, q - i), dim, &word, tmp.data());
    // A line of number characters long enough to hold D numbers is text
    // even if it fails to parse (the text parser then reports the problem).
    if (r.code == RowParse::kOk) {
      *format = VectorFormat::kText;
      return Status::Ok();
    }
  }
  // Rows that are lines of printable text are text with a problem (too few
  // or too many values, decimal commas, a stray word) that the text parser
  // names.
  *format = shape_allows_text && LooksLikeTextRows(s.substr(i), rows, in.eof())
                ? VectorFormat::kText
                : VectorFormat::kBinary;
  return Status::Ok();
}

// fastText's own model file is a common mix-up: name it.
bool IsFastTextModel(std::string_view first_bytes) {
  return first_bytes.size() >= 4 && uint8_t(first_bytes[0]) == 0xBA &&
         uint8_t(first_bytes[1]) == 0x16 && uint8_t(first_bytes[2]) == 0x4F &&
         uint8_t(first_bytes[3]) == 0x2F;
}

struct Header {
  uint64_t rows = 0;
  uint64_t dim = 0;
};

// Parses and consumes line 1, "V D" (blanks, a CR and a UTF-8 BOM
// tolerated).
Status ReadHeader(BufferedReader& in, const std::string& path, Header* h) {
  size_t header_len;
  bool has_newline;
  if (!NextLine(in, path, 1, 4096, &header_len, &has_newline).ok()) {
    return Status::Corruption(path +
                              ": unknown format: line 1 is not a word2vec "
                              "header '<rows> <dim>' (no line end within "
                              "4096 bytes)");
  }
  std::string_view header(in.data(), header_len);
  if (header.substr(0, 3) == "\xEF\xBB\xBF") header.remove_prefix(3);  // BOM
  const char* p = header.data();
  const char* e = p + header.size();
  auto skip = [&] {
    while (p < e && (IsBlank(*p) || *p == '\r')) ++p;
  };
  skip();
  auto r1 = std::from_chars(p, e, h->rows);
  bool ok = r1.ec == std::errc() && r1.ptr != p;
  p = r1.ptr;
  const char* before = p;
  skip();
  ok = ok && p > before;
  auto r2 = std::from_chars(p, e, h->dim);
  ok = ok && r2.ec == std::errc() && r2.ptr != p;
  p = r2.ptr;
  skip();
  if (!ok || p != e || (!has_newline && h->rows != 0)) {
    return Status::Corruption(
        path +
        ": unknown format: line 1 should be the word2vec header "
        "'<rows> <dim>', found '" +
        Excerpt(header) + "'");
  }
  if (h->dim == 0 || h->dim > kMaxDim) {
    return Status::Corruption(path + ": line 1: header dimension " +
                              std::to_string(h->dim) + " is out of range [1, " +
                              std::to_string(kMaxDim) + "]");
  }
  in.Consume(header_len + (has_newline ? 1 : 0));
  return Status::Ok();
}

// Rows to allocate before reading: never trust the header beyond what the
// file can hold. No valid row is shorter than min_row bytes (a 1-byte word
// and 1-character numbers for text), so a regular uncompressed file of
// `body` bytes after the header holds at most (body + 1) / min_row rows; a
// lying header is then harmless and parsing reports where the file really
// ends. The holes of a sparse file hold no rows, so only the bytes present
// count, and the rows reserved take at most about twice those bytes of
// memory (or kMinRows rows); more rows grow as they are read. For a pipe
// or gzip the size is unknown: start small and grow.
size_t InitialRows(const BufferedReader& in, const Header& h,
                   VectorFormat format, uint64_t wanted) {
  constexpr uint64_t kMinRows = 4096;
  const ReadableFile& file = in.file();
  if (!file.is_regular() || file.is_gzip()) {
    return size_t(std::min(wanted, kMinRows));
  }
  const uint64_t offset = std::min(file.size_on_disk(), in.offset());
  const uint64_t body = file.size_on_disk() - offset;
  const uint64_t present = std::min(body, file.bytes_present());
  const uint64_t min_row =
      format == VectorFormat::kBinary ? 4 * h.dim + 2 : 2 * h.dim + 2;
  // A row in memory: its padded vector and about 64 bytes for the word.
  const uint64_t row_memory = 4 * ((h.dim + 15) / 16 * 16) + 64;
  const uint64_t justified =
      std::max(kMinRows, std::min(present / min_row, 2 * present / row_memory));
  return size_t(std::min({wanted, (body + 1) / min_row, justified}));
}

// Only whitespace may follow the last announced row.
Status CheckNothingAfterRows(BufferedReader& in, const std::string& path,
                             uint64_t rows) {
  while (true) {
    WEMBED_RETURN_IF_ERROR(in.Fill(1));
    if (in.available() == 0) return Status::Ok();
    const char* d = in.data();
    size_t k = 0;
    while (k < in.available() && IsAsciiSpace(d[k])) ++k;
    if (k < in.available()) {
      return Status::Corruption(
          path + ": data after the " + std::to_string(rows) +
          " rows the header announces (byte offset " +
          std::to_string(in.offset() + k) + ": '" +
          Excerpt({d + k, in.available() - k}, 20) +
          "'); the header's row count is wrong");
    }
    in.Consume(k);
  }
}

StatusOr<Embeddings> LoadWord2Vec(BufferedReader& in, size_t max_rows,
                                  EmbeddingsLoadInfo* info) {
  const std::string& path = in.name();
  Header h;
  WEMBED_RETURN_IF_ERROR(ReadHeader(in, path, &h));
  VectorFormat format = VectorFormat::kText;
  if (h.rows > 0) {
    WEMBED_RETURN_IF_ERROR(DetectFormat(in, h.dim, h.rows, &format));
  }
  const uint64_t wanted =
      max_rows > 0 ? std::min<uint64_t>(h.rows, max_rows) : h.rows;
  RowSink sink(wanted, InitialRows(in, h, format, wanted), h.dim);
  bool stopped_early = false;
  if (format == VectorFormat::kBinary) {
    WEMBED_RETURN_IF_ERROR(
        ReadBinary(in, path, h.rows, h.dim, sink, &stopped_early));
  } else {
    WEMBED_RETURN_IF_ERROR(
        ReadText(in, path, h.rows, h.dim, sink, &stopped_early));
  }
  if (!stopped_early) {
    WEMBED_RETURN_IF_ERROR(CheckNothingAfterRows(in, path, h.rows));
  }
  if (info != nullptr) {
    info->format = format;
    info->from_checkpoint = false;
    info->header_rows = h.rows;
    info->duplicates_dropped = sink.duplicates();
    info->first_duplicate = sink.first_duplicate();
  }
  return sink.Finish();
}

}  // namespace

StatusOr<Embeddings> CheckpointEmbeddings(Checkpoint* ckpt, size_t max_rows,
                                          const std::string& name) {
  ComposeCheckpointInput(ckpt);  // --subwords: composed vectors
  const size_t total = ckpt->vocab.size();
  const size_t n = max_rows > 0 ? std::min(total, max_rows) : total;
  Embeddings e;
  e.words.assign(ckpt->vocab.words().begin(), ckpt->vocab.words().begin() + n);
  if (AutoVectorsFor(*ckpt) == OutputVectors::kInput) {
    e.vectors = std::move(ckpt->input);
  } else {
    Matrix mixed;
    ChooseVectors(ckpt->input, ckpt->output, OutputVectors::kMix, &mixed);
    e.vectors = std::move(mixed);
  }
  if (n < e.vectors.rows()) {
    Matrix first(n, e.vectors.cols());
    if (n > 0) {
      std::memcpy(first.data(), e.vectors.data(),
                  n * first.stride() * sizeof(float));
    }
    e.vectors = std::move(first);
  }
  for (size_t r = 0; r < n; ++r) {
    const float* v = e.vectors.row(r);
    for (size_t c = 0; c < e.vectors.cols(); ++c) {
      if (!std::isfinite(v[c])) {
        return Status::Corruption(
            name + ": checkpoint row " + std::to_string(r + 1) + " ('" +
            Excerpt(e.words[r]) + "') value " + std::to_string(c + 1) +
            " is not finite (NaN or Inf); the training run diverged?");
      }
    }
  }
  return e;
}

namespace {

// The vectors a checkpoint's run writes by default (CheckpointEmbeddings).
StatusOr<Embeddings> LoadFromCheckpoint(BufferedReader& in, size_t max_rows,
                                        EmbeddingsLoadInfo* info) {
  StatusOr<Checkpoint> ckpt = ReadCheckpointFrom(in);
  if (!ckpt.ok()) return ckpt.status();
  const size_t total = ckpt->vocab.size();
  StatusOr<Embeddings> e = CheckpointEmbeddings(&*ckpt, max_rows, in.name());
  if (!e.ok()) return e.status();
  if (info != nullptr) {
    *info = EmbeddingsLoadInfo();
    info->format = VectorFormat::kBinary;
    info->from_checkpoint = true;
    info->header_rows = total;
  }
  return e;
}

// Opens `path` once and dispatches on its first (decompressed) bytes.
StatusOr<Embeddings> Load(const std::string& path, size_t max_rows,
                          EmbeddingsLoadInfo* info, const Env& env) {
  StatusOr<std::unique_ptr<BufferedReader>> opened =
      BufferedReader::Open(path, env);
  if (!opened.ok()) return opened.status();
  BufferedReader& in = **opened;
  WEMBED_RETURN_IF_ERROR(in.Fill(kCheckpointMagicBytes));
  const std::string_view first(in.data(), in.available());
  if (first.empty()) {
    return Status::Corruption(in.name() +
                              ": empty file; expected word2vec vectors");
  }
  if (StartsWithCheckpointMagic(first)) {
    return LoadFromCheckpoint(in, max_rows, info);
  }
  if (IsFastTextModel(first)) {
    return Status::Corruption(
        in.name() +
        ": this is a fastText model (.bin), not word2vec vectors; use the "
        ".vec file fastText writes next to it");
  }
  return LoadWord2Vec(in, max_rows, info);
}

}  // namespace

namespace {

// One row: the word, then the values as float32 bytes (binary) or their
// shortest text that reads back exactly (text), then '\n'.
void AppendWord2VecRow(const std::string& word, const float* v, size_t dim,
                       VectorFormat format, std::string* buf) {
  *buf += word;
  if (format == VectorFormat::kBinary) {
    *buf += ' ';
    const size_t at = buf->size();
    buf->resize(at + 4 * dim);
    for (size_t c = 0; c < dim; ++c) EncodeFloat(&(*buf)[at + 4 * c], v[c]);
  } else {
    char num[32];
    for (size_t c = 0; c < dim; ++c) {
      *buf += ' ';
      const auto res = std::to_chars(num, num + sizeof(num), v[c]);
      buf->append(num, res.ptr);
    }
  }
  *buf += '\n';
}

}  // namespace

const char* OutputVectorsName(OutputVectors which) {
  switch (which) {
    case OutputVectors::kInput:
      return "input";
    case OutputVectors::kOutput:
      return "output";
    case OutputVectors::kSum:
      return "sum";
    case OutputVectors::kMix:
      return "mix";
    case OutputVectors::kAuto:
      return "auto";
  }
  return "input";
}

OutputVectors ResolveOutputVectors(OutputVectors which,
                                   bool skip_gram_word_outputs) {
  if (which != OutputVectors::kAuto) return which;
  return skip_gram_word_outputs ? OutputVectors::kMix : OutputVectors::kInput;
}

OutputVectors AutoVectorsFor(const Checkpoint& c) {
  bool skip_gram = true;
  for (const auto& [key, value] : c.options) {
    if (key == "model") skip_gram = value == "sg";
  }
  return ResolveOutputVectors(
      OutputVectors::kAuto, skip_gram &&
                                c.output_layout == OutputLayout::kWordVectors &&
                                !c.subwords.enabled());
}

const Matrix& ChooseVectors(const Matrix& input, const Matrix& output,
                            OutputVectors which, Matrix* sum_storage,
                            double output_weight) {
  switch (which) {
    case OutputVectors::kInput:
    case OutputVectors::kAuto:  // unresolved: the safe choice
      return input;
    case OutputVectors::kOutput:
      return output;
    case OutputVectors::kSum:
      output_weight = 1.0;
      break;
    case OutputVectors::kMix:
      break;
  }
  const float weight = float(output_weight);
  *sum_storage = input;
  for (size_t r = 0; r < sum_storage->rows(); ++r) {
    float* s = sum_storage->row(r);
    const float* o = output.row(r);
    for (size_t c = 0; c < sum_storage->stride(); ++c) s[c] += weight * o[c];
  }
  return *sum_storage;
}

Status CheckRowsForWriting(const std::string& path,
                           const std::vector<std::string>& words,
                           const Matrix& vectors, const std::string& what) {
  if (words.size() != vectors.rows()) {
    return Status::InvalidArgument(
        path + ": cannot write " + std::to_string(words.size()) +
        " words with a matrix of " + std::to_string(vectors.rows()) + " rows");
  }
  if (vectors.cols() == 0) {
    return Status::InvalidArgument(path +
                                   ": cannot write vectors of dimension 0");
  }
  for (size_t r = 0; r < words.size(); ++r) {
    const std::string& w = words[r];
    if (w.empty() || std::any_of(w.begin(), w.end(), IsAsciiSpace)) {
      return Status::InvalidArgument(
          path + ": word " + std::to_string(r + 1) + " ('" + Excerpt(w) +
          "') is empty or contains whitespace; " + what + " cannot hold it");
    }
  }
  return Status::Ok();
}

Status WriteWord2Vec(const std::string& path,
                     const std::vector<std::string>& words,
                     const Matrix& vectors, VectorFormat format,
                     const Env& env) {
  WEMBED_RETURN_IF_ERROR(
      CheckRowsForWriting(path, words, vectors, "word2vec files"));
  BufferedFileWriter out(path, env);
  WEMBED_RETURN_IF_ERROR(out.Open());
  const size_t dim = vectors.cols();
  out.buffer() +=
      std::to_string(words.size()) + " " + std::to_string(dim) + "\n";
  for (size_t r = 0; r < words.size(); ++r) {
    AppendWord2VecRow(words[r], vectors.row(r), dim, format, &out.buffer());
    WEMBED_RETURN_IF_ERROR(out.MaybeFlush());
  }
  return out.Commit();
}

StatusOr<Embeddings> LoadEmbeddings(const std::string& path, size_t max_rows,
                                    EmbeddingsLoadInfo* info, const Env& env) {
  try {
    return Load(path, max_rows, info, env);
  } catch (const std::bad_alloc&) {
    return Status::Internal(path + ": out of memory while loading vectors");
  }
}

}  // namespace wembed
