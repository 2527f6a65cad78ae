// The framing shared by wembed's checksummed binary formats (checkpoints,
// encoded corpora: docs/checkpoint-format.md, docs/encoded-corpus-format.md):
//
//   file    := header section*
//   header  := magic (8 bytes) version (u32) flags (u32) header_crc (u32)
//   section := type (u32) length (u64) payload (length bytes) section_crc
//
// little-endian, header_crc = CRC-32 of the 16 bytes before it, section_crc
// = CRC-32 of the 12 section-header bytes followed by the payload. A type
// with bit 31 set is an extension that readers which do not know it skip.
#ifndef WEMBED_SRC_BASE_SECTION_FILE_H_
#define WEMBED_SRC_BASE_SECTION_FILE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/buffered_reader.h"
#include "base/byte_sink.h"
#include "wembed/base/status.h"

namespace wembed {

inline constexpr size_t kFileMagicSize = 8;
inline constexpr size_t kFileHeaderSize = 20;
inline constexpr size_t kSectionHeaderSize = 12;
inline constexpr size_t kSectionCrcSize = 4;
inline constexpr size_t kSectionOverhead = kSectionHeaderSize + kSectionCrcSize;
inline constexpr uint32_t kExtensionSectionBit = 0x80000000u;

// The 20 header bytes of a file with `magic` (8 bytes) and `version`.
std::string EncodeFileHeader(std::string_view magic, uint32_t version);

// The 12 header bytes of a section, in `head`.
void EncodeSectionHeader(char* head, uint32_t type, uint64_t length);

// Appends one whole section holding `payload`.
Status AppendSection(ByteSink& out, uint32_t type, std::string_view payload);

// Key/value strings (the options payload): u32 count, then per pair the key
// and the value, each a u32 length and its bytes.
std::string EncodeKeyValues(
    const std::vector<std::pair<std::string, std::string>>& kv);

// Reads a sectioned file sequentially from a regular file, checking every
// length against the bytes left before reading or allocating. Errors are
// Corruption "<path>: <what>" (Corrupt()). Not thread-safe.
class SectionReader {
 public:
  struct Section {
    uint32_t type = 0;
    uint64_t length = 0;  // payload bytes, <= the bytes left in the file
    uint64_t offset = 0;  // of the section header
    uint32_t crc = 0;     // of the header so far, extended over the payload
  };

  // `in` at offset 0 of a regular file of `size` bytes; `section_name`
  // names a section type in messages.
  SectionReader(BufferedReader& in, uint64_t size,
                std::function<std::string(uint32_t)> section_name);

  // Reads the header: "not a <kind> (bad magic)", "truncated header",
  // "header checksum mismatch", "format version N is newer than this wembed
  // supports (M)", "invalid format version 0", "unsupported header flags".
  Status ReadHeader(std::string_view magic, const std::string& kind,
                    uint32_t max_version, uint32_t* version);
  // The next section's header: "truncated: the file ends at offset N
  // without an end section", "truncated section header at offset N",
  // "section 'x' at offset N declares L payload bytes but only M remain".
  Status ReadSectionHeader(Section* s);
  // Reads `n` payload bytes into `buf`, extending the section CRC.
  Status ReadInto(Section* s, char* buf, size_t n);
  // Reads the section CRC: "checksum mismatch in section 'x' at offset N".
  Status CheckCrc(const Section& s);
  // Reads (the rest of) a payload of `n` bytes and the CRC, keeping nothing.
  Status SkipRest(Section s, uint64_t n);
  Status SkipPayload(const Section& s) { return SkipRest(s, s.length); }
  // Reads a whole (small) payload and verifies its CRC.
  Status ReadPayload(Section s, std::string* payload);
  // Reads an empty end section that must be the last bytes of the file.
  Status ReadEnd(const Section& s);
  // Decodes an EncodeKeyValues payload (keys are not checked).
  Status ReadKeyValues(const Section& s,
                       std::vector<std::pair<std::string, std::string>>* kv);

  Status Corrupt(const std::string& message) const;
  // "section 'x' at offset N".
  std::string Where(const Section& s) const;
  uint64_t remaining() const { return size_ - in_.offset(); }
  uint64_t offset() const { return in_.offset(); }
  const std::string& path() const { return path_; }

 private:
  BufferedReader& in_;
  std::string path_;
  uint64_t size_;
  std::function<std::string(uint32_t)> section_name_;
};

}  // namespace wembed

#endif  // WEMBED_SRC_BASE_SECTION_FILE_H_
