#include "train/rank_protocol.h"

#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/coding.h"
#include "corpus/vocabulary_coding.h"

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
// BuildVocabulary (corpus_scanner.cc) does for one process.
StatusOr<Vocabulary> MergeOnRankZero(const std::vector<std::string>& all,
                                     const VocabOptions& limits,
                                     const std::string& inputs) {
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  std::unordered_map<std::string, size_t> index;
  for (const std::string& bytes : all) {
    ByteDecoder d(bytes);
    uint64_t n = 0;
    d.Fixed64(&n);
    std::string word;
    uint64_t count = 0;
    for (uint64_t i = 0; i < n && d.LengthPrefixed(&word) && d.Fixed64(&count);
         ++i) {
      auto [it, added] = index.emplace(std::move(word), words.size());
      if (added) {
        words.push_back(it->first);
        counts.push_back(0);
      }
      counts[it->second] += count;
    }
  }
  index.clear();
  std::vector<std::string> kept;
  std::vector<uint64_t> kept_counts;
  for (size_t i = 0; i < words.size(); ++i) {
    if (counts[i] < limits.min_count) continue;
    kept.push_back(std::move(words[i]));
    kept_counts.push_back(counts[i]);
  }
  StatusOr<Vocabulary> merged =
      Vocabulary::FromWordsAndCounts(std::move(kept), std::move(kept_counts));
  if (!merged.ok()) return merged.status();
  StatusOr<Vocabulary> v = merged->SortedAndFiltered(
      limits.min_count, limits.max_vocab, limits.max_final_vocab);
  if (!v.ok()) return Status(v.status().code(), inputs + ": " + v.status().message());
  return v;
}

}  // namespace

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
    verdict = merged.ok()
                  ? EncodeVerdict(Status::Ok(), EncodeVocabularyPayload(*merged))
                  : EncodeVerdict(merged.status(), "");
  }
  WEMBED_RETURN_IF_ERROR(group.BroadcastBytes(&verdict));
  std::string_view payload;
  WEMBED_RETURN_IF_ERROR(DecodeVerdict(verdict, &payload));
  return DecodeVocabularyPayload(payload);
}

}  // namespace wembed
