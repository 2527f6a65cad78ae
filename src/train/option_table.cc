// The option table: the one place a training option is declared. See
// include/wembed/train/option_table.h for what derives from it.
#include "wembed/train/option_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <thread>
#include <type_traits>

#include "wembed/text/tokenizer.h"
#include "wembed/vectors/checkpoint.h"
#include "wembed/vectors/vector_export.h"

namespace wembed {
namespace {

// A field of a TrainingJob, reached through a non-capturing lambda.
template <typename T>
using Field = T& (*)(TrainingJob&);

#define WEMBED_FIELD(type, member) \
  static_cast<Field<type>>([](TrainingJob& j) -> type& { return j.member; })

// The table only reads through this (its accessors are written once, for
// the mutable case).
template <typename T>
const T& Read(Field<T> field, const TrainingJob& job) {
  return field(const_cast<TrainingJob&>(job));
}

std::string Flag(const std::string& name) { return "--" + name; }

Status BadValue(const std::string& name, const std::string& expected,
                const std::string& value) {
  return Status::InvalidArgument(Flag(name) + ": expected " + expected +
                                 ", got '" + value + "'");
}

Status NeedOne(const std::string& name, const std::vector<std::string>& v) {
  if (v.size() == 1) return Status::Ok();
  return Status::InvalidArgument(Flag(name) + ": expected one value, got " +
                                 std::to_string(v.size()));
}

// The shortest text that reads back to `v`, exponents without padding
// ("1e-4", not "1e-04").
std::string RealToText(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, r.ptr);
  const size_t e = s.find('e');
  if (e != std::string::npos) {
    size_t digits = e + 1;
    if (digits < s.size() && (s[digits] == '-' || s[digits] == '+')) ++digits;
    while (digits + 1 < s.size() && s[digits] == '0') s.erase(digits, 1);
  }
  return s;
}

// "a, b or c".
std::string JoinChoices(const std::vector<std::string>& choices) {
  std::string s;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) s += i + 1 == choices.size() ? " or " : ", ";
    s += choices[i];
  }
  return s;
}

OptionSpec Spec(std::string name, OptionKind kind, std::string group,
                std::string help, ResumeRule resume) {
  OptionSpec s;
  s.name = std::move(name);
  s.kind = kind;
  s.group = std::move(group);
  s.help = std::move(help);
  s.resume = resume;
  s.check = [](const TrainingJob&) { return std::string(); };
  return s;
}

// An integer option with inclusive bounds [lo, hi].
template <typename T>
OptionSpec Integer(std::string name, Field<T> field, T lo, T hi,
                   std::string group, std::string help, ResumeRule resume) {
  const bool is_signed = std::is_signed_v<T>;
  OptionSpec s = Spec(name, is_signed ? OptionKind::kInt : OptionKind::kCount,
                      std::move(group), std::move(help), resume);
  s.get = [field](const TrainingJob& j) {
    return std::vector<std::string>{std::to_string(Read(field, j))};
  };
  s.set = [name, field, is_signed](const std::vector<std::string>& v,
                                   TrainingJob* j) {
    WEMBED_RETURN_IF_ERROR(NeedOne(name, v));
    const std::string& text = v[0];
    T value{};
    const auto r = std::from_chars(text.data(), text.data() + text.size(),
                                   value);
    if (text.empty() || r.ec != std::errc() ||
        r.ptr != text.data() + text.size()) {
      return BadValue(name,
                      is_signed ? "an integer" : "a non-negative integer",
                      text);
    }
    field(*j) = value;
    return Status::Ok();
  };
  s.check = [field, lo, hi](const TrainingJob& j) {
    const T v = Read(field, j);
    if (v >= lo && v <= hi) return std::string();
    if (hi == std::numeric_limits<T>::max()) {
      return "must be >= " + std::to_string(lo);
    }
    return "must be in " + std::to_string(lo) + ".." + std::to_string(hi);
  };
  return s;
}

