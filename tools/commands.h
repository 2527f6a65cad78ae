// Entry points of the wembed subcommands. Each takes the arguments after
// "wembed" (argv[0] is the subcommand name) and returns the exit code.
#ifndef WEMBED_TOOLS_COMMANDS_H_
#define WEMBED_TOOLS_COMMANDS_H_

#include <string>

namespace wembed::cli {

int RunVocabCommand(int argc, char** argv);    // vocab_main.cc
int RunTrainCommand(int argc, char** argv);    // train_main.cc
int RunEvalCommand(int argc, char** argv);     // eval_main.cc
int RunSimilarCommand(int argc, char** argv);  // query_main.cc
int RunAnalogyCommand(int argc, char** argv);  // query_main.cc
int RunInfoCommand(int argc, char** argv);     // checkpoint_main.cc
int RunExportCommand(int argc, char** argv);   // checkpoint_main.cc
int RunSynthCommand(int argc, char** argv);    // synth_main.cc
int RunPhrasesCommand(int argc, char** argv);  // phrases_main.cc
int RunPlotCommand(int argc, char** argv);     // plot_main.cc
int RunEncodeCommand(int argc, char** argv);   // encode_main.cc

// `wembed info` of an encoded corpus (.wenc) at `path`.
int RunCorpusInfo(const std::string& path, bool json);  // encode_main.cc
int RunClassesCommand(int argc, char** argv);  // classes_main.cc

}  // namespace wembed::cli

#endif  // WEMBED_TOOLS_COMMANDS_H_
