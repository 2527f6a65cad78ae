// TrainOptions' validation and checkpoint serialisation, and the merging of
// a resumed run's options: all driven by the option table.
#include "wembed/train/train_options.h"

#include <algorithm>

#include "wembed/train/option_table.h"

namespace wembed {
namespace {

// "<name>.<i>" of a list option: the name and true.
bool SplitListKey(const std::string& key, std::string* name) {
  const size_t dot = key.rfind('.');
  if (dot == std::string::npos || dot + 1 == key.size()) return false;
  for (size_t i = dot + 1; i < key.size(); ++i) {
    if (key[i] < '0' || key[i] > '9') return false;
  }
  *name = key.substr(0, dot);
  return true;
}

TrainingJob JobWith(const TrainOptions& options) {
  TrainingJob job;
  job.options = options;
  return job;
}

// Applies one stored key/value to `job`; lists collect into `lists`.
Status ApplyStored(const std::string& key, const std::string& value,
                   TrainingJob* job,
                   std::vector<std::pair<const OptionSpec*,
                                         std::vector<std::string>>>* lists) {
  std::string list_name;
  const OptionSpec* spec = FindTrainingOption(key);
  if (spec == nullptr && SplitListKey(key, &list_name)) {
    spec = FindTrainingOption(list_name);
    if (spec != nullptr && spec->kind != OptionKind::kTextList) spec = nullptr;
  } else if (spec != nullptr && spec->kind == OptionKind::kTextList) {
    spec = nullptr;  // a list is stored element by element
  }
  if (spec == nullptr || !spec->stored()) {
    return Status::Corruption("unknown training option '" + key + "'");
  }
  if (spec->kind == OptionKind::kTextList) {
    auto it = std::find_if(lists->begin(), lists->end(),
                           [&](const auto& l) { return l.first == spec; });
    if (it == lists->end()) it = lists->insert(lists->end(), {spec, {}});
    it->second.push_back(value);
    return Status::Ok();
  }
  if (!spec->set({value}, job).ok()) {
    return Status::Corruption("bad value '" + value + "' for option '" + key +
                              "'");
  }
  return Status::Ok();
}

}  // namespace

const char* UpdateRuleName(UpdateRule rule) {
  return rule == UpdateRule::kExact ? "exact" : "batch";
}

Status TrainOptions::Validate() const {
  return ValidateTrainingJob(JobWith(*this));
}

std::vector<std::pair<std::string, std::string>> TrainOptions::ToKeyValues()
    const {
  const TrainingJob job = JobWith(*this);
  std::vector<std::pair<std::string, std::string>> kv;
  for (const OptionSpec& s : TrainingOptionTable()) {
    if (!s.stored() || (s.stored_if && !s.stored_if(job))) continue;
    const std::vector<std::string> values = s.get(job);
    if (s.kind != OptionKind::kTextList) {
      kv.emplace_back(s.name, values.at(0));
      continue;
    }
    for (size_t i = 0; i < values.size(); ++i) {
      kv.emplace_back(s.name + "." + std::to_string(i), values[i]);
    }
  }
  return kv;
}

StatusOr<TrainOptions> TrainOptions::FromKeyValues(
    const std::vector<std::pair<std::string, std::string>>& kv) {
  TrainingJob job;
  std::vector<std::pair<const OptionSpec*, std::vector<std::string>>> lists;
  for (const auto& [key, value] : kv) {
    WEMBED_RETURN_IF_ERROR(ApplyStored(key, value, &job, &lists));
  }
  for (const auto& [spec, values] : lists) {
    WEMBED_RETURN_IF_ERROR(spec->set(values, &job));
  }
  return job.options;
}

namespace {

// The stored options that shape an encoded corpus: those grouped with
// --input.
bool ShapesCorpus(const OptionSpec& s) {
  return s.stored() && s.group == FindTrainingOption("input")->group;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> CorpusOptionsToKeyValues(
    const TrainingJob& job) {
  std::vector<std::pair<std::string, std::string>> kv;
  for (const auto& [key, value] : job.options.ToKeyValues()) {
    std::string name = key;
    const OptionSpec* spec = FindTrainingOption(key);
    if (spec == nullptr && SplitListKey(key, &name)) {
      spec = FindTrainingOption(name);
    }
    if (spec != nullptr && ShapesCorpus(*spec)) kv.emplace_back(key, value);
  }
  return kv;
}

void ApplyCorpusOptions(
    const std::vector<std::pair<std::string, std::string>>& stored,
    const std::string& path, TrainingJob* job,
    std::vector<std::string>* notes) {
  for (const auto& [key, value] : stored) {
    const OptionSpec* spec = FindTrainingOption(key);
    if (spec == nullptr || !ShapesCorpus(*spec) ||
        spec->kind == OptionKind::kTextList) {
      continue;  // the inputs it was made from, or a newer option
    }
    if (job->given.count(spec->name) > 0 &&
        spec->get(*job) != std::vector<std::string>{value}) {
      notes->push_back("note: --" + spec->name + " is ignored: " + path +
                       " was encoded with " + spec->name + " " + value);
    }
    if (!spec->set({value}, job).ok()) {
      notes->push_back("note: " + path + " stores an unreadable " + key + " '" +
                       value + "'");
    }
  }
}

StatusOr<TrainingJob> MergeResumedJob(const TrainingJob& given,
                                      const Checkpoint& checkpoint,
                                      std::vector<std::string>* notes) {
  StatusOr<TrainOptions> stored = TrainOptions::FromKeyValues(checkpoint.options);
  if (!stored.ok()) {
    return Status::Corruption(given.resume + ": " + stored.status().message());
  }
  TrainingJob job = given;
  job.options = std::move(stored).value();
  for (const OptionSpec& s : TrainingOptionTable()) {
    if (given.given.count(s.name) == 0) continue;
    switch (s.resume) {
      case ResumeRule::kPerRun:
        break;
      case ResumeRule::kChangeable:
        WEMBED_RETURN_IF_ERROR(s.set(s.get(given), &job));
        break;
      case ResumeRule::kMustMatch: {
        // Only --threads: the checkpoint holds one position per thread.
        const size_t threads = checkpoint.progress.threads.size();
        if (s.get(given) != std::vector<std::string>{std::to_string(threads)}) {
          return Status::InvalidArgument(
              "--" + s.name + ": a resumed run keeps the checkpoint's " +
              std::to_string(threads) + " " + s.name);
        }
        break;
      }
      case ResumeRule::kKept:
      case ResumeRule::kFreshOnly:
        notes->push_back("note: --" + s.name +
                         " is ignored when resuming (the checkpoint's value "
                         "is used)");
        break;
    }
  }
  if (job.checkpoint.empty()) job.checkpoint = job.resume;
  return job;
}

TrainingJob MergeInitJob(const TrainingJob& given, const TrainOptions& stored) {
  TrainingJob job = given;
  const TrainingJob from = JobWith(stored);
  for (const OptionSpec& s : TrainingOptionTable()) {
    if (s.resume != ResumeRule::kKept || given.given.count(s.name) != 0) {
      continue;
    }
    // A value get() printed always reads back.
    (void)s.set(s.get(from), &job);
  }
  return job;
}

}  // namespace wembed
