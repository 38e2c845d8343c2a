// Routes of issue 14 "Import and export": the HR import for admins, a person's data export
// (their own, or anyone's for an admin) and the admin's export of the whole network.
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/people_io_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

using services::ExportService;
using services::PeopleImportService;

// A boolean query parameter: "true"/"1", "false"/"0", absent for false.
Result<bool> ParseFlag(const ApiRequest& request, std::string_view name) {
  auto value = request.query_param(name);
  if (!value || *value == "false" || *value == "0") return false;
  if (*value == "true" || *value == "1") return true;
  return Status::InvalidArgument("invalid_query", "'" + std::string(name) + "' is true or false");
}

Result<ApiResponse> ImportPeople(RouteContext& ctx, PeopleImportService& imports) {
  if (!ctx.viewer.is_admin) return Status::PermissionDenied("only admins import people");
  std::string_view type = ctx.request.content_type;
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type != "text/csv") {
    return Status::InvalidArgument("invalid_content_type", "send the HR export as text/csv");
  }
  services::PeopleImportOptions options;
  AGORA_ASSIGN_OR_RETURN(options.dry_run, ParseFlag(ctx.request, "dry_run"));
  AGORA_ASSIGN_OR_RETURN(options.deactivate_missing, ParseFlag(ctx.request, "deactivate_missing"));
  AGORA_ASSIGN_OR_RETURN(auto file, services::ParsePeopleCsv(ctx.request.body));
  return Json(200, imports.Import(ctx.viewer, file, options), RenderPeopleImportReport);
}

Result<ApiResponse> ExportPerson(ExportService& exports, const Viewer& viewer,
                                 const profiles::UserRef& target) {
  PersonExportWriter writer(SystemClock::instance().now_ms());
  AGORA_RETURN_IF_ERROR(exports.ExportPerson(
      viewer, target, [&writer](const services::ExportRecord& r) { return writer.Add(r); }));
  ApiResponse response(200, writer.Finish());
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"agora-export.json\"");
  return response;
}

Result<ApiResponse> ExportMe(RouteContext& ctx, ExportService& exports) {
  return ExportPerson(exports, ctx.viewer, profiles::UserRef{ctx.viewer.user_id, ""});
}

Result<ApiResponse> ExportUser(RouteContext& ctx, ExportService& exports) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  return ExportPerson(exports, ctx.viewer, ref);
}

// The network as JSON lines. The server answers with one body, so it is built in memory here;
// `agora export` streams it to a file for stores too large for that.
Result<ApiResponse> ExportNetwork(RouteContext& ctx, ExportService& exports) {
  std::string body;
  AGORA_RETURN_IF_ERROR(exports.ExportNetwork(ctx.viewer, [&body](const services::ExportRecord& r) {
    body += RenderExportLine(r);
    return Status::Ok();
  }));
  ApiResponse response(200, std::move(body), "application/x-ndjson");
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"agora-network.jsonl\"");
  return response;
}

}  // namespace

void AddPeopleImportExportRoutes(Router& router, PeopleImportService& imports,
                                 ExportService& exports) {
  const auto auth = Access::kAuthenticated;
  const auto lane = Lane::kDefault;
  router.add("POST", "/api/v1/admin/people/import", auth, lane, Bind(imports, ImportPeople));
  router.add("GET", "/api/v1/me/export", auth, lane, Bind(exports, ExportMe));
  router.add("GET", "/api/v1/users/{id}/export", auth, lane, Bind(exports, ExportUser));
  router.add("GET", "/api/v1/admin/export", auth, lane, Bind(exports, ExportNetwork));
}

}  // namespace agora::server
