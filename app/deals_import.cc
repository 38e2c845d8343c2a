// `agora deals import`: deals from a CRM export through the same path as
// POST /api/v1/deals/import, with a progress bar; works while no server runs.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "app/command_actor.h"
#include "app/commands.h"
#include "app/progress_bar.h"
#include "server/deal_codec.h"
#include "storage/rows.h"

namespace agora::app {
namespace {

// CSV unless the name or the first character says JSON lines.
server::ImportFormat FormatOf(const std::string& path, const std::string& text) {
  for (const char* suffix : {".jsonl", ".ndjson", ".json"}) {
    if (path.ends_with(suffix)) return server::ImportFormat::kJsonLines;
  }
  if (path.ends_with(".csv")) return server::ImportFormat::kCsv;
  size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{' ? server::ImportFormat::kJsonLines
                                                          : server::ImportFormat::kCsv;
}

// Whom the import is recorded as: the named account, or the first active admin.
Result<Viewer> Importer(storage::Store& store, const std::string& username) {
  AGORA_ASSIGN_OR_RETURN(Viewer viewer, CommandActor(store, username));
  if (!viewer.is_admin && !viewer.is_sales_ops) {
    return Status::PermissionDenied(username + " is neither an admin nor sales ops");
  }
  return viewer;
}

}  // namespace

int DealsImport(const DealsImportOptions& options) {
  std::ifstream in(options.file, std::ios::binary);
  if (!in) {
    std::cerr << "agora: cannot read " << options.file << "\n";
    return 2;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  auto rows = server::ParseDealImport(FormatOf(options.file, text), text);
  if (!rows.ok()) {
    std::cerr << "agora: " << options.file << ": " << rows.status().message() << "\n";
    return 1;
  }
  auto app = Application::Open(options.app);
  if (!app.ok()) {
    std::cerr << "agora: " << app.status().message() << "\n";
    return 1;
  }
  auto viewer = Importer((*app)->store(), options.as);
  if (!viewer.ok()) {
    std::cerr << "agora: " << viewer.status().message() << "\n";
    return 1;
  }
  ProgressBar bar(options.dry_run ? "checking" : "importing");
  services::ImportOptions import;
  import.dry_run = options.dry_run;
  import.progress = [&bar](int64_t done, int64_t total) { bar.Show(done, total);
};
auto report = (*app) -> deals().Import(*viewer, *rows, import);
bar.Finish();
if (!report.ok()) {
  std::cerr << "agora: " << report.status().message() << "\n";
  return 1;
}
for (const auto& e : report->errors) {
  std::cout << "line " << e.line << ": " << e.code << ": " << e.message << "\n";
}
std::cout << (options.dry_run ? "would create " : "created ") << report->created
          << (options.dry_run ? ", would update " : ", updated ") << report->updated
          << ", unchanged " << report->unchanged << ", errors " << report->errors.size() << "\n";
return 0;
}  // namespace agora::app

}  // namespace agora::app
