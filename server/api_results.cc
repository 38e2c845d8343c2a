// Routes of api.md "Sales" that report: monthly results, and the reporting currency with its
// monthly rates.
#include <cmath>

#include "sales/money.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

using services::ReportingService;

constexpr int kDefaultRows = 100;
constexpr int kMaxRows = 1000;

// Counts are kept in basis points of a deal: a share of a deal is a fraction of one.
void CountMember(JsonWriter& w, const char* key, int64_t basis_points) {
  if (basis_points % sales::kWholeShare == 0) {
    IntMember(w, key, basis_points / sales::kWholeShare);
  } else {
    DoubleMember(w, key, static_cast<double>(basis_points) / sales::kWholeShare);
  }
}

void WriteFigures(JsonWriter& w, const sales::ResultFigures& f, const sales::Currency& currency) {
  CountMember(w, "won_count", f.won_count_bp);
  StringMember(w, "won_amount", sales::FormatAmount(f.won_amount_minor, currency));
  CountMember(w, "lost_count", f.lost_count_bp);
  w.Key("win_rate");
  if (auto rate = f.win_rate()) {
    w.Double(*rate);
  } else {
    w.Null();
  }
  CountMember(w, "new_customers", f.new_customers_bp);
  if (f.unconverted_bp) CountMember(w, "unconverted_won_count", f.unconverted_bp);
}

// The earlier period's figures, and the won amount's relative change (null from nothing).
void WriteComparison(JsonWriter& w, const char* key, const sales::ResultFigures& now,
                     const sales::ResultFigures& then, const sales::Currency& currency) {
  w.Key(key);
  w.StartObject();
  WriteFigures(w, then, currency);
  w.Key("won_amount_change");
  if (then.won_amount_minor > 0) {
    w.Double(static_cast<double>(now.won_amount_minor - then.won_amount_minor) /
             static_cast<double>(then.won_amount_minor));
  } else {
    w.Null();
  }
  w.EndObject();
}

void WriteRow(JsonWriter& w, const sales::ResultRow& row, const services::MonthlyReport& report,
              bool with_key) {
  w.StartObject();
  if (with_key) {
    StringMember(w, "key", row.key);
    bool per_person = report.by == sales::ResultsDimension::kPerson ||
                      report.by == sales::ResultsDimension::kTeam;
    if (per_person) {
      auto found = report.people.find(std::stoll(row.key));
      if (found != report.people.end()) {
        w.Key(report.by == sales::ResultsDimension::kPerson ? "user" : "manager");
        WriteUserSummary(w, found->second);
      }
    }
  }
  WriteFigures(w, row.month, report.currency);
  WriteComparison(w, "vs_previous_month", row.month, row.previous_month, report.currency);
  WriteComparison(w, "vs_last_year", row.month, row.same_month_last_year, report.currency);
  w.EndObject();
}

std::string RenderReport(const services::MonthlyReport& report) {
  return RenderObject([&](JsonWriter& w) {
    StringMember(w, "month", report.month);
    StringMember(w, "by", sales::DimensionName(report.by));
    StringMember(w, "currency", report.currency.code);
    w.Key("rows");
    w.StartArray();
    for (const auto& row : report.results.rows) WriteRow(w, row, report, true);
    w.EndArray();
    w.Key("totals");
    WriteRow(w, report.results.totals, report, false);
    IntMember(w, "total_rows", static_cast<int64_t>(report.results.total_rows));
    if (report.next_offset) {
      StringMember(w, "next_cursor", std::to_string(*report.next_offset));
    }
  });
}

std::string RenderCurrency(const services::CurrencySettings& settings) {
  return RenderObject([&](JsonWriter& w) {
    StringMember(w, "reporting_currency", settings.reporting_currency);
    StringMember(w, "month", settings.month);
    w.Key("rates");
    w.StartObject();
    for (const auto& [code, micros] : settings.rates) {
      StringMember(w, code.c_str(), sales::FormatRateMicros(micros));
    }
    w.EndObject();
  });
}

Result<ApiResponse> Monthly(RouteContext& ctx, ReportingService& reporting) {
  services::MonthlyRequest request;
  if (auto text = ctx.request.query_param("month")) request.month = std::string(*text);
  if (auto text = ctx.request.query_param("by")) {
    auto parsed = sales::ParseDimension(*text);
    if (!parsed) {
      return Status::InvalidArgument("invalid_by", "by is region, team, product or person");
    }
    request.by = *parsed;
  }
  if (auto text = ctx.request.query_param("org_root")) {
    AGORA_ASSIGN_OR_RETURN(request.org_root, ParseResourceId(*text, "user"));
  }
  AGORA_ASSIGN_OR_RETURN(int limit, ParseLimit(ctx.request, kDefaultRows, kMaxRows));
  request.limit = static_cast<size_t>(limit);
  // The cursor is the offset of the next page's first row.
  AGORA_ASSIGN_OR_RETURN(request.offset,
                         WholeNumberParam<size_t>(ctx.request, "cursor", 0, 0, SIZE_MAX,
                                                  "cursor is not one this server gave"));
  return Json(200, reporting.Monthly(ctx.viewer, request), RenderReport);
}

Result<ApiResponse> GetCurrency(RouteContext& ctx, ReportingService& reporting) {
  std::string month = std::string(ctx.request.query_param("month").value_or(""));
  if (month.empty()) return Status::InvalidArgument("invalid_month", "month (YYYY-MM) is required");
  return Json(200, reporting.Currency(month), RenderCurrency);
}

// {"reporting_currency": "EUR", "month": "2026-11", "rates": {"USD": "0.92"}}; a rate may be a
// number or a decimal string.
Result<ApiResponse> SetCurrency(RouteContext& ctx, ReportingService& reporting) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(
      ParseJsonObject(ctx.request, body, {"reporting_currency", "month", "rates"}));
  JsonFields fields(body);
  AGORA_ASSIGN_OR_RETURN(std::string currency, fields.required_string("reporting_currency"));
  AGORA_ASSIGN_OR_RETURN(std::string month, fields.required_string("month"));
  AGORA_ASSIGN_OR_RETURN(auto rates_object, fields.optional_object("rates"));
  std::map<std::string, std::string> rates;
  if (rates_object) {
    JsonFields rate_fields(**rates_object);
    for (const auto& member : (*rates_object)->GetObject()) {
      std::string code(member.name.GetString(), member.name.GetStringLength());
      AGORA_ASSIGN_OR_RETURN(auto text, rate_fields.optional_decimal(code.c_str()));
      if (!text) return Status::Unprocessable("invalid_rate", "rate of " + code + " is null");
      rates.emplace(code, *text);
    }
  }
  return Json(200, reporting.SetCurrency(ctx.viewer, currency, month, rates), RenderCurrency);
}

}  // namespace

void AddReportingRoutes(Router& router, ReportingService& reporting) {
  const auto auth = Access::kEmployee;  // sales are company-wide: no guests
  router.add("GET", "/api/v1/results/monthly", auth, Lane::kDefault, Bind(reporting, Monthly));
  router.add("GET", "/api/v1/settings/currency", auth, Lane::kDefault,
             Bind(reporting, GetCurrency));
  router.add("PUT", "/api/v1/settings/currency", Access::kAdmin, Lane::kDefault,
             Bind(reporting, SetCurrency));
}

}  // namespace agora::server
