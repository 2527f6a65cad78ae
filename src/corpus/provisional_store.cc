#include "corpus/provisional_store.h"

#include <utility>

#include "base/coding.h"

namespace wembed {
namespace {

// A spilled record: stream bytes u64, map bytes u64, map entries u64,
// continues u64 (0/1), then the stream and the map.
constexpr size_t kRecordHeaderBytes = 32;

}  // namespace

ProvisionalStore::ProvisionalStore(uint64_t memory_limit, std::string dir,
                                   const Env& env, size_t max_reusable)
    : memory_limit_(memory_limit),
      dir_(std::move(dir)),
      env_(env),
      max_reusable_(max_reusable) {}

ByteStream ProvisionalStore::ReusableStream(size_t capacity) {
  ByteStream s;
  if (!reusable_.empty()) {
    s = std::move(reusable_.back());
    reusable_.pop_back();
    s.Clear();
  }
  s.Reserve(capacity);
  return s;
}

Status ProvisionalStore::Append(ProvisionalRecord record) {
  memory_bytes_ += record.bytes();
  memory_.push_back(std::move(record));
  ++count_;
  if (memory_bytes_ > memory_limit_) return Spill();
  return Status::Ok();
}

// Writes every record held in memory to the scratch file, in order.
Status ProvisionalStore::Spill() {
  if (spill_ == nullptr) {
    StatusOr<std::unique_ptr<ScratchFile>> f = ScratchFile::Create(dir_, env_);
    if (!f.ok()) return f.status();
    spill_ = std::move(f).value();
  }
  for (ProvisionalRecord& r : memory_) {
    char head[kRecordHeaderBytes];
    EncodeFixed64(head, r.stream.size());
    EncodeFixed64(head + 8, r.map.size());
    EncodeFixed64(head + 16, r.map_entries);
    EncodeFixed64(head + 24, r.continues ? 1 : 0);
    WEMBED_RETURN_IF_ERROR(spill_->Append(head, sizeof(head)));
    WEMBED_RETURN_IF_ERROR(spill_->Append(r.stream.data(), r.stream.size()));
    WEMBED_RETURN_IF_ERROR(spill_->Append(r.map.data(), r.map.size()));
    ++spilled_records_;
    if (reusable_.size() < max_reusable_) {
      reusable_.push_back(std::move(r.stream));
    }
  }
  memory_.clear();
  memory_bytes_ = 0;
  return Status::Ok();
}

Status ProvisionalStore::TakeNext(ProvisionalRecord* record) {
  reusable_.clear();  // appending is over: no block needs a buffer now
  if (taken_ >= spilled_records_) {
    *record = std::move(memory_.front());
    memory_.pop_front();
    ++taken_;
    return Status::Ok();
  }
  if (spill_reader_ == nullptr) {
    StatusOr<std::unique_ptr<RandomAccessFile>> r = spill_->Reader();
    if (!r.ok()) return r.status();
    spill_reader_ = std::move(r).value();
  }
  char head[kRecordHeaderBytes];
  WEMBED_RETURN_IF_ERROR(
      spill_reader_->ReadAt(read_offset_, head, sizeof(head)));
  record->stream.Resize(size_t(DecodeFixed64(head)));
  record->map.Resize(size_t(DecodeFixed64(head + 8)));
  record->map_entries = DecodeFixed64(head + 16);
  record->continues = DecodeFixed64(head + 24) != 0;
  read_offset_ += sizeof(head);
  WEMBED_RETURN_IF_ERROR(spill_reader_->ReadAt(
      read_offset_, record->stream.data(), record->stream.size()));
  read_offset_ += record->stream.size();
  WEMBED_RETURN_IF_ERROR(spill_reader_->ReadAt(read_offset_, record->map.data(),
                                               record->map.size()));
  read_offset_ += record->map.size();
  ++taken_;
  return Status::Ok();
}

}  // namespace wembed
