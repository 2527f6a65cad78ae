// The collectives RunTraining adds around training when it runs as one of
// the ranks of a RankGroup (docs/distributed.md): agreeing on errors at
// the points every rank reaches, and merging the ranks' word counts into
// one vocabulary.
#ifndef WEMBED_SRC_TRAIN_RANK_PROTOCOL_H_
#define WEMBED_SRC_TRAIN_RANK_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "wembed/base/status.h"
#include "wembed/corpus/corpus_scanner.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/train/rank_group.h"
#include "wembed/vectors/checkpoint.h"

namespace wembed {

// Collective. Ok when every member's `local` is; else, on every member,
// the error of the lowest failing rank, its message prefixed "rank R: "
// (unless only one rank runs). An error of the collectives themselves is
// returned as it is.
Status AgreeOnStatus(RankGroup& group, const Status& local);

// Collective, for ScanRequest::merge_counts: every rank's counted words (in
// order of first occurrence) merged in rank order (= the order of first
// occurrence in the whole corpus), counts summed, then sorted and filtered
// by `limits` (min_count, max_vocab, max_final_vocab) as one process
// would: the identical vocabulary on every rank. Starts with
// AgreeOnStatus(Ok) so that a rank whose scan failed before counting ended
// joins it with AgreeOnStatus(its error). `inputs` names the corpus in
// errors.
StatusOr<Vocabulary> MergeRankCounts(RankGroup& group,
                                     std::vector<std::string> words,
                                     std::vector<uint64_t> counts,
                                     const VocabOptions& limits,
                                     const std::string& inputs);

// Collective. Rank 0: *combined becomes `mine` (its own state; the
// matrices are the same on every rank after the final sync) with every
// rank's threads and corpus share (Checkpoint::ranks) gathered in rank
// order. Other ranks: *combined is left as it is.
Status GatherRankCheckpoint(RankGroup& group, const Checkpoint& mine,
                            Checkpoint* combined);

// Turns a distributed run's checkpoint into rank `rank`'s: its threads,
// and its share's corpus totals in the progress (ranks cleared). The
// checkpoint must have been written by `size` ranks.
Status TakeRankShare(int rank, int size, const std::string& path,
                     Checkpoint* c);

}  // namespace wembed

#endif  // WEMBED_SRC_TRAIN_RANK_PROTOCOL_H_