// A real option; `in_bounds` decides, `bounds` says it ("in (0, 10]").
OptionSpec Real(std::string name, Field<double> field,
                bool (*in_bounds)(double), std::string bounds,
                std::string group, std::string help, ResumeRule resume) {
  OptionSpec s = Spec(name, OptionKind::kReal, std::move(group),
                      std::move(help), resume);
  s.get = [field](const TrainingJob& j) {
    return std::vector<std::string>{RealToText(Read(field, j))};
  };
  s.set = [name, field](const std::vector<std::string>& v, TrainingJob* j) {
    WEMBED_RETURN_IF_ERROR(NeedOne(name, v));
    const std::string& text = v[0];
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(value)) {
      return BadValue(name, "a number", text);
    }
    field(*j) = value;
    return Status::Ok();
  };
  s.check = [field, in_bounds, bounds](const TrainingJob& j) {
    return in_bounds(Read(field, j)) ? std::string() : "must be " + bounds;
  };
  return s;
}

OptionSpec Switch(std::string name, Field<bool> field, std::string group,
                  std::string help, ResumeRule resume) {
  OptionSpec s = Spec(name, OptionKind::kFlag, std::move(group),
                      std::move(help), resume);
  s.get = [field](const TrainingJob& j) {
    return std::vector<std::string>{Read(field, j) ? "1" : "0"};
  };
  s.set = [name, field](const std::vector<std::string>& v, TrainingJob* j) {
    WEMBED_RETURN_IF_ERROR(NeedOne(name, v));
    const std::string& t = v[0];
    if (t == "1" || t == "true" || t == "yes" || t == "on") {
      field(*j) = true;
    } else if (t == "0" || t == "false" || t == "no" || t == "off") {
      field(*j) = false;
    } else {
      return BadValue(name, "1 or 0", t);
    }
    return Status::Ok();
  };
  return s;
}

OptionSpec Text(std::string name, Field<std::string> field, std::string group,
                std::string help, ResumeRule resume) {
  OptionSpec s = Spec(name, OptionKind::kText, std::move(group),
                      std::move(help), resume);
  s.get = [field](const TrainingJob& j) {
    return std::vector<std::string>{Read(field, j)};
  };
  s.set = [name, field](const std::vector<std::string>& v, TrainingJob* j) {
    WEMBED_RETURN_IF_ERROR(NeedOne(name, v));
    field(*j) = v[0];
    return Status::Ok();
  };
  return s;
}

OptionSpec TextList(std::string name, Field<std::vector<std::string>> field,
                    std::string group, std::string help, ResumeRule resume) {
  OptionSpec s = Spec(name, OptionKind::kTextList, std::move(group),
                      std::move(help), resume);
  s.get = [field](const TrainingJob& j) { return Read(field, j); };
  s.set = [field](const std::vector<std::string>& v, TrainingJob* j) {
    field(*j) = v;
    return Status::Ok();
  };
  return s;
}

// One of a fixed set of names, each standing for a value of T.
template <typename T>
OptionSpec Choice(std::string name, Field<T> field,
                  std::vector<std::pair<std::string, T>> values,
                  std::string group, std::string help, ResumeRule resume) {
  OptionSpec s = Spec(name, OptionKind::kChoice, std::move(group),
                      std::move(help), resume);
  for (const auto& [text, value] : values) s.choices.push_back(text);
  s.get = [field, values](const TrainingJob& j) {
    for (const auto& [text, value] : values) {
      if (value == Read(field, j)) return std::vector<std::string>{text};
    }
    return std::vector<std::string>{"?"};
  };
  const std::string expected = JoinChoices(s.choices);
  s.set = [name, field, values, expected](const std::vector<std::string>& v,
                                          TrainingJob* j) {
    WEMBED_RETURN_IF_ERROR(NeedOne(name, v));
    for (const auto& [text, value] : values) {
      if (text == v[0]) {
        field(*j) = value;
        return Status::Ok();
      }
    }
    return Status::InvalidArgument(Flag(name) + " must be " + expected +
                                   ", not '" + v[0] + "'");
  };
  return s;
}

