// ReadableFile's two gzip backends, ISA-L (isal_inflate) and zlib (inflate),
// on the same inputs: valid streams of many sizes and deflate settings,
// empty and many members, headers with optional fields, every truncation
// point, single-byte corruptions at every byte, trailing garbage and zeros;
// read with several read sizes and with the file arriving in small pieces.
// Both must give the same bytes and the same Status (code and message; for
// "corrupt gzip stream (reason)" the reason may be worded differently).
// Without ISA-L in the build only the selection test runs.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "base/readable_file.h"
#include "test_util.h"

namespace wembed {
namespace {

using testing::TempDir;
using testing::WriteFile;

// Every read(2) transfers at most `max_bytes`: the decoder gets its input
// in pieces of that size (refills of the raw buffer at every offset).
class PiecewiseReads : public FaultInjector {
 public:
  explicit PiecewiseReads(size_t max_bytes) : max_(max_bytes) {}
  int BeforeOp(FileOp op, const std::string&, size_t* size) override {
    if (op == FileOp::kRead && size != nullptr && *size > max_) *size = max_;
    return 0;
  }

 private:
  size_t max_;
};

// How a file is read: bytes per Read() call, and at most `piece` bytes per
// read(2) (0: as many as the raw buffer takes).
struct Shape {
  size_t step;
  size_t piece;
};

const std::vector<Shape> kSmallShapes = {
    {1 << 16, 0}, {1, 0}, {7, 1}, {4096, 13}, {3, 64}, {1 << 20, 4099}};
// Larger inputs: no 1-byte reads (ISA-L then moves its 32 KiB history at
// every call, zlib makes a call per byte).
const std::vector<Shape> kMediumShapes = {
    {1 << 16, 0}, {1000, 13}, {4096, 4099}, {1 << 20, 61}};
const std::vector<Shape> kLargeShapes = {
    {1 << 20, 0}, {4099, 0}, {(3 << 16) + 1, 65536}};

struct Outcome {
  std::string backend;  // ReadableFile::gzip_backend()
  std::string bytes;    // everything Read() returned
  Status status;        // the first error, or OK at the end
  bool sticky = true;   // a Read() after the error returned it again
};

Outcome ReadWith(const std::string& path, bool use_zlib, Shape shape) {
  PiecewiseReads pieces(shape.piece);
  const Env env(shape.piece == 0 ? nullptr : &pieces);
  ReadableOptions options;
  options.use_zlib_for_gzip = use_zlib;
  Outcome out;
  StatusOr<std::unique_ptr<ReadableFile>> f =
      ReadableFile::Open(path, env, options);
  if (!f.ok()) {
    out.status = f.status();
    return out;
  }
  out.backend = (*f)->gzip_backend();
  std::string buf(shape.step, '\0');
  while (true) {
    StatusOr<size_t> n = (*f)->Read(buf.data(), buf.size());
    if (!n.ok()) {
      out.status = n.status();
      StatusOr<size_t> again = (*f)->Read(buf.data(), buf.size());
      out.sticky = !again.ok() && again.status().code() == n.status().code() &&
                   again.status().message() == n.status().message();
      return out;
    }
    if (*n == 0) return out;
    out.bytes.append(buf.data(), *n);
  }
}

// The message as the backends must agree on it: "corrupt gzip stream" without
// the reason in parentheses; every other message whole.
std::string Comparable(const std::string& message) {
  const std::string corrupt = ": corrupt gzip stream (";
  const size_t at = message.find(corrupt);
  if (at == std::string::npos) return message;
  return message.substr(0, at + corrupt.size() - 2);
}

bool IsPrefix(const std::string& a, const std::string& b) {
  return a.size() <= b.size() ? b.compare(0, a.size(), a) == 0 : IsPrefix(b, a);
}

// Reads `path` with both backends in every shape; they must agree with each
// other, and zlib with itself across the shapes. Returns zlib's outcome.
Outcome ExpectSameOutcome(const std::string& path,
                          const std::vector<Shape>& shapes) {
  Outcome first;
  for (size_t s = 0; s < shapes.size(); ++s) {
    SCOPED_TRACE("read size " + std::to_string(shapes[s].step) + ", pieces " +
                 std::to_string(shapes[s].piece));
    const Outcome z = ReadWith(path, /*use_zlib=*/true, shapes[s]);
    const Outcome i = ReadWith(path, /*use_zlib=*/false, shapes[s]);
    EXPECT_EQ(z.backend, z.backend.empty() ? "" : "zlib");
    EXPECT_EQ(i.backend, z.backend.empty() ? "" : "isal");
    EXPECT_EQ(i.status.code(), z.status.code());
    EXPECT_EQ(Comparable(i.status.message()), Comparable(z.status.message()));
    EXPECT_TRUE(i.sticky && z.sticky);
    if (z.status.ok() && i.status.ok()) {
      EXPECT_TRUE(i.bytes == z.bytes)
          << "isal " << i.bytes.size() << " bytes, zlib " << z.bytes.size();
    } else {  // both decode the same bits up to the error
      EXPECT_TRUE(IsPrefix(i.bytes, z.bytes));
    }
    if (s == 0) {
      first = z;
    } else {
      EXPECT_EQ(z.status.message(), first.status.message());
      if (z.status.ok()) {
        EXPECT_TRUE(z.bytes == first.bytes);
      }
    }
  }
  return first;
}

// gzip of `data` by zlib with the given level and strategy, and with the
// optional header fields of `header` when it is set.
std::string GzipWith(const std::string& data, int level,
                     int strategy = Z_DEFAULT_STRATEGY,
                     gz_header* header = nullptr) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, strategy),
            Z_OK);
  if (header != nullptr) {
    EXPECT_EQ(deflateSetHeader(&zs, header), Z_OK);
  }
  std::string out(deflateBound(&zs, data.size()) + 4096, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A member with every optional header field: FEXTRA (`extra_len` bytes),
// FNAME, FCOMMENT and FHCRC.
std::string GzipWithFullHeader(const std::string& data, size_t extra_len) {
  std::string extra(extra_len, 'x');
  std::string name = "corpus-part.txt", comment = "a comment";
  gz_header header{};
  header.text = 1;
  header.time = 1700000000;
  header.os = 3;
  header.extra = reinterpret_cast<Bytef*>(extra.data());
  header.extra_len = static_cast<uInt>(extra.size());
  header.name = reinterpret_cast<Bytef*>(name.data());
  header.comment = reinterpret_cast<Bytef*>(comment.data());
  header.hcrc = 1;
  return GzipWith(data, 6, Z_DEFAULT_STRATEGY, &header);
}

std::string RandomText(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, ' ');
  for (char& c : s) c = "the cat sat on a mat\n"[rng() % 21];
  return s;
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// Long matches at every distance up to the window.
std::string Repetitive(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s = RandomText(300, seed);
  while (s.size() < n) {
    const size_t from = rng() % s.size();
    s += s.substr(from, std::min<size_t>(1 + rng() % 300, s.size() - from));
  }
  s.resize(n);
  return s;
}

const char kCorruptPrefix[] = ": corrupt gzip stream (";
const char kTruncated[] =
    ": truncated gzip stream (the file ends before the compressed data does)";
const char kTrailing[] = ": unexpected data after the end of the gzip stream";

class GzipBackendsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ReadableFile::HaveIsal()) {
      GTEST_SKIP() << "built without ISA-L (WEMBED_ISAL=OFF, or libisal-dev "
                      "not installed): only zlib, nothing to compare";
    }
  }
  TempDir dir_;
};

