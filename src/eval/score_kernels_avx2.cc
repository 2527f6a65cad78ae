// The score kernels compiled with -mavx2 -mfma (see CMakeLists.txt); only
// called after a CPU check (Avx2ScoreKernels).
#include <cstddef>
#include <cstring>

namespace wembed::score_avx2 {
#include "eval/score_kernels_impl.h"
}  // namespace wembed::score_avx2
