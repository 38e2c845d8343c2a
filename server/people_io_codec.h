// People in and out: the report of an HR import and the records of an export, as JSON, for
// the HTTP routes and the `agora import people` / `agora export` commands alike.
//
// An export record is one JSON object: {"type": "post", "id": "...", ...}; ids are decimal
// strings, times RFC 3339. A person's export is one JSON object:
//   {"format": "agora.person_export.v1", "exported_at": "...", "user": {...},
//    "follows": [...], "memberships": [...], "posts": [...], ...}
// (each record type as an array named by its plural, "user" as one object). The network export
// is JSON lines: one record per line.
#pragma once

#include <string>

#include "core/clock.h"
#include "services/export_service.h"
#include "services/people_import_service.h"

namespace agora::server {

std::string RenderPeopleImportReport(const services::PeopleImportReport& report);

// One record and its line break.
std::string RenderExportLine(const services::ExportRecord& record);

// Collects a person's records into the one JSON object above.
class PersonExportWriter {
 public:
  explicit PersonExportWriter(UnixMillis exported_at);
  ~PersonExportWriter();
  PersonExportWriter(const PersonExportWriter&) = delete;
  PersonExportWriter& operator=(const PersonExportWriter&) = delete;

  // For ExportService::ExportPerson's sink.
  Status Add(const services::ExportRecord& record);
  // The document; call once, after the last Add.
  std::string Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agora::server