TEST(GzipBackendSelectionTest, IsalByDefaultWhenBuiltWithItZlibOnRequest) {
  TempDir dir;
  const std::string text = RandomText(100000, 1);
  WriteFile(dir.File("gz"), GzipWith(text, 6));
  WriteFile(dir.File("plain"), text);
  const Shape shape{1 << 16, 0};
  const Outcome by_default = ReadWith(dir.File("gz"), false, shape);
  EXPECT_EQ(by_default.backend, ReadableFile::HaveIsal() ? "isal" : "zlib");
  const Outcome zlib = ReadWith(dir.File("gz"), true, shape);
  EXPECT_EQ(zlib.backend, "zlib");
  const Outcome plain = ReadWith(dir.File("plain"), false, shape);
  EXPECT_EQ(plain.backend, "");
  for (const Outcome* o : {&by_default, &zlib, &plain}) {
    ASSERT_TRUE(o->status.ok()) << o->status.message();
    EXPECT_TRUE(o->bytes == text);
  }
}

TEST_F(GzipBackendsTest, ValidStreamsOfManySizesAndDeflateSettings) {
  const std::vector<std::pair<int, int>> settings = {{6, Z_DEFAULT_STRATEGY},
                                                     {0, Z_DEFAULT_STRATEGY},
                                                     {1, Z_DEFAULT_STRATEGY},
                                                     {9, Z_DEFAULT_STRATEGY},
                                                     {6, Z_FIXED},
                                                     {6, Z_HUFFMAN_ONLY},
                                                     {6, Z_RLE}};
  const std::vector<size_t> sizes = {
      0, 1, 2, 100, 4096, 32767, 32768, 32769, 65539, 1 << 20, (3 << 20) + 5};
  int files = 0;
  for (size_t size : sizes) {
    const bool large = size >= (1 << 20);
    const std::vector<Shape>& shapes = large          ? kLargeShapes
                                       : size <= 4096 ? kSmallShapes
                                                      : kMediumShapes;
    for (int kind = 0; kind < 3; ++kind) {
      const std::string data = kind == 0   ? RandomText(size, size)
                               : kind == 1 ? RandomBytes(size, size)
                                           : Repetitive(size, size);
      for (size_t s = 0; s < (large ? 3 : settings.size()); ++s) {
        SCOPED_TRACE("size " + std::to_string(size) + " kind " +
                     std::to_string(kind) + " level " +
                     std::to_string(settings[s].first) + " strategy " +
                     std::to_string(settings[s].second));
        const std::string path = dir_.File("f" + std::to_string(files++));
        WriteFile(path, GzipWith(data, settings[s].first, settings[s].second));
        const Outcome o = ExpectSameOutcome(path, shapes);
        ASSERT_TRUE(o.status.ok()) << o.status.message();
        ASSERT_TRUE(o.bytes == data);
        if (HasFailure()) return;
      }
    }
  }
}

