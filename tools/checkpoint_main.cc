// TEMPORARY placeholder: replaced by the real implementation in progress.
#include <iostream>
#include "commands.h"
namespace wembed::cli {
int RunInfoCommand(int, char**) { std::cerr << "not implemented yet\n"; return 1; }
int RunExportCommand(int, char**) { std::cerr << "not implemented yet\n"; return 1; }
}
