// Must compile with the CLI's include path: the control for
// tools_includes_private.cc.
#include "wembed/eval/analogy_evaluator.h"
#include "wembed/train/training_job.h"