TEST_F(GzipBackendsTest, EmptyMembersAndManyMembers) {
  const std::string text = RandomText(200000, 2);
  std::vector<std::vector<std::string>> streams = {
      {""},
      {"", ""},
      {"", "abc", ""},
      {text.substr(0, 1000), "", text.substr(1000)},
      {text, text.substr(0, 5), text.substr(7, 70000)},
  };
  std::vector<std::string> many;
  for (int i = 0; i < 60; ++i) many.push_back(text.substr(i * 17, i % 7));
  streams.push_back(many);
  for (size_t k = 0; k < streams.size(); ++k) {
    SCOPED_TRACE("stream " + std::to_string(k));
    std::string gz, expected;
    for (size_t m = 0; m < streams[k].size(); ++m) {
      const std::string& part = streams[k][m];
      gz += m % 3 == 2 ? GzipWithFullHeader(part, m)
                       : GzipWith(part, m % 2 == 0 ? 6 : 0);
      expected += part;
    }
    const std::string path = dir_.File("multi" + std::to_string(k));
    WriteFile(path, gz);
    const Outcome o = ExpectSameOutcome(path, kMediumShapes);
    ASSERT_TRUE(o.status.ok()) << o.status.message();
    EXPECT_TRUE(o.bytes == expected);
  }
}

// ISA-L 2.30's isal_inflate loses a header's flags when the header spans two
// calls; ReadableFile reads headers with isal_read_gzip_header instead. Fed
// 1, 2, 3, ... bytes at a time, every header field ends at every offset.
TEST_F(GzipBackendsTest, HeadersWithEveryOptionalFieldArriveInPieces) {
  const std::string a = RandomText(5000, 3), b = RandomText(3000, 4);
  for (size_t extra : {0, 1, 300}) {
    SCOPED_TRACE("extra field of " + std::to_string(extra) + " bytes");
    const std::string path = dir_.File("hdr" + std::to_string(extra));
    WriteFile(path, GzipWithFullHeader(a, extra) + GzipWithFullHeader("", 2) +
                        GzipWithFullHeader(b, extra));
    std::vector<Shape> shapes = kSmallShapes;
    for (size_t piece : {1, 2, 3, 5, 8, 9, 11, 17}) {
      shapes.push_back({1000, piece});
    }
    const Outcome o = ExpectSameOutcome(path, shapes);
    ASSERT_TRUE(o.status.ok()) << o.status.message();
    EXPECT_TRUE(o.bytes == a + b);
  }
}

TEST_F(GzipBackendsTest, EveryTruncationPoint) {
  const std::string a = RandomText(3000, 5), b = RandomText(700, 6);
  const std::string first = GzipWithFullHeader(a, 3);
  const std::string gz = first + GzipWith(b, 6);
  const std::string path = dir_.File("cut");
  for (size_t cut = 0; cut < gz.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut) + " of " +
                 std::to_string(gz.size()));
    WriteFile(path, gz.substr(0, cut));
    const Outcome o = ExpectSameOutcome(path, {{1 << 16, 0}, {5, 3}});
    if (cut < 2 || cut == first.size()) {  // plain, or the first member
      ASSERT_TRUE(o.status.ok()) << o.status.message();
      EXPECT_TRUE(o.bytes == (cut < 2 ? gz.substr(0, cut) : a));
    } else if (cut == first.size() + 1) {  // half a magic: not a member
      EXPECT_EQ(o.status.message(), path + kTrailing);
    } else {
      EXPECT_EQ(o.status.code(), StatusCode::kCorruption);
      EXPECT_EQ(o.status.message(), path + kTruncated);
    }
    if (HasFailure()) return;
  }
}

