// Must NOT compile with the corpus stage's include view: nor a higher
// stage's private header.
#include "train/sgns_kernels.h"
