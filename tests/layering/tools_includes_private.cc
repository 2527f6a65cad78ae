// Must NOT compile with the CLI's include path (include/ only): tools/ may
// use public headers only.
#include "base/coding.h"
