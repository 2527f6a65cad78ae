// JsonWriter: builds one compact JSON document (for --json outputs).
#ifndef WEMBED_TOOLS_JSON_WRITER_H_
#define WEMBED_TOOLS_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wembed::cli {

// Callers nest Begin/End calls correctly and call Key before every value
// inside an object. Not thread-safe.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);  // escaped; invalid UTF-8 -> U+FFFD
  JsonWriter& Number(double v);            // NaN and Inf become null
  JsonWriter& Int(int64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();

  const std::string& str() const { return out_; }

 private:
  void BeforeValue();
  void AppendQuoted(std::string_view s);

  std::string out_;
  std::vector<bool> first_;  // per open container: no element yet
  bool after_key_ = false;
};

}  // namespace wembed::cli

#endif  // WEMBED_TOOLS_JSON_WRITER_H_
