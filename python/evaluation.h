// KeyedVectors.evaluate_analogies / evaluate_pairs: the evaluators of
// `wembed eval analogy` and `wembed eval similarity`, with the same
// protocol, the same numbers and the field names of their --json output.
#ifndef WEMBED_PYTHON_EVALUATION_H_
#define WEMBED_PYTHON_EVALUATION_H_

#include "keyed_vectors.h"

namespace wembed::python {

void BindEvaluation(py::class_<KeyedVectors>& c);

}  // namespace wembed::python

#endif  // WEMBED_PYTHON_EVALUATION_H_
