// Must compile with the corpus stage's include view: its own headers and
// those of the stages below it (the control for corpus_includes_train*.cc).
#include "base/coding.h"
#include "corpus/count_table.h"
#include "wembed/corpus/vocabulary.h"
#include "wembed/text/tokenizer.h"
