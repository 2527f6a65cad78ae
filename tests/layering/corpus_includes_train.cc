// Must NOT compile with the corpus stage's include view: a lower stage
// cannot use a higher one's public header.
#include "wembed/train/trainer.h"
