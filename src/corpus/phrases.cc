// RunPhrases: the passes of include/wembed/corpus/phrases.h. Pass k reads
// the inputs through the joiners of passes 1..k-1 into a PhraseCounter and
// keeps the pairs scoring above its threshold; a last read through every
// pass's joiner writes the output.
#include "wembed/corpus/phrases.h"

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <utility>

#include "base/atomic_file_writer.h"
#include "base/path_util.h"
#include "corpus/chunk_reader.h"
#include "corpus/phrase_table.h"
#include "wembed/base/output_paths.h"
#include "wembed/corpus/corpus_scanner.h"

namespace wembed {

namespace {

using Clock = std::chrono::steady_clock;

std::string RealText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Status CheckThreshold(PhraseScoring scoring, double t) {
  if (!std::isfinite(t)) {
    return Status::InvalidArgument("--threshold must be a finite number");
  }
  if (scoring == PhraseScoring::kNpmi && (t < -1 || t > 1)) {
    return Status::InvalidArgument(
        "--threshold must be in [-1, 1] with --scoring npmi, got " +
        RealText(t));
  }
  if (scoring == PhraseScoring::kDefault && t < 0) {
    return Status::InvalidArgument(
        "--threshold must be >= 0 with --scoring default, got " + RealText(t));
  }
  return Status::Ok();
}

// Each pass reads the inputs again: they must be files, not a stream.
Status CheckRereadable(const std::vector<std::string>& inputs, int reads) {
  if (inputs.empty()) return Status::InvalidArgument("no --input given");
  for (const std::string& path : inputs) {
    const std::string why = " cannot be read " + std::to_string(reads) +
                            " times (once per pass and once to write the "
                            "output); save it to a file first";
    if (path == "-") {
      return Status::InvalidArgument("standard input ('-')" + why);
    }
    WEMBED_RETURN_IF_ERROR(CheckInputPath(path));
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 &&
        (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode))) {
      return Status::InvalidArgument(path + ": a pipe or device" + why);
    }
  }
  return Status::Ok();
}

// Writes the token stream as text: tokens separated by one space, one line
// per sentence. Keeps the first write error.
class TextWriterSink final : public TokenSink {
 public:
  explicit TextWriterSink(BufferedFileWriter* out) : out_(out) {}

  void OnToken(std::string_view token) override {
    if (!status_.ok()) return;
    std::string& buf = out_->buffer();
    if (!line_start_) buf.push_back(' ');
    buf.append(token);
    line_start_ = false;
    ++tokens_;
    status_ = out_->MaybeFlush();
  }
  void OnSentenceEnd() override {
    out_->buffer().push_back('\n');
    line_start_ = true;
    ++sentences_;
  }

  const Status& status() const { return status_; }
  uint64_t tokens() const { return tokens_; }
  uint64_t sentences() const { return sentences_; }

 private:
  BufferedFileWriter* const out_;
  bool line_start_ = true;
  uint64_t tokens_ = 0;
  uint64_t sentences_ = 0;
  Status status_;
};

// One read of the inputs: tokenizer -> joiners of `sets` (in order) ->
// `sink`, with progress reports.
class PhraseRead {
 public:
  PhraseRead(const PhraseRequest& request, const std::vector<PhraseSet>& sets,
             TokenSink& sink, Clock::time_point start)
      : request_(request), start_(start) {
    TokenSink* next = &sink;
    for (size_t i = sets.size(); i-- > 0;) {
      joiners_.push_back(std::make_unique<PhraseJoiner>(sets[i], *next));
      next = joiners_.back().get();
    }
    head_ = next;
  }

