// Deals in and out of JSON, CSV and JSON lines: the request body of POST and PATCH
// /api/v1/deals, the rows of an import (HTTP and `agora deals import` alike) and the deal
// and import report as answered.
//
// Import formats (api.md "Sales"), the same field names in both:
//   external_id, owner_id (a decimal id) or owner (a username), customer, sector, product,
//   region, amount (a decimal, at most 2 decimals), currency, outcome (open, won, lost),
//   closed_on (YYYY-MM-DD), new_customer (true/false, 1/0, yes/no), team.
// - CSV (RFC 4180, `text/csv`): a header row naming the columns, in any order; an empty cell is
//   an absent field; `team` is "member:share;member:share", a member being a username or a
//   decimal id, e.g. "ana:0.6;bruno:0.4". Line numbers are those where a record starts (the
//   header is line 1).
// - JSON lines (`application/x-ndjson` or `application/jsonl`): one JSON object per line, as
//   the body of POST /api/v1/deals (`team` [{"user_id": "12", "share": "0.5"}] or
//   {"username": "ana", ...}); blank lines are skipped.
// Amounts and shares are a JSON number or a decimal string on the way in; on the way out
// amounts are decimal strings ("1234.50") beside their currency, and shares decimal strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "services/deal_service.h"

namespace agora::server {

enum class ImportFormat { kCsv, kJsonLines };

// The import format a Content-Type names (parameters such as charset ignored);
// kUnsupportedMedia-like kInvalidArgument "invalid_content_type" otherwise.
Result<ImportFormat> ImportFormatOf(std::string_view content_type);

// The fields of one deal object; kUnprocessable for a wrong type or an unknown field.
Result<services::DealInput> ParseDealFields(const rapidjson::Value& object);

// Every data row of an import file, each parsed on its own (a bad row carries its error).
// kInvalidArgument only when the file as a whole cannot be read (a CSV without a header, an
// unknown column).
Result<std::vector<services::ImportRow>> ParseDealImport(ImportFormat format,
                                                         std::string_view text);

void WriteSalesDeal(JsonWriter& w, const sales::Deal& deal);
std::string RenderImportReport(const services::ImportReport& report);

}  // namespace agora::server
