// Shared plumbing for the wembed subcommands: option parsing with uniform
// --help and usage errors, the bridge from the library's option table to
// the command line, and the one way a command reports a problem.
#ifndef WEMBED_TOOLS_CLI_COMMON_H_
#define WEMBED_TOOLS_CLI_COMMON_H_

#include <atomic>
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wembed/base/status.h"
#include "wembed/train/training_job.h"

namespace wembed::cli {

namespace po = boost::program_options;

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // bad input, I/O error, bad value
inline constexpr int kExitUsage = 2;  // unknown option, missing argument

// Parses argv[1..] (argv[0] is the subcommand name) against `options` and the
// optional positional spec. `--help`/`-h` prints "usage: <usage>" and the
// options with their defaults to stdout. Returns an exit code if the command
// should stop now (0 after --help; kExitError for a value that does not
// parse, e.g. -k abc; kExitUsage for an unknown option, a missing required
// one or a malformed command line; one line on stderr), or nullopt to go on.
std::optional<int> ParseCommandLine(
    int argc, char** argv, const std::string& usage,
    const std::string& description, po::options_description& options,
    const po::positional_options_description* positional,
    po::variables_map* vm);

// The one way a command reports a problem, one line on stderr each:
// "wembed <command>: error: <message>", returns kExitError.
int ReportError(const std::string& command, const Status& status);
// "wembed <command>: usage error: <message> (see 'wembed <command>
// --help')", returns kExitUsage.
int ReportUsageError(const std::string& command, const std::string& message);
// "wembed <command>: <text>" for notes, warnings and per-query problems
// that do not end the command.
void ReportNote(const std::string& command, const std::string& text);

// Adds the option table's entries named in `names` (every entry when
// empty) to `desc`, grouped under the table's headings, each with its help
// and its default. `help_overrides` replaces the help of named entries
// (an option such as --output whose meaning a command narrows).
void AddTableOptions(
    po::options_description& desc, const std::vector<std::string>& names,
    const std::vector<std::pair<std::string, std::string>>& help_overrides =
        {});

// Sets in `job` every table option the user gave (ignoring defaults) and
// records its name in job->given. Errors name the option.
Status ApplyTableOptions(const po::variables_map& vm, TrainingJob* job);

// For a command that reads a corpus with the table's options (vocab,
// phrases): ApplyTableOptions, then --input is required (usage error) and
// the job is validated (ValidateTrainingJob). Returns the exit code after
// reporting a problem, or nullopt to go on.
std::optional<int> ApplyCorpusOptions(const std::string& command,
                                      const po::variables_map& vm,
                                      TrainingJob* job);
// Makes SIGINT, SIGTERM and SIGHUP (unless ignored, as under nohup) raise
// the returned flag instead of killing the process (a second signal kills
// at once), for commands that stop cleanly at a safe point.
const std::atomic<bool>* InstallStopSignalHandlers();
// The stop signal received (SIGINT, SIGTERM, SIGHUP), or 0.
int StopSignal();
// The exit code after a stop signal: 130 for SIGINT, 143 for SIGTERM, 129
// for SIGHUP.
int ExitCodeForStopSignal();

// For a command that scans --input into `output` (vocab, encode): sets
// `job` from the table options in `vm`, requires --input, validates the
// options, and checks that the inputs (directories walked, @lists read)
// exist, that none is `output` and that `output` can be written. Returns
// the exit code to stop with (after one error line), or nullopt.
std::optional<int> PrepareScanJob(const std::string& command,
                                  const po::variables_map& vm,
                                  const std::string& output, TrainingJob* job);

// "1 word", "2 words": `count` and `noun`, with `plural` (default noun + "s")
// unless count is 1.
std::string CountOf(uint64_t count, const std::string& noun,
                    const std::string& plural = "");

// Flushes stdout; a failed write (a full disk, a closed pipe) is an error.
Status FlushStdout();

}  // namespace wembed::cli

#endif  // WEMBED_TOOLS_CLI_COMMON_H_
