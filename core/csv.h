// CsvReader: records of an RFC 4180 text (a spreadsheet's or an HR system's export).
//
// Fields are separated by commas; a quoted field may hold commas, doubled quotes ("") and line
// breaks; records end with LF or CRLF; a leading UTF-8 byte order mark is skipped; blank lines
// are skipped. A reader borrows its text and is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace agora {

struct CsvRecord {
  int64_t line = 0;  // where the record starts, from 1
  std::vector<std::string> fields;
  // Why the record cannot be trusted (a quote inside an unquoted field, bytes that are not
  // UTF-8); ok when it can. The reader carries on with the next record either way.
  Status error;
};

class CsvReader {
 public:
  // `text` must outlive the reader.
  explicit CsvReader(std::string_view text);

  // The next record; nullopt at the end. kInvalidArgument "invalid_csv" for a quoted field
  // that is never closed: nothing after its opening quote can be read.
  Result<std::optional<CsvRecord>> Next();
  // Where the record Next() last read (or failed to read) starts.
  int64_t record_line() const { return record_line_; }

 private:
  std::string_view text_;
  size_t at_ = 0;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
};

}  // namespace agora
