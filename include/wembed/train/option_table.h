// The option table: every training option declared once. Each entry names
// the option (its --flag, its checkpoint key and its Python keyword, '-'
// read as '_'), its help, its bounds, whether checkpoints store it and
// whether a resumed run may change it, and binds it to its field of
// TrainingJob (whose member initialisers are the defaults). The CLI's flags
// and --help, validation, checkpoint serialisation (TrainOptions::
// ToKeyValues / FromKeyValues) and resume merging are all derived from it,
// so adding an option is one entry in src/train/option_table.cc.
#ifndef WEMBED_TRAIN_OPTION_TABLE_H_
#define WEMBED_TRAIN_OPTION_TABLE_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wembed/base/status.h"
#include "wembed/train/training_job.h"
#include "wembed/vectors/checkpoint.h"

namespace wembed {

enum class OptionKind {
  kFlag,      // on/off; stored as "1"/"0"
  kInt,       // signed integer
  kCount,     // unsigned 64-bit integer
  kReal,      // floating point
  kText,      // a string (a path)
  kChoice,    // one of `choices`
  kTextList,  // several strings (stored as "<name>.0", "<name>.1", ...)
};

// What a resumed run does with the option.
enum class ResumeRule {
  kPerRun,      // not stored: each invocation's own value (--output, ...)
  kKept,        // stored: the checkpoint's value is kept; a value given on
                // the command line is ignored, with a note
  kChangeable,  // stored: a value given replaces the checkpoint's (--epochs;
                // --input, for a corpus that moved)
  kMustMatch,   // stored: a value given must equal the checkpoint's
  kFreshOnly,   // not stored and meaningless on resume: ignored, with a note
};

struct OptionSpec {
  std::string name;     // "dim": --dim, checkpoint key "dim", Python dim=
  char short_name = 0;  // 'i' for -i, or 0
  std::string group;    // heading in --help
  OptionKind kind = OptionKind::kText;
  std::string help;
  ResumeRule resume = ResumeRule::kPerRun;
  std::vector<std::string> choices;  // kChoice only

  // The value in `job` as text (one element unless kTextList; flags "1" or
  // "0"; reals in the shortest form that reads back exactly).
  std::function<std::vector<std::string>(const TrainingJob&)> get;
  // Parses `values` (exactly one unless kTextList) into `job`. Errors
  // (InvalidArgument) name the option: "--dim: expected an integer, got
  // 'x'". Flags accept 1/0, true/false, yes/no, on/off.
  std::function<Status(const std::vector<std::string>& values,
                       TrainingJob* job)>
      set;
  // "" when the value in `job` is within bounds, else what is wrong
  // without the option name ("must be in 1..10000").
  std::function<std::string(const TrainingJob&)> check;

  // Null, or when a stored option is written to checkpoints: options added
  // for a feature (--subwords) are left out of checkpoints of runs without
  // it, so those are the bytes earlier builds wrote (and can resume).
  std::function<bool(const TrainingJob&)> stored_if;

  bool stored() const {
    return resume != ResumeRule::kPerRun && resume != ResumeRule::kFreshOnly;
  }
  // The default as shown in --help: get() of a default TrainingJob.
  std::string DefaultText() const;
};

// The table, in --help order. Built once; immutable; thread-safe.
const std::vector<OptionSpec>& TrainingOptionTable();

// The entry named `name` ('_' is read as '-'), or null.
const OptionSpec* FindTrainingOption(std::string_view name);

// Every option's bounds, then the cross-option rules (an input is needed).
// The error names the option: "--dim must be in 1..10000".
Status ValidateTrainingJob(const TrainingJob& job);

// The option values (name, value) of `job.preset` for `job`'s model:
// word2vec.c's, fastText's or gensim's defaults for the hyperparameters
// wembed shares with them (docs/quality.md lists them); for "wembed", only
// where a model's default differs from TrainOptions' (CBOW's noise exponent).
std::vector<std::pair<std::string, std::string>> PresetValues(
    const TrainingJob& job);

// Sets every option of PresetValues(*job) that `job->given` does not name,
// and records it as given (so a continued run keeps it over the
// checkpoint's). Call once on a fresh run, after parsing.
Status ApplyPreset(TrainingJob* job);

// The job a resumed run executes: the checkpoint's stored options, with the
// options `given.given` names applied where the table allows it
// (kChangeable), checked (kMustMatch, against the checkpoint's thread
// count for --threads) or noted as ignored in `*notes` (kKept,
// kFreshOnly); the per-run settings are `given`'s. Without a --checkpoint,
// the run keeps writing the one it resumed. Errors: Corruption for stored
// options this version cannot read, InvalidArgument for a mismatch.
StatusOr<TrainingJob> MergeResumedJob(const TrainingJob& given,
                                      const Checkpoint& checkpoint,
                                      std::vector<std::string>* notes);

// The options that shape an encoded corpus (the stored options of the
// input group: the inputs, tokenizer and vocabulary options) as key/value
// strings, as a .wenc file stores them.
std::vector<std::pair<std::string, std::string>> CorpusOptionsToKeyValues(
    const TrainingJob& job);

// Applies the corpus options a .wenc file `path` stores (not its inputs)
// to `job`, which trains on it; an option `job.given` names with another
// value is noted as ignored in `*notes`. Keys this version does not know
// are skipped.
void ApplyCorpusOptions(
    const std::vector<std::pair<std::string, std::string>>& stored,
    const std::string& path, TrainingJob* job, std::vector<std::string>* notes);
// The job of a continued run (--init) from a checkpoint with the stored
// options `stored`: each option a resumed run keeps (kKept: the model,
// loss, dim, window, tokenizer, ...) takes the checkpoint's value unless
// `given.given` names it; everything else (--input, --epochs, --threads,
// the per-run settings) is `given`'s.
TrainingJob MergeInitJob(const TrainingJob& given, const TrainOptions& stored);

}  // namespace wembed

#endif  // WEMBED_TRAIN_OPTION_TABLE_H_