int Cores() { return int(std::max(1u, std::thread::hardware_concurrency())); }

// The most threads a run may ask for.
int MaxThreads() { return std::max(64, 4 * Cores()); }

OptionSpec ThreadsOption() {
  OptionSpec s = Integer<int>(
      "threads", WEMBED_FIELD(int, options.threads), 0, 1 << 20, "training",
      "worker threads (0 = all " + std::to_string(Cores()) + " cores)",
      ResumeRule::kMustMatch);
  s.check = [](const TrainingJob& j) {
    const int t = j.options.threads;
    if (t >= 0 && t <= MaxThreads()) return std::string();
    return "must be in 1.." + std::to_string(MaxThreads()) +
           " (this machine has " + std::to_string(Cores()) +
           " cores; 0 means all of them)";
  };
  return s;
}

constexpr char kInput[] = "input and vocabulary";
constexpr char kModel[] = "model";
constexpr char kTraining[] = "training";
constexpr char kOutput[] = "output";
constexpr char kCheckpoints[] = "checkpoints";
constexpr char kResources[] = "memory and disk";

std::vector<OptionSpec> InputOptions() {
  using R = ResumeRule;
  std::vector<OptionSpec> t;
  t.push_back(TextList(
      "input", WEMBED_FIELD(std::vector<std::string>, options.inputs), kInput,
      "corpus files (plain or gzip), directories (their "
      "files, recursively, in name order), @list files "
      "(one path a line), - for stdin; or one encoded "
      "corpus (.wenc, from wembed encode)",
      R::kChangeable));
  t.back().short_name = 'i';
  t.push_back(Switch("lowercase", WEMBED_FIELD(bool, options.tokenizer.lowercase),
                     kInput, "lowercase tokens (Unicode-aware)", R::kKept));
  t.push_back(Switch("strip-punct",
                     WEMBED_FIELD(bool, options.tokenizer.strip_punct), kInput,
                     "treat Unicode punctuation as a separator", R::kKept));
  t.push_back(Integer<size_t>(
      "max-token-bytes", WEMBED_FIELD(size_t, options.tokenizer.max_token_bytes),
      kMinTokenBytes, kMaxTokenBytes, kInput,
      "cut longer tokens at a UTF-8 character boundary", R::kKept));
  t.push_back(Integer<uint64_t>(
      "min-count", WEMBED_FIELD(uint64_t, options.vocab.min_count), 1,
      std::numeric_limits<uint64_t>::max(), kInput,
      "drop words seen fewer times", R::kKept));
  t.push_back(Integer<uint64_t>(
      "max-vocab", WEMBED_FIELD(uint64_t, options.vocab.max_vocab), 0,
      std::numeric_limits<uint64_t>::max(), kInput,
      "keep only the N most frequent words (0 = no limit)", R::kKept));
  t.push_back(Integer<uint64_t>(
      "max-final-vocab", WEMBED_FIELD(uint64_t, options.vocab.max_final_vocab),
      0, std::numeric_limits<uint64_t>::max(), kInput,
      "keep at most N words by raising --min-count to the smallest value "
      "that does (gensim's max_final_vocab; 0 = no limit)",
      R::kKept));
  t.push_back(Integer<uint64_t>(
      "max-table-entries",
      WEMBED_FIELD(uint64_t, options.vocab.max_table_entries), 1,
      kMaxCountTableEntries, kInput,
      "distinct words held while counting; beyond it the rarest are pruned "
      "(word2vec's ReduceVocab) and rare-word counts become approximate",
      R::kKept));
  t.push_back(Text("read-vocab", WEMBED_FIELD(std::string, read_vocab), kInput,
                   "use this vocabulary file (word count lines) instead of "
                   "counting",
                   R::kFreshOnly));
  return t;
}

