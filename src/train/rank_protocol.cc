#include "train/rank_protocol.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "base/coding.h"
#include "corpus/count_table.h"
#include "corpus/vocabulary_coding.h"
#include "wembed/corpus/encoded_corpus.h"

namespace wembed {
namespace {

// A verdict broadcast from rank 0: u32 status code, the message, and, when
// the code is kOk, a payload.
std::string EncodeVerdict(const Status& status, std::string_view payload) {
  std::string out;
  PutFixed32(&out, uint32_t(status.code()));
  PutLengthPrefixed(&out, status.message());
  out.append(payload);
  return out;
}

Status DecodeVerdict(std::string_view in, std::string_view* payload) {
  ByteDecoder d(in);
  uint32_t code = 0;
  std::string message;
  if (!d.Fixed32(&code) || !d.LengthPrefixed(&message)) {
    return Status::Internal("a garbled message between ranks");
  }
  *payload = in.substr(in.size() - d.remaining());
  return code == 0 ? Status::Ok() : Status(StatusCode(code), message);
}

std::string EncodeCounts(const std::vector<std::string>& words,
                         const std::vector<uint64_t>& counts) {
  std::string out;
  PutFixed64(&out, words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    PutLengthPrefixed(&out, words[i]);
    PutFixed64(&out, counts[i]);
  }
  return out;
}

// Rank 0: the ranks' counts merged in rank order, filtered as
// BuildVocabulary (corpus_scanner.cc) does for one process. A CountTable
// (no allocation per word) keeps the order of first occurrence as its
// provisional ids.
StatusOr<Vocabulary> MergeOnRankZero(const std::vector<std::string>& all,
                                     const VocabOptions& limits,
                                     const std::string& inputs) {
  CountTable table;
  for (const std::string& bytes : all) {
    ByteDecoder d(bytes);
    uint64_t n = 0;
    d.Fixed64(&n);
    std::string_view word;
    uint64_t count = 0;
    for (uint64_t i = 0; i < n && d.LengthPrefixedView(&word) &&
                         d.Fixed64(&count) && !word.empty() && count > 0;
         ++i) {
      table.AddCount(word, count);
    }
  }
  std::vector<const CountTable::Entry*> order(table.size());
  table.ForEach([&](const CountTable::Entry& e) {
    order[size_t(e.provisional_id)] = &e;
  });
  std::vector<std::string> kept;
  std::vector<uint64_t> kept_counts;
  for (const CountTable::Entry* e : order) {
    if (e->count < limits.min_count) continue;
    kept.emplace_back(e->word());
    kept_counts.push_back(e->count);
  }
  StatusOr<Vocabulary> merged =
      Vocabulary::FromWordsAndCounts(std::move(kept), std::move(kept_counts));
  if (!merged.ok()) return merged.status();
  StatusOr<Vocabulary> v = merged->SortedAndFiltered(
      limits.min_count, limits.max_vocab, limits.max_final_vocab);
  if (!v.ok())
    return Status(v.status().code(), inputs + ": " + v.status().message());
  return v;
}

// A rank's part of a checkpoint: its corpus share and its threads.
std::string EncodeRankProgress(const TrainProgress& p) {
  std::string out;
  PutFixed64(&out, p.corpus_tokens);
  PutFixed64(&out, p.corpus_bytes);
  PutFixed64(&out, p.corpus_fingerprint);
  PutFixed32(&out, uint32_t(p.threads.size()));
  for (const ThreadProgress& t : p.threads) {
    PutFixed32(&out, t.epoch);
    for (uint64_t v :
         {t.begin, t.end, t.position, t.rng_state[0], t.rng_state[1],
          t.rng_state[2], t.rng_state[3], t.words_done, t.words_unreported}) {
      PutFixed64(&out, v);
    }
  }
  return out;
}

bool DecodeRankProgress(std::string_view in, RankShare* share,
                        std::vector<ThreadProgress>* threads) {
  ByteDecoder d(in);
  if (!d.Fixed64(&share->corpus_tokens) || !d.Fixed64(&share->corpus_bytes) ||
      !d.Fixed64(&share->corpus_fingerprint) || !d.Fixed32(&share->threads)) {
    return false;
  }
  for (uint32_t i = 0; i < share->threads; ++i) {
    ThreadProgress t;
    uint64_t* fields[] = {
        &t.begin,        &t.end,          &t.position,
        &t.rng_state[0], &t.rng_state[1], &t.rng_state[2],
        &t.rng_state[3], &t.words_done,   &t.words_unreported};
    bool ok = d.Fixed32(&t.epoch);
    for (uint64_t* f : fields) ok = ok && d.Fixed64(f);
    if (!ok) return false;
    threads->push_back(t);
  }
  return d.remaining() == 0;
}

}  // namespace

Status GatherRankCheckpoint(RankGroup& group, const Checkpoint& mine,
                            Checkpoint* combined) {
  std::vector<std::string> all;
  WEMBED_RETURN_IF_ERROR(
      group.GatherBytes(EncodeRankProgress(mine.progress), &all));
  if (group.rank() != 0) return Status::Ok();
  *combined = mine;
  TrainProgress& p = combined->progress;
  p.threads.clear();
  p.corpus_tokens = 0;
  p.corpus_bytes = 0;
  p.corpus_fingerprint = kFnv64Basis;
  combined->ranks.assign(all.size(), RankShare());
  for (size_t r = 0; r < all.size(); ++r) {
    RankShare& share = combined->ranks[r];
    if (!DecodeRankProgress(all[r], &share, &p.threads)) {
      return Status::Internal("a garbled checkpoint part from rank " +
                              std::to_string(r));
    }
    p.corpus_tokens += share.corpus_tokens;
    char bytes[8];
    EncodeFixed64(bytes, share.corpus_fingerprint);
    p.corpus_fingerprint = Fnv64Extend(
        p.corpus_fingerprint, reinterpret_cast<const uint8_t*>(bytes), 8);
  }
  return Status::Ok();
}

Status TakeRankShare(int rank, int size, const std::string& path,
                     Checkpoint* c) {
  const size_t written = std::max<size_t>(1, c->ranks.size());
  if (written != size_t(size)) {
    return Status::InvalidArgument(
        path + " was written by " +
        (written == 1 ? "one process" : std::to_string(written) + " ranks") +
        "; resume it with " +
        (written == 1 ? "one process (without mpirun)"
                      : "mpirun -np " + std::to_string(written)) +
        ", not " +
        (size == 1 ? "one process" : std::to_string(size) + " ranks"));
  }
  if (c->ranks.empty()) return Status::Ok();
  size_t first = 0;
  for (int r = 0; r < rank; ++r) first += c->ranks[size_t(r)].threads;
  const RankShare& share = c->ranks[size_t(rank)];
  TrainProgress& p = c->progress;
  p.threads = std::vector<ThreadProgress>(
      p.threads.begin() + first, p.threads.begin() + first + share.threads);
  p.corpus_tokens = share.corpus_tokens;
  p.corpus_bytes = share.corpus_bytes;
  p.corpus_fingerprint = share.corpus_fingerprint;
  c->ranks.clear();
  return Status::Ok();
}

Status AgreeOnStatus(RankGroup& group, const Status& local) {
  int32_t failed = local.ok() ? 0 : 1;
  WEMBED_RETURN_IF_ERROR(group.MaxInt(&failed, 1));
  if (failed == 0) return Status::Ok();
  std::vector<std::string> all;
  WEMBED_RETURN_IF_ERROR(
      group.GatherBytes(local.ok() ? "" : EncodeVerdict(local, ""), &all));
  std::string verdict;
  for (size_t r = 0; r < all.size() && verdict.empty(); ++r) {
    if (all[r].empty()) continue;
    std::string_view rest;
    const Status s = DecodeVerdict(all[r], &rest);
    const std::string prefix =
        group.size() > 1 ? "rank " + std::to_string(r) + ": " : "";
    verdict = EncodeVerdict(Status(s.code(), prefix + s.message()), "");
  }
  WEMBED_RETURN_IF_ERROR(group.BroadcastBytes(&verdict));
  std::string_view rest;
  return DecodeVerdict(verdict, &rest);
}

StatusOr<Vocabulary> MergeRankCounts(RankGroup& group,
                                     std::vector<std::string> words,
                                     std::vector<uint64_t> counts,
                                     const VocabOptions& limits,
                                     const std::string& inputs) {
  WEMBED_RETURN_IF_ERROR(AgreeOnStatus(group, Status::Ok()));
  std::vector<std::string> all;
  WEMBED_RETURN_IF_ERROR(group.GatherBytes(EncodeCounts(words, counts), &all));
  words.clear();
  counts.clear();
  std::string verdict;
  if (group.rank() == 0) {
    StatusOr<Vocabulary> merged = MergeOnRankZero(all, limits, inputs);
    all.clear();
    verdict = merged.ok() ? EncodeVerdict(Status::Ok(),
                                          EncodeVocabularyPayload(*merged))
                          : EncodeVerdict(merged.status(), "");
  }
  WEMBED_RETURN_IF_ERROR(group.BroadcastBytes(&verdict));
  std::string_view payload;
  WEMBED_RETURN_IF_ERROR(DecodeVerdict(verdict, &payload));
  return DecodeVocabularyPayload(payload);
}

}  // namespace wembed
