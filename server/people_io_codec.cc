#include "server/people_io_codec.h"

#include <memory>
#include <variant>

#include "core/json.h"
#include "server/json_codec.h"

namespace agora::server {
namespace {

void WriteValue(JsonWriter& w, const services::ExportValue& value) {
  std::visit(
      [&w](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          w.Null();
        } else if constexpr (std::is_same_v<T, bool>) {
          w.Bool(v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          w.Int64(v);
        } else if constexpr (std::is_same_v<T, double>) {
          w.Double(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          WriteString(w, v);
        } else if constexpr (std::is_same_v<T, services::ExportId>) {
          WriteString(w, std::to_string(v.value));
        } else if constexpr (std::is_same_v<T, services::ExportTime>) {
          WriteString(w, FormatRfc3339(v.value));
        } else {
          w.StartArray();
          for (const auto& item : v) WriteString(w, item);
          w.EndArray();
        }
      },
      value);
}

void WriteFields(JsonWriter& w, const services::ExportRecord& record) {
  for (const auto& [name, value] : record.fields) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    WriteValue(w, value);
  }
}

}  // namespace

std::string RenderPeopleImportReport(const services::PeopleImportReport& report) {
  return RenderObject([&](JsonWriter& w) {
    BoolMember(w, "dry_run", report.dry_run);
    IntMember(w, "created", report.created);
    IntMember(w, "updated", report.updated);
    IntMember(w, "unchanged", report.unchanged);
    IntMember(w, "deactivated", report.deactivated);
    w.Key("changes");
    w.StartArray();
    for (const auto& change : report.changes) {
      w.StartObject();
      IntMember(w, "line", change.line);
      StringMember(w, "action", change.action);
      if (change.user_id) IdMember(w, "user_id", change.user_id);
      StringMember(w, "username", change.username);
      StringsMember(w, "fields", change.fields);
      w.EndObject();
    }
    w.EndArray();
    w.Key("errors");
    w.StartArray();
    for (const auto& error : report.errors) {
      w.StartObject();
      IntMember(w, "line", error.line);
      StringMember(w, "code", error.code);
      StringMember(w, "message", error.message);
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string RenderExportLine(const services::ExportRecord& record) {
  return RenderObject([&](JsonWriter& w) {
           StringMember(w, "type", record.type);
           WriteFields(w, record);
         }) +
         "\n";
}

struct PersonExportWriter::Impl {
  rapidjson::StringBuffer buffer;
  JsonWriter w{buffer};
  size_t next_type = 0;  // in kPersonRecordTypes: the first whose member is not written yet
  bool array_open = false;

  // Writes the members of every type before `type` (empty arrays for those without records),
  // then opens `type`'s; `type` empty: to the end.
  void Reach(std::string_view type) {
    const auto& types = services::ExportService::kPersonRecordTypes;
    if (next_type > 0 && next_type <= std::size(types) && types[next_type - 1] == type) return;
    while (next_type < std::size(types)) {
      std::string_view at = types[next_type++];
      if (array_open) w.EndArray();
      array_open = false;
      if (at == "user") {
        if (at == type) return;
        continue;
      }
      std::string key = std::string(at) + "s";
      w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      w.StartArray();
      array_open = true;
      if (at == type) return;
    }
    if (array_open) w.EndArray();
    array_open = false;
  }
};

PersonExportWriter::PersonExportWriter(UnixMillis exported_at) : impl_(std::make_unique<Impl>()) {
  impl_->w.StartObject();
  StringMember(impl_->w, "format", "agora.person_export.v1");
  TimeMember(impl_->w, "exported_at", exported_at);
}

PersonExportWriter::~PersonExportWriter() = default;

Status PersonExportWriter::Add(const services::ExportRecord& record) {
  JsonWriter& w = impl_->w;
  impl_->Reach(record.type);
  if (record.type == "user") w.Key("user");
  w.StartObject();
  WriteFields(w, record);
  w.EndObject();
  return Status::Ok();
}

std::string PersonExportWriter::Finish() {
  impl_->Reach("");
  impl_->w.EndObject();
  return impl_->buffer.GetString();
}

}  // namespace agora::server
