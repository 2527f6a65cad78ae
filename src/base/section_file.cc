#include "base/section_file.h"

#include <algorithm>
#include <cstring>

#include "base/coding.h"
#include "base/crc32.h"

namespace wembed {
namespace {

constexpr size_t kSkipChunkBytes = size_t{1} << 20;
constexpr size_t kMinKeyValueBytes = 8;  // key length u32, value length u32

}  // namespace

std::string EncodeFileHeader(std::string_view magic, uint32_t version) {
  std::string out(magic.substr(0, kFileMagicSize));
  out.resize(kFileMagicSize, '\0');
  PutFixed32(&out, version);
  PutFixed32(&out, 0);  // flags
  PutFixed32(&out, Crc32(out.data(), out.size()));
  return out;
}

void EncodeSectionHeader(char* head, uint32_t type, uint64_t length) {
  EncodeFixed32(head, type);
  EncodeFixed64(head + 4, length);
}

Status AppendSection(ByteSink& out, uint32_t type, std::string_view payload) {
  char head[kSectionHeaderSize];
  EncodeSectionHeader(head, type, payload.size());
  uint32_t crc = Crc32(head, sizeof(head));
  crc = Crc32Extend(crc, payload.data(), payload.size());
  char tail[kSectionCrcSize];
  EncodeFixed32(tail, crc);
  WEMBED_RETURN_IF_ERROR(out.Append(head, sizeof(head)));
  WEMBED_RETURN_IF_ERROR(out.Append(payload.data(), payload.size()));
  return out.Append(tail, sizeof(tail));
}

std::string EncodeKeyValues(
    const std::vector<std::pair<std::string, std::string>>& kv) {
  size_t size = 4;
  for (const auto& [k, v] : kv) size += 8 + k.size() + v.size();
  std::string out;
  out.reserve(size);
  PutFixed32(&out, uint32_t(kv.size()));
  for (const auto& [k, v] : kv) {
    PutLengthPrefixed(&out, k);
    PutLengthPrefixed(&out, v);
  }
  return out;
}

SectionReader::SectionReader(BufferedReader& in, uint64_t size,
                             std::function<std::string(uint32_t)> section_name)
    : in_(in),
      path_(in.name()),
      size_(size),
      section_name_(std::move(section_name)) {}

Status SectionReader::Corrupt(const std::string& message) const {
  return Status::Corruption(path_ + ": " + message);
}

std::string SectionReader::Where(const Section& s) const {
  return "section '" + section_name_(s.type) + "' at offset " +
         std::to_string(s.offset);
}

Status SectionReader::ReadHeader(std::string_view magic,
                                 const std::string& kind, uint32_t max_version,
                                 uint32_t* version) {
  char header[kFileHeaderSize];
  if (size_ < kFileMagicSize) {
    return Corrupt("not a " + kind + " (only " + std::to_string(size_) +
                   " bytes)");
  }
  WEMBED_RETURN_IF_ERROR(in_.ReadExact(header, kFileMagicSize));
  if (std::memcmp(header, magic.data(), kFileMagicSize) != 0) {
    return Corrupt("not a " + kind + " (bad magic)");
  }
  if (size_ < kFileHeaderSize) {
    return Corrupt("truncated header (" + std::to_string(size_) +
                   " bytes, need " + std::to_string(kFileHeaderSize) + ")");
  }
  WEMBED_RETURN_IF_ERROR(
      in_.ReadExact(header + kFileMagicSize, kFileHeaderSize - kFileMagicSize));
  if (Crc32(header, 16) != DecodeFixed32(header + 16)) {
    return Corrupt("header checksum mismatch");
  }
  *version = DecodeFixed32(header + 8);
  if (*version > max_version) {
    return Corrupt("format version " + std::to_string(*version) +
                   " is newer than this wembed supports (" +
                   std::to_string(max_version) + ")");
  }
  if (*version == 0) return Corrupt("invalid format version 0");
  const uint32_t flags = DecodeFixed32(header + 12);
  if (flags != 0) {
    return Corrupt("unsupported header flags " + std::to_string(flags));
  }
  return Status::Ok();
}

Status SectionReader::ReadSectionHeader(Section* s) {
  s->offset = in_.offset();
  if (remaining() == 0) {
    return Corrupt("truncated: the file ends at offset " +
                   std::to_string(s->offset) + " without an end section");
  }
  if (remaining() < kSectionOverhead) {
    return Corrupt("truncated section header at offset " +
                   std::to_string(s->offset) + " (" +
                   std::to_string(remaining()) + " bytes left)");
  }
  char head[kSectionHeaderSize];
  WEMBED_RETURN_IF_ERROR(in_.ReadExact(head, sizeof(head)));
  s->type = DecodeFixed32(head);
  s->length = DecodeFixed64(head + 4);
  s->crc = Crc32(head, sizeof(head));
  if (s->length > remaining() - kSectionCrcSize) {
    return Corrupt(Where(*s) + " declares " + std::to_string(s->length) +
                   " payload bytes but only " +
                   std::to_string(remaining() - kSectionCrcSize) +
                   " remain in the file");
  }
  return Status::Ok();
}

Status SectionReader::ReadInto(Section* s, char* buf, size_t n) {
  WEMBED_RETURN_IF_ERROR(in_.ReadExact(buf, n));
  s->crc = Crc32Extend(s->crc, buf, n);
  return Status::Ok();
}

Status SectionReader::CheckCrc(const Section& s) {
  char tail[kSectionCrcSize];
  WEMBED_RETURN_IF_ERROR(in_.ReadExact(tail, sizeof(tail)));
  if (DecodeFixed32(tail) != s.crc) {
    return Corrupt("checksum mismatch in " + Where(s));
  }
  return Status::Ok();
}

Status SectionReader::SkipRest(Section s, uint64_t n) {
  std::vector<char> buf(size_t(std::min<uint64_t>(n, kSkipChunkBytes)));
  while (n > 0) {
    const size_t step = size_t(std::min<uint64_t>(n, buf.size()));
    WEMBED_RETURN_IF_ERROR(ReadInto(&s, buf.data(), step));
    n -= step;
  }
  return CheckCrc(s);
}

Status SectionReader::ReadPayload(Section s, std::string* payload) {
  payload->resize(size_t(s.length));
  WEMBED_RETURN_IF_ERROR(ReadInto(&s, payload->data(), payload->size()));
  return CheckCrc(s);
}

Status SectionReader::ReadEnd(const Section& s) {
  std::string payload;
  WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
  if (!payload.empty()) {
    return Corrupt("end section has " + std::to_string(s.length) +
                   " payload bytes (expected 0)");
  }
  if (remaining() != 0) {
    return Corrupt(std::to_string(remaining()) +
                   " bytes of trailing data after the end section at "
                   "offset " +
                   std::to_string(s.offset));
  }
  return Status::Ok();
}

Status SectionReader::ReadKeyValues(
    const Section& s, std::vector<std::pair<std::string, std::string>>* kv) {
  std::string payload;
  WEMBED_RETURN_IF_ERROR(ReadPayload(s, &payload));
  ByteDecoder d(payload);
  uint32_t count;
  if (!d.Fixed32(&count)) return Corrupt(Where(s) + " is too short");
  if (count > d.remaining() / kMinKeyValueBytes) {
    return Corrupt(Where(s) + " declares " + std::to_string(count) +
                   " options but holds only " + std::to_string(d.remaining()) +
                   " bytes");
  }
  kv->resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    auto& [key, value] = (*kv)[i];
    if (!d.LengthPrefixed(&key) || !d.LengthPrefixed(&value)) {
      return Corrupt(Where(s) + ": option " + std::to_string(i) +
                     " runs past the end of the section");
    }
  }
  if (d.remaining() != 0) {
    return Corrupt(Where(s) + " has " + std::to_string(d.remaining()) +
                   " unexpected bytes after its last option");
  }
  return Status::Ok();
}

}  // namespace wembed
