// `agora import people` and `agora export`: the HR import and the data exports through the same
// services as their HTTP routes; both work while no server runs.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "app/command_actor.h"
#include "app/commands.h"
#include "app/progress_bar.h"
#include "server/people_io_codec.h"
#include "storage/rows.h"

namespace agora::app {
namespace {

// Whom the command is recorded as in the audit: the named admin, or the first active admin.
Result<Viewer> Operator(storage::Store& store, const std::string& username) {
  AGORA_ASSIGN_OR_RETURN(Viewer viewer, CommandActor(store, username));
  if (!viewer.is_admin) return Status::PermissionDenied(username + " is not an admin");
  return viewer;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

int Fail(const Status& status) {
  std::cerr << "agora: " << status.message() << "\n";
  return 1;
}

}  // namespace

int ImportPeople(const ImportPeopleOptions& options) {
  std::ifstream in(options.file, std::ios::binary);
  if (!in) {
    std::cerr << "agora: cannot read " << options.file << "\n";
    return 2;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  auto file = services::ParsePeopleCsv(text);
  if (!file.ok()) {
    std::cerr << "agora: " << options.file << ": " << file.status().message() << "\n";
    return 1;
  }
  auto app = Application::Open(options.app);
  if (!app.ok()) return Fail(app.status());
  auto viewer = Operator((*app)->store(), options.as);
  if (!viewer.ok()) return Fail(viewer.status());
  ProgressBar bar(options.dry_run ? "checking" : "importing");
  services::PeopleImportOptions import;
  import.dry_run = options.dry_run;
  import.deactivate_missing = options.deactivate_missing;
  import.progress = [&bar](int64_t done, int64_t total) { bar.Show(done, total);
};
auto report = (*app) -> people_import().Import(*viewer, *file, import);
bar.Finish();
if (!report.ok()) return Fail(report.status());
const char* would = options.dry_run ? "would be " : "";
for (const auto& change : report->changes) {
  if (change.line) std::cout << "line " << change.line << ": ";
  std::cout << change.username << " " << would << change.action;
  if (change.action == "updated") std::cout << " (" << Joined(change.fields) << ")";
  std::cout << "\n";
}
for (const auto& e : report->errors) {
  std::cout << "line " << e.line << ": " << e.code << ": " << e.message << "\n";
}
std::cout << (options.dry_run ? "dry run: " : "") << "created " << report->created << ", updated "
          << report->updated << ", unchanged " << report->unchanged << ", deactivated "
          << report->deactivated << ", errors " << report->errors.size() << "\n";
return 0;
}  // namespace agora::app

int Export(const ExportOptions& options) {
  std::ofstream file;
  if (!options.out.empty()) {
    file.open(options.out, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "agora: cannot write " << options.out << "\n";
      return 2;
    }
  }
  std::ostream& out = options.out.empty() ? std::cout : file;
  auto app = Application::Open(options.app);
  if (!app.ok()) return Fail(app.status());
  auto viewer = Operator((*app)->store(), options.as);
  if (!viewer.ok()) return Fail(viewer.status());
  Status status;
  if (!options.user.empty()) {
    std::string_view ref_text = options.user;
    profiles::UserRef ref;
    if (ref_text.starts_with('@')) {
      ref.username = std::string(ref_text.substr(1));
    } else {
      char* end = nullptr;
      int64_t id = std::strtoll(options.user.c_str(), &end, 10);
      if (*end != '\0' || id <= 0) {
        std::cerr << "agora: --user takes an id or @username\n";
        return 2;
      }
      ref.id = id;
    }
    server::PersonExportWriter writer((*app)->clock().now_ms());
    status = (*app)->exports().ExportPerson(
        *viewer, ref, [&writer](const services::ExportRecord& r) { return writer.Add(r); });
    if (status.ok()) out << writer.Finish() << "\n";
  } else {
    // Written record by record: the store is never held in memory.
    status = (*app)->exports().ExportNetwork(*viewer, [&out](const services::ExportRecord& r) {
      out << server::RenderExportLine(r);
      return out ? Status::Ok() : Status::Internal("cannot write the export");
    });
  }
  out.flush();
  if (!status.ok()) return Fail(status);
  if (!out) return Fail(Status::Internal("cannot write the export"));
  return 0;
}

}  // namespace agora::app
