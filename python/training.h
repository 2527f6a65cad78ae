// wembed.train(): a training run through RunTraining with the GIL
// released, progress delivered to a Python callable, Ctrl-C turned into a
// clean stop; and the Model it returns.
#ifndef WEMBED_PYTHON_TRAINING_H_
#define WEMBED_PYTHON_TRAINING_H_

#include "common.h"

namespace wembed::python {

// Adds train(), training_options() and the Model class to `m`.
void BindTraining(py::module_& m);

}  // namespace wembed::python

#endif  // WEMBED_PYTHON_TRAINING_H_