// --negative: 1..1000 with --loss ns; not used (0 allowed) with --loss hs.
OptionSpec NegativeOption() {
  OptionSpec s = Integer<int>(
      "negative", WEMBED_FIELD(int, options.negative), 0, 1000, kModel,
      "negative samples per positive (--loss ns; 0 or unused with --loss hs)",
      ResumeRule::kKept);
  const auto bounds = s.check;
  s.check = [bounds](const TrainingJob& j) {
    if (j.options.loss == Loss::kNegativeSampling && j.options.negative == 0) {
      return std::string(
          "must be >= 1 with --loss ns (word2vec.c's -negative 0 -hs 1 is "
          "--loss hs)");
    }
    return bounds(j);
  };
  return s;
}

// Checkpoints store --subwords and --buckets only for runs with subwords.
bool HasSubwords(const TrainingJob& j) { return j.options.subword_min_n > 0; }

// --subwords MIN-MAX (or "off"): two fields from one value.
OptionSpec SubwordsOption() {
  OptionSpec s = Spec(
      "subwords", OptionKind::kText, kModel,
      "fastText's subwords: a word's input vector is the mean of its row and "
      "the rows of its character n-grams of MIN..MAX characters, e.g. 3-6 "
      "(--loss ns; docs/training.md); off = none",
      ResumeRule::kKept);
  s.get = [](const TrainingJob& j) {
    const TrainOptions& o = j.options;
    if (o.subword_min_n == 0) return std::vector<std::string>{"off"};
    return std::vector<std::string>{std::to_string(o.subword_min_n) + "-" +
                                    std::to_string(o.subword_max_n)};
  };
  s.set = [](const std::vector<std::string>& v, TrainingJob* j) {
    WEMBED_RETURN_IF_ERROR(NeedOne("subwords", v));
    const std::string& t = v[0];
    if (t == "off" || t == "0") {
      j->options.subword_min_n = j->options.subword_max_n = 0;
      return Status::Ok();
    }
    int lo = 0, hi = 0;
    const char* end = t.data() + t.size();
    const auto a = std::from_chars(t.data(), end, lo);
    if (a.ec != std::errc() || a.ptr == end || *a.ptr != '-') {
      return BadValue("subwords", "MIN-MAX (e.g. 3-6) or off", t);
    }
    const auto b = std::from_chars(a.ptr + 1, end, hi);
    if (b.ec != std::errc() || b.ptr != end) {
      return BadValue("subwords", "MIN-MAX (e.g. 3-6) or off", t);
    }
    j->options.subword_min_n = lo;
    j->options.subword_max_n = hi;
    return Status::Ok();
  };
  s.check = [](const TrainingJob& j) {
    const int lo = j.options.subword_min_n, hi = j.options.subword_max_n;
    if (lo == 0 && hi == 0) return std::string();
    if (lo >= 1 && lo <= hi && hi <= kMaxSubwordLength) return std::string();
    return "must be MIN-MAX with 1 <= MIN <= MAX <= " +
           std::to_string(kMaxSubwordLength);
  };
  s.stored_if = HasSubwords;
  return s;
}

