#include "cli_common.h"

#include <signal.h>

#include <algorithm>
#include <iostream>
#include <limits>
#include <map>
#include <typeinfo>

#include "wembed/base/output_paths.h"
#include "wembed/corpus/input_files.h"
#include "wembed/train/option_table.h"

namespace wembed::cli {
namespace {

// Appended to the --help of commands that write files.
constexpr char kOutputsHelp[] =
    "Output files: a regular file is replaced atomically (temp file + "
    "rename;\na symlink's target is replaced, the link kept); a device, a "
    "FIFO or\n/dev/stdout is written in place. '-' is not an output name: "
    "to write to\nstandard output, use /dev/stdout.";

// Hidden option collecting positional tokens the command does not take.
constexpr char kExtraArguments[] = "wembed-unexpected-argument";

void PrintHelp(const std::string& usage, const std::string& description,
               const po::options_description& options) {
  std::cout << "usage: " << usage << "\n\n"
            << description << "\n\n"
            << options;
  if (options.find_nothrow("output", false) != nullptr ||
      options.find_nothrow("output-corpus", false) != nullptr) {
    std::cout << "\n" << kOutputsHelp << "\n";
  }
  std::cout << std::flush;
}

bool IsUnsigned(const std::type_info& type) {
  return type == typeid(uint64_t) || type == typeid(uint32_t) ||
         type == typeid(size_t);
}

// Problems boost lets through: a positional token nobody takes, an empty
// value, a negative value for an unsigned option (which would wrap to
// 2^64 - 1). Returns the exit code after reporting, or nullopt.
std::optional<int> CheckParsed(const std::string& command,
                               const po::parsed_options& parsed,
                               const po::variables_map& vm) {
  for (const po::option& opt : parsed.options) {
    if (opt.string_key.empty() || opt.string_key == kExtraArguments) {
      const std::string token = !opt.value.empty() ? opt.value[0]
                                : !opt.original_tokens.empty()
                                    ? opt.original_tokens[0]
                                    : "";
      return ReportUsageError(command,
                              "unexpected argument '" + token + "'");
    }
    for (const std::string& value : opt.value) {
      if (value.empty()) {
        return ReportUsageError(command, "--" + opt.string_key +
                                             ": empty value");
      }
      if (IsUnsigned(vm[opt.string_key].value().type()) && value[0] == '-') {
        return ReportError(command, Status::InvalidArgument(
                                        "--" + opt.string_key +
                                        ": expected a non-negative integer, "
                                        "got '" +
                                        value + "'"));
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> ParseCommandLine(
    int argc, char** argv, const std::string& usage,
    const std::string& description, po::options_description& options,
    const po::positional_options_description* positional,
    po::variables_map* vm) {
  options.add_options()("help,h", "show this help and exit");
  const std::string command = argc > 0 ? argv[0] : "wembed";
  try {
    // Positional tokens beyond what the command takes land in a hidden
    // option, so that the message can name them.
    po::options_description all;
    all.add(options);
    all.add_options()(kExtraArguments,
                      po::value<std::vector<std::string>>()->multitoken());
    po::positional_options_description pos;
    if (positional != nullptr) pos = *positional;
    if (pos.max_total_count() != std::numeric_limits<unsigned>::max()) {
      pos.add(kExtraArguments, -1);
    }
    const po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(all).positional(pos).run();
    po::store(parsed, *vm);
    if (vm->count("help")) {
      PrintHelp(usage, description, options);
      return kExitOk;
    }
    if (auto code = CheckParsed(command, parsed, *vm)) return code;
    po::notify(*vm);
  } catch (const po::validation_error& e) {
    // A value that does not parse (e.g. -k abc): a bad value, not a
    // malformed command line.
    return ReportError(command,
                       Status::InvalidArgument(std::string(e.what()) +
                                               " (see 'wembed " + command +
                                               " --help')"));
  } catch (const po::error& e) {
    return ReportUsageError(command, e.what());
  }
  return std::nullopt;
}

int ReportError(const std::string& command, const Status& status) {
  std::cerr << "wembed " << command << ": error: " << status.message() << "\n";
  return kExitError;
}

int ReportUsageError(const std::string& command, const std::string& message) {
  std::cerr << "wembed " << command << ": usage error: " << message
            << " (see 'wembed " << command << " --help')\n";
  return kExitUsage;
}

void ReportNote(const std::string& command, const std::string& text) {
  std::cerr << "wembed " << command << ": " << text << "\n";
}

namespace {

// The boost value of one table entry: a switch, a list, or a string shown
// with the table's default.
po::value_semantic* ValueFor(const OptionSpec& spec) {
  switch (spec.kind) {
    case OptionKind::kFlag:
      return po::bool_switch();
    case OptionKind::kTextList:
      return po::value<std::vector<std::string>>()->multitoken();
    default:
      break;
  }
  auto* value = po::value<std::string>();
  const std::string def = spec.DefaultText();
  if (!def.empty()) value->default_value(def);
  return value;
}

std::string HelpFor(
    const OptionSpec& spec,
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  for (const auto& [name, help] : overrides) {
    if (name == spec.name) return help;
  }
  return spec.help;
}

}  // namespace

void AddTableOptions(
    po::options_description& desc, const std::vector<std::string>& names,
    const std::vector<std::pair<std::string, std::string>>& help_overrides) {
  std::vector<std::string> groups;
  std::map<std::string, po::options_description> by_group;
  for (const OptionSpec& spec : TrainingOptionTable()) {
    if (!names.empty() &&
        std::find(names.begin(), names.end(), spec.name) == names.end()) {
      continue;
    }
    if (by_group.count(spec.group) == 0) {
      groups.push_back(spec.group);
      by_group.emplace(spec.group, po::options_description(spec.group));
    }
    std::string flag = spec.name;
    if (spec.short_name != 0) flag += std::string(",") + spec.short_name;
    by_group.at(spec.group).add_options()(
        flag.c_str(), ValueFor(spec), HelpFor(spec, help_overrides).c_str());
  }
  for (const std::string& g : groups) desc.add(by_group.at(g));
}

namespace {

// Set by the SIGINT/SIGTERM/SIGHUP handler (a signal handler can only reach
// process-wide state); read by the library at safe points.
std::atomic<bool> g_stop_requested{false};
std::atomic<int> g_stop_signal{0};

extern "C" void HandleStopSignal(int sig) {
  g_stop_signal.store(sig);
  g_stop_requested.store(true);
}

}  // namespace

const std::atomic<bool>* InstallStopSignalHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = HandleStopSignal;
  // A second Ctrl-C kills at once (if the checkpoint write itself hangs).
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A closed terminal stops the run the same way, unless SIGHUP is
  // ignored (nohup): then it stays ignored.
  struct sigaction hup = {};
  if (sigaction(SIGHUP, nullptr, &hup) == 0 && hup.sa_handler != SIG_IGN) {
    sigaction(SIGHUP, &sa, nullptr);
  }
  return &g_stop_requested;
}

int StopSignal() { return g_stop_signal.load(); }

int ExitCodeForStopSignal() {
  const int sig = g_stop_signal.load();
  return sig == SIGTERM || sig == SIGHUP ? 128 + sig : 130;
}

namespace {

Status CheckScanPaths(const TrainingJob& job, const std::string& output) {
  StatusOr<std::vector<std::string>> files = ExpandInputs(job.options.inputs);
  if (!files.ok()) return files.status();
  PathOptions inputs;
  for (const std::string& in : *files) inputs.push_back({"--input", in});
  WEMBED_RETURN_IF_ERROR(CheckOutputPaths(inputs, {{"--output", output}}));
  return CheckWritable("--output", output);
}

}  // namespace

std::optional<int> PrepareScanJob(const std::string& command,
                                  const po::variables_map& vm,
                                  const std::string& output, TrainingJob* job) {
  if (auto code = ApplyCorpusOptions(command, vm, job)) return code;
  if (Status s = CheckScanPaths(*job, output); !s.ok()) {
    return ReportError(command, s);
  }
  return std::nullopt;
}

Status ApplyTableOptions(const po::variables_map& vm, TrainingJob* job) {
  for (const OptionSpec& spec : TrainingOptionTable()) {
    if (vm.count(spec.name) == 0 || vm[spec.name].defaulted()) continue;
    const po::variable_value& v = vm[spec.name];
    std::vector<std::string> values;
    if (spec.kind == OptionKind::kFlag) {
      if (!v.as<bool>()) continue;  // bool_switch: absent reads as false
      values = {"1"};
    } else if (spec.kind == OptionKind::kTextList) {
      values = v.as<std::vector<std::string>>();
    } else {
      values = {v.as<std::string>()};
    }
    WEMBED_RETURN_IF_ERROR(spec.set(values, job));
    job->given.insert(spec.name);
  }
  return Status::Ok();
}

std::optional<int> ApplyCorpusOptions(const std::string& command,
                                      const po::variables_map& vm,
                                      TrainingJob* job) {
  if (Status s = ApplyTableOptions(vm, job); !s.ok()) {
    return ReportError(command, s);
  }
  if (job->options.inputs.empty()) {
    return ReportUsageError(command,
                            "the option '--input' is required but missing");
  }
  if (Status s = ValidateTrainingJob(*job); !s.ok()) {
    return ReportError(command, s);
  }
  return std::nullopt;
}

std::string CountOf(uint64_t count, const std::string& noun,
                    const std::string& plural) {
  return std::to_string(count) + " " +
         (count == 1       ? noun
          : plural.empty() ? noun + "s"
                           : plural);
}

Status FlushStdout() {
  std::cout.flush();
  if (!std::cout) return Status::IoError("writing to standard output failed");
  return Status::Ok();
}

}  // namespace wembed::cli
