// Shared plumbing of the Python module: Status to Python exceptions, words
// and paths between Python and C++.
#ifndef WEMBED_PYTHON_COMMON_H_
#define WEMBED_PYTHON_COMMON_H_

#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "wembed/base/status.h"

namespace wembed::python {

namespace py = pybind11;

// Raised for input data that fails a format check (Status kCorruption);
// wembed.FormatError in Python, a subclass of ValueError.
struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws the Python exception for a non-OK status: ValueError
// (InvalidArgument), wembed.FormatError (Corruption), FileNotFoundError
// (NotFound), OSError (IoError), KeyboardInterrupt (Cancelled),
// RuntimeError (Internal).
[[noreturn]] void ThrowStatus(const Status& status);

template <typename T>
T ValueOrThrow(StatusOr<T> s) {
  if (!s.ok()) ThrowStatus(s.status());
  return std::move(s).value();
}
inline void CheckOk(const Status& s) {
  if (!s.ok()) ThrowStatus(s);
}

// A word as a Python str: UTF-8, with bytes that are not valid UTF-8
// decoded as lone surrogates (errors="surrogateescape"), so every word
// round-trips.
py::str WordToPy(const std::string& word);
// A str (encoded back the same way) or bytes; TypeError otherwise.
std::string WordFromPy(py::handle word);
// A str, bytes or os.PathLike; TypeError naming `what` otherwise.
std::string PathFromPy(py::handle path, const std::string& what);

}  // namespace wembed::python

#endif  // WEMBED_PYTHON_COMMON_H_