std::vector<OptionSpec> ModelOptions() {
  using R = ResumeRule;
  std::vector<OptionSpec> t;
  t.push_back(Choice<Model>(
      "model", WEMBED_FIELD(Model, options.model),
      {{"sg", Model::kSkipGram}, {"cbow", Model::kCbow}}, kModel,
      "sg: skip-gram, each context word predicts the center word; cbow: "
      "continuous bag of words, the context's mean predicts the center "
      "(word2vec.c trains cbow with --alpha 0.05)",
      R::kKept));
  t.push_back(Choice<Loss>(
      "loss", WEMBED_FIELD(Loss, options.loss),
      {{"ns", Loss::kNegativeSampling}, {"hs", Loss::kHierarchicalSoftmax}},
      kModel,
      "ns: negative sampling (--negative noise words per target); hs: "
      "hierarchical softmax over a Huffman tree of the word counts (no "
      "negatives; the two are not combined)",
      R::kKept));
  t.push_back(Choice<CbowMean>(
      "cbow-mean", WEMBED_FIELD(CbowMean, options.cbow_mean),
      {{"mean", CbowMean::kMean}, {"sum", CbowMean::kSum}}, kModel,
      "cbow's hidden vector: the mean of the context vectors (word2vec.c) "
      "or their sum",
      R::kKept));
  t.push_back(Choice<SgInput>(
      "sg-input", WEMBED_FIELD(SgInput, options.sg_input),
      {{"context", SgInput::kContext}, {"center", SgInput::kCenter}}, kModel,
      "skip-gram's input side: context (word2vec.c: each context word "
      "predicts the center) or center (fastText: the center word predicts "
      "each context word, fresh negatives per context; --loss ns only)",
      R::kKept));
  t.push_back(SubwordsOption());
  t.push_back(Integer<uint64_t>(
      "buckets", WEMBED_FIELD(uint64_t, options.buckets), 1, uint64_t{1} << 32,
      kModel,
      "hash buckets of the character n-grams (--subwords): a buckets x dim "
      "float matrix, outside --memory-budget",
      R::kKept));
  t.back().stored_if = HasSubwords;
  t.push_back(Integer<int>("dim", WEMBED_FIELD(int, options.dim), 1, 10000,
                           kModel, "vector size", R::kKept));
  t.push_back(Integer<int>(
      "window", WEMBED_FIELD(int, options.window), 1, 1000, kModel,
      "max context radius; each center draws a radius in 1..window",
      R::kKept));
  t.push_back(NegativeOption());
  t.push_back(Real(
      "sample", WEMBED_FIELD(double, options.sample),
      [](double v) { return v >= 0 && v < 1; },
      "in [0, 1) (0 disables subsampling)", kModel,
      "subsampling threshold for frequent words (0 = off)", R::kKept));
  t.push_back(Real(
      "noise-exponent", WEMBED_FIELD(double, options.noise_exponent),
      [](double v) { return v >= 0 && v <= 2; }, "in [0, 2]", kModel,
      "negatives drawn from unigram counts raised to this power (CBOW's "
      "default: 0.75)",
      R::kKept));
  t.push_back(Integer<int>(
      "max-sentence-length", WEMBED_FIELD(int, options.max_sentence_length), 1,
      std::numeric_limits<int>::max(), kModel,
      "longer sentences are trained in pieces (word2vec: 1000)", R::kKept));
  return t;
}

// Stored only when on, so other runs' checkpoints keep their bytes.
OptionSpec DeterministicOption() {
  OptionSpec s = Switch(
      "deterministic", WEMBED_FIELD(bool, options.deterministic), kTraining,
      "the same bits from the same inputs, options, seed and --threads: each "
      "thread trains its own replica, merged at fixed word counts "
      "(docs/training.md; not with --subwords)",
      ResumeRule::kKept);
  s.stored_if = [](const TrainingJob& j) { return j.options.deterministic; };
  return s;
}

