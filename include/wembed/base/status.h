// Status and StatusOr: how library code reports failure. Library code never
// exits or throws across its API; only the tools decide exit codes.
#ifndef WEMBED_BASE_STATUS_H_
#define WEMBED_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace wembed {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // a bad option value or parameter
  kNotFound,         // a file that does not exist
  kIoError,          // open/read/write/fsync/rename failed
  kCorruption,       // input data that fails a format check
  kCancelled,        // stopped on request (e.g. SIGINT)
  kInternal,
};

class Status {
 public:
  Status() = default;  // OK.
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return Status(StatusCode::kInvalidArgument, std::move(m));
  }
  static Status NotFound(std::string m) {
    return Status(StatusCode::kNotFound, std::move(m));
  }
  static Status IoError(std::string m) {
    return Status(StatusCode::kIoError, std::move(m));
  }
  static Status Corruption(std::string m) {
    return Status(StatusCode::kCorruption, std::move(m));
  }
  static Status Cancelled(std::string m) {
    return Status(StatusCode::kCancelled, std::move(m));
  }
  static Status Internal(std::string m) {
    return Status(StatusCode::kInternal, std::move(m));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds either a value or a non-OK Status.
template <typename T>
class StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok());
    if (status_.ok()) status_ = Status::Internal("StatusOr built from OK");
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace wembed

// Returns from the enclosing function if `expr` yields a non-OK Status.
#define WEMBED_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::wembed::Status wembed_status_ = (expr);        \
    if (!wembed_status_.ok()) return wembed_status_; \
  } while (0)

#endif  // WEMBED_BASE_STATUS_H_