  // `progress` is filled in (tokens: tokens()) and reported about once a
  // second; the read stops when sink_status() fails.
  Status Run(PhraseProgress progress, const std::function<uint64_t()>& tokens,
             const std::function<Status()>& sink_status) {
    TokenizerOptions options = request_.options.tokenizer;
    // A line is one sentence, however long: the output keeps the lines.
    options.max_sentence_tokens = std::numeric_limits<size_t>::max();
    Tokenizer tokenizer(options);
    auto last = Clock::now();
    return TokenizeInputs(
        request_.inputs, request_.env ? *request_.env : Env::Default(),
        tokenizer, *head_, [&](uint64_t bytes_read) {
          bytes_read_ = bytes_read;
          WEMBED_RETURN_IF_ERROR(sink_status());
          if (request_.progress && Clock::now() - last >= kProgressEvery) {
            last = Clock::now();
            progress.bytes_read = bytes_read;
            progress.tokens = tokens();
            progress.seconds = SecondsSince(start_);
            request_.progress(progress);
          }
          return Status::Ok();
        });
  }

  uint64_t bytes_read() const { return bytes_read_; }
  // Pairs joined by the joiner of sets[i].
  uint64_t joined(size_t i) const {
    return joiners_[joiners_.size() - 1 - i]->joined();
  }

 private:
  static constexpr std::chrono::seconds kProgressEvery{1};

  const PhraseRequest& request_;
  const Clock::time_point start_;
  std::vector<std::unique_ptr<PhraseJoiner>> joiners_;  // last set first
  TokenSink* head_ = nullptr;
  uint64_t bytes_read_ = 0;
};

std::string EmptyCorpusMessage(const std::vector<std::string>& inputs) {
  if (inputs.size() == 1) return inputs[0] + ": empty corpus (no tokens)";
  return "empty corpus (no tokens in the " + std::to_string(inputs.size()) +
         " inputs)";
}

// Pass `pass` (1-based): counts the stream after `sets`, appends the pairs
// it accepts to `sets`.
StatusOr<PhrasePassStats> CountPass(const PhraseRequest& request, int pass,
                                    std::vector<PhraseSet>* sets,
                                    Clock::time_point start) {
  const auto pass_start = Clock::now();
  const PhraseOptions& options = request.options;
  PhraseCounter counter(options.max_table_entries);
  PhraseRead read(request, *sets, counter, start);
  PhraseProgress progress;
  progress.pass = pass;
  progress.passes = int(options.thresholds.size());
  WEMBED_RETURN_IF_ERROR(read.Run(
      progress, [&] { return counter.total_tokens(); },
      [] { return Status::Ok(); }));
  if (counter.total_tokens() == 0) {
    return Status::InvalidArgument(EmptyCorpusMessage(request.inputs));
  }
  PhrasePassStats stats;
  stats.pass = pass;
  stats.threshold = options.thresholds[pass - 1];
  stats.bytes_read = read.bytes_read();
  stats.tokens = counter.total_tokens();
  stats.sentences = counter.sentences();
  stats.distinct_pairs = counter.distinct_pairs();
  stats.distinct_words = counter.distinct_words();
  stats.prune_rounds = counter.pruner().rounds();
  stats.prune_threshold = counter.pruner().threshold();
  sets->push_back(BuildPhraseSet(counter, options, stats.threshold));
  stats.phrases = sets->back().size();
  stats.seconds = SecondsSince(pass_start);
  return stats;
}

// The last read: every pass's joiner, into the output file.
Status WriteOutput(const PhraseRequest& request,
                   const std::vector<PhraseSet>& sets, Clock::time_point start,
                   PhraseResult* result) {
  const Env& env = request.env ? *request.env : Env::Default();
  BufferedFileWriter out(request.output, env, size_t{4} << 20,
                         CompressionForPath(request.output));
  WEMBED_RETURN_IF_ERROR(out.Open());
  TextWriterSink writer(&out);
  PhraseRead read(request, sets, writer, start);
  PhraseProgress progress;
  progress.passes = int(sets.size());
  progress.pass = progress.passes + 1;
  progress.writing = true;
  WEMBED_RETURN_IF_ERROR(read.Run(
      progress, [&] { return writer.tokens(); },
      [&] { return writer.status(); }));
  WEMBED_RETURN_IF_ERROR(writer.status());
  WEMBED_RETURN_IF_ERROR(out.Commit());
  for (size_t i = 0; i < sets.size(); ++i) {
    result->passes[i].joined = read.joined(i);
  }
  result->tokens_written = writer.tokens();
  result->sentences_written = writer.sentences();
  result->bytes_written = out.bytes_written();
  return Status::Ok();
}

}  // namespace