std::vector<OptionSpec> TrainingOptions() {
  using R = ResumeRule;
  std::vector<OptionSpec> t;
  t.push_back(Integer<int>(
      "epochs", WEMBED_FIELD(int, options.epochs), 1, 100000, kTraining,
      "passes over the corpus (on resume: a larger value stretches the "
      "learning-rate schedule from where it is)",
      R::kChangeable));
  t.push_back(Real(
      "alpha", WEMBED_FIELD(double, options.alpha),
      [](double v) { return v > 0 && v <= 10; }, "in (0, 10]", kTraining,
      "initial learning rate (decays linearly to alpha * min-alpha-ratio)",
      R::kKept));
  t.push_back(Real(
      "min-alpha-ratio", WEMBED_FIELD(double, options.min_alpha_ratio),
      [](double v) { return v > 0 && v <= 1; }, "in (0, 1]", kTraining,
      "final learning rate as a fraction of alpha (word2vec: 1e-4)",
      R::kKept));
  t.push_back(Choice<UpdateRule>(
      "update", WEMBED_FIELD(UpdateRule, options.update),
      {{"batch", UpdateRule::kBatch}, {"exact", UpdateRule::kExact}},
      kTraining,
      "batch: negatives shared across a window (HogBatch, fast); exact: "
      "word2vec.c's per-pair update. With --subwords (skip-gram), both are "
      "fastText's update: batch reads and writes the center's rows once per "
      "window, exact is fastText's loop as written",
      R::kKept));
  t.push_back(Choice<std::string>(
      "preset", WEMBED_FIELD(std::string, preset),
      {{"wembed", "wembed"}, {"word2vec", "word2vec"},
       {"fasttext", "fasttext"}, {"gensim", "gensim"}},
      kTraining,
      "another tool's defaults for --alpha, --min-alpha-ratio, "
      "--noise-exponent, --sg-input, --sample and --output-vectors (options "
      "given explicitly win; docs/quality.md)",
      R::kFreshOnly));
  t.push_back(ThreadsOption());
  t.push_back(Choice<std::string>(
      "kernels", WEMBED_FIELD(std::string, options.kernels),
      {{"auto", "auto"}, {"avx512", "avx512"}, {"avx2", "avx2"},
       {"scalar", "scalar"}},
      kTraining,
      "arithmetic kernels (a resumed run keeps the checkpoint's)", R::kKept));
  t.push_back(DeterministicOption());
  t.push_back(Switch(
      "private-rank-models", WEMBED_FIELD(bool, private_rank_models),
      kTraining,
      "under mpirun, every rank trains a model of its own, averaged at the "
      "syncs, even when all ranks run on one machine (where by default they "
      "train one model in shared memory; docs/distributed.md)",
      R::kPerRun));
  t.push_back(Integer<uint64_t>(
      "seed", WEMBED_FIELD(uint64_t, options.seed), 0,
      std::numeric_limits<uint64_t>::max(), kTraining,
      "random seed (with --threads 1 the run is bitwise reproducible)",
      R::kKept));
  return t;
}

std::vector<OptionSpec> OutputOptions() {
  using R = ResumeRule;
  std::vector<OptionSpec> t;
  t.push_back(Text("output", WEMBED_FIELD(std::string, output), kOutput,
                   "where to write the vectors (word2vec format)", R::kPerRun));
  t.back().short_name = 'o';
  t.push_back(Choice<VectorFormat>(
      "format", WEMBED_FIELD(VectorFormat, format),
      {{VectorFormatName(VectorFormat::kBinary), VectorFormat::kBinary},
       {VectorFormatName(VectorFormat::kText), VectorFormat::kText}},
      kOutput,
      "vector file format: bin (word2vec binary) or txt (word2vec text)",
      R::kPerRun));
  t.push_back(Choice<OutputVectors>(
      "output-vectors", WEMBED_FIELD(OutputVectors, output_vectors),
      {{"auto", OutputVectors::kAuto},
       {"input", OutputVectors::kInput},
       {"output", OutputVectors::kOutput},
       {"sum", OutputVectors::kSum},
       {"mix", OutputVectors::kMix}},
      kOutput,
      "which vectors to write: input (W_E), output (context), sum (input + "
      "output), mix (input + --output-weight * output) or auto (mix for "
      "skip-gram with --loss ns and no --subwords, input otherwise; "
      "docs/quality.md)",
      R::kPerRun));
  t.push_back(Real(
      "output-weight", WEMBED_FIELD(double, output_weight),
      [](double v) { return v >= 0 && v <= 10; }, "in [0, 10]", kOutput,
      "weight of the output (context) vectors in --output-vectors mix",
      R::kPerRun));
  t.push_back(Text("save-vocab", WEMBED_FIELD(std::string, save_vocab), kOutput,
                   "also write the vocabulary (word count lines)", R::kPerRun));
  t.push_back(Text("log-json", WEMBED_FIELD(std::string, log_json), kOutput,
                   "write one JSON line per second of training to this file "
                   "(words, words_per_second, loss, learning_rate, epoch, "
                   "elapsed...; a resumed run appends); see wembed plot "
                   "--training",
                   R::kPerRun));
  t.push_back(Switch("quiet", WEMBED_FIELD(bool, quiet), kOutput,
                     "no progress output", R::kPerRun));
  t.back().short_name = 'q';
  return t;
}

