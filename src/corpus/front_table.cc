#include "corpus/front_table.h"

#include <cstring>

#include "base/string_hash.h"

namespace wembed {

namespace {

constexpr size_t kHeadBytes = 8;

// The first min(n, 8) bytes at `p`, zero-padded; reads only those bytes.
uint64_t Head(const char* p, size_t n) {
  using hash_internal::Load32;
  using hash_internal::Load64;
  if (n >= 8) return Load64(p);
  if (n >= 4) return Load32(p) | (Load32(p + n - 4) << (8 * (n - 4)));
  uint64_t v = uint8_t(p[0]);
  if (n > 1) v |= uint64_t(uint8_t(p[1])) << 8;
  if (n > 2) v |= uint64_t(uint8_t(p[2])) << 16;
  return v;
}

uint64_t SlotHash(std::string_view word, uint64_t head) {
  using namespace hash_internal;
  const uint64_t last =
      word.size() > kHeadBytes ? Load64(word.data() + word.size() - 8) : 0;
  return MulFold(head ^ kK1, last ^ (word.size() * kK0) ^ kK2);
}

}  // namespace

void FrontTable::Size(Level& level, size_t words) {
  size_t capacity = 16;
  while (capacity < 2 * words) capacity *= 2;
  level.slots.assign(capacity, Slot{0, 0, -1});
  level.mask = capacity - 1;
}

FrontTable::FrontTable(const std::vector<std::string>& words,
                       const std::vector<uint32_t>& hot) {
  Size(all_, words.size());
  Size(hot_, hot.size());
  tail_offsets_.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    tail_offsets_.push_back(uint32_t(tails_.size()));
    if (w.size() > kHeadBytes) tails_.append(w, kHeadBytes);
    Insert(all_, w, int32_t(i));
  }
  for (const uint32_t i : hot) Insert(hot_, words[i], int32_t(i));
}

void FrontTable::Insert(Level& level, std::string_view word, int32_t index) {
  const uint64_t head = Head(word.data(), word.size());
  const size_t i = Probe(level, word, head, SlotHash(word, head));
  level.slots[i] = Slot{head, uint32_t(word.size()), index};
}

size_t FrontTable::Probe(const Level& level, std::string_view word,
                         uint64_t head, uint64_t hash) const {
  const uint32_t size = uint32_t(word.size());
  for (size_t i = hash & level.mask;; i = (i + 1) & level.mask) {
    const Slot& s = level.slots[i];
    if (s.index < 0) return i;
    if (s.head == head && s.size == size &&
        (size <= kHeadBytes ||
         EqualBytes(tails_.data() + tail_offsets_[s.index],
                    word.data() + kHeadBytes, size - kHeadBytes))) {
      return i;
    }
  }
}

int32_t FrontTable::Find(std::string_view word) const {
  const uint64_t head = Head(word.data(), word.size());
  const uint64_t hash = SlotHash(word, head);
  const int32_t hot = hot_.slots[Probe(hot_, word, head, hash)].index;
  return hot >= 0 ? hot : all_.slots[Probe(all_, word, head, hash)].index;
}

}  // namespace wembed