double PhraseScore(PhraseScoring scoring, uint64_t count_a, uint64_t count_b,
                   uint64_t count_ab, uint64_t total_tokens,
                   uint64_t min_count) {
  constexpr double kNever = -std::numeric_limits<double>::infinity();
  if (count_a == 0 || count_b == 0 || count_ab == 0 || count_a < min_count ||
      count_b < min_count || count_ab < min_count || total_tokens == 0) {
    return kNever;
  }
  const double a = double(count_a), b = double(count_b), ab = double(count_ab);
  const double total = double(total_tokens);
  if (scoring == PhraseScoring::kDefault) {
    return (ab - double(min_count)) / a / b * total;
  }
  const double p_ab = ab / total;
  if (p_ab >= 1) return 1;  // a pair cannot be every token; guards -ln(1) = 0
  return std::log(p_ab / ((a / total) * (b / total))) / -std::log(p_ab);
}

Status ValidatePhraseOptions(const PhraseOptions& options) {
  const size_t passes = options.thresholds.size();
  if (passes < 1 || passes > size_t(kMaxPhrasePasses)) {
    return Status::InvalidArgument("--passes must be in 1.." +
                                   std::to_string(kMaxPhrasePasses));
  }
  for (double t : options.thresholds) {
    WEMBED_RETURN_IF_ERROR(CheckThreshold(options.scoring, t));
  }
  if (options.min_count < 1) {
    return Status::InvalidArgument("--min-count must be >= 1");
  }
  if (options.max_table_entries < 1 ||
      options.max_table_entries > kMaxCountTableEntries) {
    return Status::InvalidArgument("--max-table-entries must be in 1.." +
                                   std::to_string(kMaxCountTableEntries));
  }
  const size_t bytes = options.tokenizer.max_token_bytes;
  if (bytes < kMinTokenBytes || bytes > kMaxTokenBytes) {
    return Status::InvalidArgument("--max-token-bytes must be in " +
                                   std::to_string(kMinTokenBytes) + ".." +
                                   std::to_string(kMaxTokenBytes));
  }
  return Status::Ok();
}

StatusOr<PhraseResult> RunPhrases(const PhraseRequest& request) {
  const auto start = Clock::now();
  const PhraseOptions& options = request.options;
  WEMBED_RETURN_IF_ERROR(ValidatePhraseOptions(options));
  const int passes = int(options.thresholds.size());
  WEMBED_RETURN_IF_ERROR(CheckRereadable(request.inputs, passes + 1));
  PathOptions inputs;
  for (const std::string& in : request.inputs)
    inputs.push_back({"--input", in});
  WEMBED_RETURN_IF_ERROR(
      CheckOutputPaths(inputs, {{"--output", request.output}}));
  WEMBED_RETURN_IF_ERROR(CheckWritable("--output", request.output));
  PhraseResult result;
  std::vector<PhraseSet> sets;
  for (int pass = 1; pass <= passes; ++pass) {
    StatusOr<PhrasePassStats> stats = CountPass(request, pass, &sets, start);
    if (!stats.ok()) return stats.status();
    result.passes.push_back(*stats);
    if (request.pass_done) request.pass_done(*stats);
  }
  WEMBED_RETURN_IF_ERROR(WriteOutput(request, sets, start, &result));
  result.seconds = SecondsSince(start);
  return result;
}

}  // namespace wembed