std::vector<OptionSpec> CheckpointOptions() {
  using R = ResumeRule;
  std::vector<OptionSpec> t;
  t.push_back(Text("checkpoint", WEMBED_FIELD(std::string, checkpoint),
                   kCheckpoints,
                   "write a resumable checkpoint here periodically and at the "
                   "end",
                   R::kPerRun));
  t.push_back(Real(
      "checkpoint-every", WEMBED_FIELD(double, checkpoint_every),
      [](double v) { return v > 0; }, "> 0", kCheckpoints,
      "seconds between checkpoints", R::kPerRun));
  t.push_back(Text("resume", WEMBED_FIELD(std::string, resume), kCheckpoints,
                   "continue the run saved in this checkpoint (its options "
                   "are used; --input may point to the moved corpus)",
                   R::kPerRun));
  t.push_back(
      Text("init", WEMBED_FIELD(std::string, init), kCheckpoints,
           "continued training: start from these vectors (word2vec file or "
           "checkpoint) on new --input text; known words keep their rows, new "
           "words start fresh, the learning rate starts again (a checkpoint's "
           "options are the defaults)",
           R::kFreshOnly));
  return t;
}

std::vector<OptionSpec> ResourceOptions() {
  using R = ResumeRule;
  std::vector<OptionSpec> t;
  t.push_back(Integer<uint64_t>(
      "memory-budget", WEMBED_FIELD(uint64_t, memory_budget), 1,
      uint64_t{1} << 24, kResources,
      "MiB of buffers and intermediate data, whatever the corpus size (the "
      "vectors, the --subwords n-gram matrix, the vocabulary and the count "
      "table come on top)",
      R::kPerRun));
  t.push_back(Text("cache-dir", WEMBED_FIELD(std::string, cache_dir),
                   kResources,
                   "directory of the encoded-corpus cache and of spill files "
                   "(default: $TMPDIR, else /tmp); the cache is unnamed and "
                   "vanishes when wembed exits",
                   R::kPerRun));
  t.push_back(Switch("keep-cache", WEMBED_FIELD(bool, keep_cache), kResources,
                     "keep the cache as <cache-dir>/wembed-<fingerprint>.wenc "
                     "(train again from it with --input)",
                     R::kPerRun));
  return t;
}

std::vector<OptionSpec> BuildTable() {
  std::vector<OptionSpec> table;
  for (auto part : {InputOptions, ModelOptions, TrainingOptions,
                    ResourceOptions, OutputOptions, CheckpointOptions}) {
    for (OptionSpec& s : part()) table.push_back(std::move(s));
  }
  return table;
}

