#include "common.h"

namespace wembed::python {

void ThrowStatus(const Status& status) {
  const std::string& m = status.message();
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      throw py::value_error(m);
    case StatusCode::kCorruption:
      throw FormatError(m);
    case StatusCode::kNotFound:
      PyErr_SetString(PyExc_FileNotFoundError, m.c_str());
      throw py::error_already_set();
    case StatusCode::kIoError:
      PyErr_SetString(PyExc_OSError, m.c_str());
      throw py::error_already_set();
    case StatusCode::kCancelled:
      PyErr_SetString(PyExc_KeyboardInterrupt, m.c_str());
      throw py::error_already_set();
    default:
      throw std::runtime_error(m);
  }
}

py::str WordToPy(const std::string& word) {
  PyObject* s = PyUnicode_DecodeUTF8(word.data(), Py_ssize_t(word.size()),
                                     "surrogateescape");
  if (s == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(s);
}

std::string WordFromPy(py::handle word) {
  if (py::isinstance<py::bytes>(word)) return word.cast<std::string>();
  if (!py::isinstance<py::str>(word)) {
    throw py::type_error("expected a word (str), got " +
                         std::string(py::str(py::type::of(word))));
  }
  PyObject* b =
      PyUnicode_AsEncodedString(word.ptr(), "utf-8", "surrogateescape");
  if (b == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::bytes>(b).cast<std::string>();
}

std::string PathFromPy(py::handle path, const std::string& what) {
  if (py::isinstance<py::str>(path) || py::isinstance<py::bytes>(path)) {
    return WordFromPy(path);
  }
  if (py::hasattr(path, "__fspath__")) {
    return WordFromPy(path.attr("__fspath__")());
  }
  throw py::type_error(what + ": expected a path (str or os.PathLike), got " +
                       std::string(py::str(py::type::of(path))));
}

}  // namespace wembed::python
