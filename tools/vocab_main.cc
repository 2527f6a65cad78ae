// TEMPORARY placeholder: replaced by the real implementation in progress.
#include <iostream>
#include "commands.h"
namespace wembed::cli {
int RunVocabCommand(int, char**) { std::cerr << "not implemented yet\n"; return 1; }
}
