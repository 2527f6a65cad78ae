// TEMPORARY placeholder: replaced by the real implementation in progress.
#include <iostream>
#include "commands.h"
namespace wembed::cli {
int RunSimilarCommand(int, char**) { std::cerr << "not implemented yet\n"; return 1; }
int RunAnalogyCommand(int, char**) { std::cerr << "not implemented yet\n"; return 1; }
}