// Each bit of each byte flipped, and each byte inverted, in a stream of a
// dynamic-Huffman member with a full header, a fixed-Huffman member and a
// stored member.
TEST_F(GzipBackendsTest, SingleByteCorruptionSweep) {
  const std::string a = RandomText(600, 7), b = RandomText(300, 8);
  const std::string gz = GzipWithFullHeader(a, 2) + GzipWith(b, 6, Z_FIXED) +
                         GzipWith("stored", 0);
  const std::string path = dir_.File("flip");
  int errors = 0, trailer_errors = 0;
  for (size_t at = 0; at < gz.size(); ++at) {
    for (int mask : {1, 2, 4, 8, 16, 32, 64, 128, 255}) {
      SCOPED_TRACE("byte " + std::to_string(at) + " ^ " + std::to_string(mask));
      std::string bad = gz;
      bad[at] = static_cast<char>(bad[at] ^ mask);
      WriteFile(path, bad);
      const Outcome o = ExpectSameOutcome(path, {{1 << 16, 0}, {7, 5}});
      if (!o.status.ok()) ++errors;
      if (HasFailure()) return;
      // The last member's CRC-32 and ISIZE: always caught.
      if (at + 8 >= gz.size()) {
        EXPECT_EQ(Comparable(o.status.message()),
                  path + ": corrupt gzip stream");
        ++trailer_errors;
      }
    }
  }
  EXPECT_EQ(trailer_errors, 8 * 9);
  EXPECT_GT(errors, int(gz.size()) * 9 / 2);  // most flips are caught
}

TEST_F(GzipBackendsTest, TrailingGarbageZerosAndHalfHeaders) {
  const std::string text = RandomText(20000, 9);
  const std::string gz = GzipWith(text, 6);
  struct Case {
    std::string suffix;
    std::string message;  // after the path; "" for success
  };
  const std::string zeros8(8, '\0'), zeros512(512, '\0');
  const std::vector<Case> cases = {
      {"", ""},
      {"garbage", kTrailing},
      {std::string(1, '\0'), kTrailing},
      {zeros8, kTrailing},
      {zeros512, kTrailing},
      {"\x1f", kTrailing},
      {"\x1f\x8b", kTruncated},
      {"\x1f\x8b\x08", kTruncated},
      {std::string("\x1f\x8b\x08\x00", 4), kTruncated},
      {std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10), kTruncated},
      {std::string("\x1f\x8b\x00\x00", 4),
       ": corrupt gzip stream (unknown compression method)"},
      {std::string("\x1f\x8b\x07\x00", 4) + zeros512,
       ": corrupt gzip stream (unknown compression method)"},
      {std::string("\x1f\x8b\x08\x20", 4),
       ": corrupt gzip stream (unknown header flags set)"},
      {std::string("\x1f\x8b\x08\x80", 4) + zeros8,
       ": corrupt gzip stream (unknown header flags set)"},
      {std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x07", 11) + zeros8,
       ": corrupt gzip stream ("},  // block type 3: the reason differs
      {GzipWith("", 6) + zeros8, kTrailing},
      {GzipWith("more", 6) + "\x1f\x8b", kTruncated},
  };
  for (size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE("case " + std::to_string(k));
    const std::string path = dir_.File("trail" + std::to_string(k));
    WriteFile(path, gz + cases[k].suffix);
    const Outcome z = ExpectSameOutcome(path, kSmallShapes);
    const Outcome i = ReadWith(path, /*use_zlib=*/false, kSmallShapes[0]);
    if (cases[k].message.empty()) {
      EXPECT_TRUE(z.status.ok() && i.status.ok()) << z.status.message();
      EXPECT_TRUE(i.bytes == text);
    } else if (cases[k].message.back() == '(') {
      EXPECT_EQ(z.status.message().rfind(path + cases[k].message, 0), 0u)
          << z.status.message();
    } else {  // the whole message, the reason too
      EXPECT_EQ(z.status.message(), path + cases[k].message);
      EXPECT_EQ(i.status.message(), path + cases[k].message);
    }
    if (!cases[k].message.empty()) {
      EXPECT_EQ(i.status.code(), StatusCode::kCorruption);
    }
  }
}

}  // namespace
}  // namespace wembed
