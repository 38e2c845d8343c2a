#include "core/csv.h"

#include "core/text.h"

namespace agora {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
}

Result<std::optional<CsvRecord>> CsvReader::Next() {
  while (at_ < text_.size() && (text_[at_] == '\n' || text_[at_] == '\r')) {
    if (text_[at_] == '\n') ++line_;
    ++at_;
  }
  if (at_ >= text_.size()) return std::optional<CsvRecord>();
  CsvRecord record;
  record.line = record_line_ = line_;
  record.fields.emplace_back();
  bool quoted = false;
  bool field_was_quoted = false;
  while (at_ < text_.size()) {
    char ch = text_[at_++];
    std::string& field = record.fields.back();
    if (quoted) {
      if (ch != '"') {
        if (ch == '\n') ++line_;
        field += ch;
      } else if (at_ < text_.size() && text_[at_] == '"') {
        field += '"';
        ++at_;
      } else {
        quoted = false;
      }
    } else if (ch == ',') {
      record.fields.emplace_back();
      field_was_quoted = false;
    } else if (ch == '\n') {
      ++line_;
      break;
    } else if (ch == '\r' && at_ < text_.size() && text_[at_] == '\n') {
      continue;  // the CR of a CRLF
    } else if (ch == '"' && field.empty() && !field_was_quoted) {
      quoted = true;
      field_was_quoted = true;
    } else if (ch == '"' || field_was_quoted) {
      if (record.error.ok()) {
        record.error = Status::InvalidArgument(
            "invalid_csv",
            "a quote may only open a field, and text may not follow its closing "
            "quote (double a quote inside a quoted field)");
      }
      field += ch;
    } else {
      field += ch;
    }
  }
  if (quoted) {
    return Status::InvalidArgument(
        "invalid_csv", "line " + std::to_string(record.line) + ": a quoted field is never closed");
  }
  if (record.error.ok()) {
    for (const auto& field : record.fields) {
      if (!IsValidUtf8(field)) {
        record.error = Status::InvalidArgument("invalid_utf8", "the record is not valid UTF-8");
        break;
      }
    }
  }
  return std::optional<CsvRecord>(std::move(record));
}

}  // namespace agora