// Cross-option rules of --loss hs: no negatives asked for on top of it (a
// fresh run's explicit --negative; a resumed run keeps the checkpoint's),
// and no per-word output vectors to write.
Status CheckLossCombination(const TrainingJob& job) {
  if (job.options.sg_input == SgInput::kCenter &&
      (job.options.model != Model::kSkipGram ||
       job.options.loss != Loss::kNegativeSampling)) {
    return Status::InvalidArgument(
        "--sg-input center is skip-gram with negative sampling (fastText's "
        "loop); use it with --model sg --loss ns");
  }
  if (job.options.subword_min_n > 0 &&
      (job.options.loss != Loss::kNegativeSampling ||
       (job.options.model == Model::kCbow &&
        job.options.cbow_mean != CbowMean::kMean))) {
    return Status::InvalidArgument(
        "--subwords is implemented for negative sampling (--loss ns), and "
        "for CBOW with fastText's mean of the context rows (--cbow-mean "
        "mean)");
  }
  if (job.options.deterministic && job.options.subword_min_n > 0) {
    return Status::InvalidArgument(
        "--deterministic does not support --subwords (each thread would "
        "need its own copy of the --buckets n-gram rows)");
  }
  if (job.options.loss != Loss::kHierarchicalSoftmax) return Status::Ok();
  if (job.resume.empty() && job.given.count("negative") != 0 &&
      job.options.negative > 0) {
    return Status::InvalidArgument(
        "--negative " + std::to_string(job.options.negative) +
        " with --loss hs: negative sampling and hierarchical softmax are not "
        "combined (word2vec.c's -hs 1 -negative 5); use --loss ns, or --loss "
        "hs without --negative");
  }
  if (job.output_vectors != OutputVectors::kInput &&
      job.output_vectors != OutputVectors::kAuto) {
    return Status::InvalidArgument(
        std::string("--output-vectors ") +
        OutputVectorsName(job.output_vectors) +
        ": with --loss hs the output matrix holds the Huffman tree's inner "
        "nodes, not a vector per word; use --output-vectors input or --loss "
        "ns");
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> PresetValues(
    const TrainingJob& job) {
  const bool cbow = job.options.model == Model::kCbow;
  if (job.preset == "word2vec") {  // word2vec.c: -cbow 1 raises -alpha
    return {{"alpha", cbow ? "0.05" : "0.025"},
            {"min-alpha-ratio", "0.0001"},
            {"noise-exponent", "0.75"},
            {"sg-input", "context"},
            {"sample", "0.001"},
            {"output-vectors", "input"}};
  }
  if (job.preset == "fasttext") {  // -lr 0.05 to 0, counts^0.5, -t 1e-4
    return {{"alpha", "0.05"},
            {"min-alpha-ratio", "0.0001"},
            {"noise-exponent", "0.5"},
            {"sg-input", cbow ? "context" : "center"},
            {"sample", "0.0001"},
            {"output-vectors", "input"}};
  }
  if (job.preset == "wembed" && cbow &&
      job.options.loss == Loss::kNegativeSampling) {
    // docs/quality.md: counts^0.5 costs CBOW 3 points (1 epoch).
    return {{"noise-exponent", "0.75"}};
  }
  if (job.preset == "gensim") {  // alpha 0.025 to min_alpha 1e-4, absolute
    return {{"alpha", "0.025"},
            {"min-alpha-ratio", "0.004"},
            {"noise-exponent", "0.75"},
            {"sg-input", "context"},
            {"sample", "0.001"},
            {"output-vectors", "input"}};
  }
  return {};
}

Status ApplyPreset(TrainingJob* job) {
  for (const auto& [name, value] : PresetValues(*job)) {
    if (job->given.count(name) != 0) continue;
    const OptionSpec* spec = FindTrainingOption(name);
    if (spec == nullptr) return Status::Internal("preset names --" + name);
    WEMBED_RETURN_IF_ERROR(spec->set({value}, job));
    job->given.insert(name);
  }
  return Status::Ok();
}

std::string OptionSpec::DefaultText() const {
  const std::vector<std::string> values = get(TrainingJob());
  std::string s;
  for (size_t i = 0; i < values.size(); ++i) s += (i ? " " : "") + values[i];
  return s;
}

const std::vector<OptionSpec>& TrainingOptionTable() {
  static const std::vector<OptionSpec> table = BuildTable();
  return table;
}

const OptionSpec* FindTrainingOption(std::string_view name) {
  std::string key(name);
  std::replace(key.begin(), key.end(), '_', '-');
  for (const OptionSpec& s : TrainingOptionTable()) {
    if (s.name == key) return &s;
  }
  return nullptr;
}

Status ValidateTrainingJob(const TrainingJob& job) {
  for (const OptionSpec& s : TrainingOptionTable()) {
    const std::string problem = s.check(job);
    if (!problem.empty()) {
      return Status::InvalidArgument(Flag(s.name) + " " + problem);
    }
  }
  if (job.options.inputs.empty()) {
    return Status::InvalidArgument("no --input given");
  }
  return CheckLossCombination(job);
}

}  // namespace wembed
