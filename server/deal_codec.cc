#include "server/deal_codec.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "core/text.h"
#include "sales/money.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

using services::DealInput;
using services::TeamMemberInput;

const std::vector<std::string_view>& FieldNames() {
  static const std::vector<std::string_view> names = {
      "external_id", "owner_id", "owner",   "customer",  "sector",       "product", "region",
      "amount",      "currency", "outcome", "closed_on", "new_customer", "team"};
  return names;
}

Status Invalid(std::string code, std::string message) {
  return Status::Unprocessable(std::move(code), std::move(message));
}

// "ana" or "@ana" as a username, "12" as an id.
profiles::UserRef MemberRef(std::string_view text) {
  if (text.starts_with('@')) text.remove_prefix(1);
  if (auto id = ParseId(text)) return {*id, {}};
  return {std::nullopt, std::string(text)};
}

Result<std::vector<TeamMemberInput>> ParseJsonTeam(const rapidjson::Value& team) {
  if (!team.IsArray()) return Invalid("invalid_team", "team is an array of {user_id, share}");
  std::vector<TeamMemberInput> out;
  for (const auto& item : team.GetArray()) {
    if (!item.IsObject()) return Invalid("invalid_team", "team is an array of {user_id, share}");
    JsonFields member(item);
    if (auto unknown = member.first_unknown({"user_id", "username", "share"})) {
      return Invalid("invalid_team", "a team member has no field '" + *unknown + "'");
    }
    TeamMemberInput m;
    AGORA_ASSIGN_OR_RETURN(auto id, member.optional_id("user_id"));
    AGORA_ASSIGN_OR_RETURN(auto username, member.optional_string("username"));
    if (id) {
      m.user = {*id, {}};
    } else if (username) {
      m.user = MemberRef(*username);
    } else {
      return Invalid("invalid_team", "a team member needs a user_id or a username");
    }
    AGORA_ASSIGN_OR_RETURN(auto share, member.optional_decimal("share"));
    if (!share) return Invalid("invalid_share", "a team member needs a share");
    m.share = *share;
    out.push_back(std::move(m));
  }
  return out;
}

// "ana:0.6;12:0.4".
Result<std::vector<TeamMemberInput>> ParseTextTeam(std::string_view text) {
  std::vector<TeamMemberInput> out;
  while (!text.empty()) {
    size_t end = std::min(text.find(';'), text.size());
    std::string_view item = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    size_t colon = item.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Invalid("invalid_team", "team is written member:share;member:share");
    }
    out.push_back({MemberRef(item.substr(0, colon)), std::string(item.substr(colon + 1))});
  }
  return out;
}

Result<bool> ParseFlag(std::string_view text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  return Invalid("invalid_field", "new_customer is true or false");
}

// One CSV cell into its field of `input`; `name` is a known column.
Status SetTextField(DealInput& input, std::string_view name, const std::string& value) {
  if (value.empty()) return Status::Ok();
  if (name == "owner_id") {
    auto id = ParseId(value);
    if (!id) return Invalid("invalid_owner", "owner_id is a decimal id");
    input.owner = profiles::UserRef{*id, {}};
  } else if (name == "owner") {
    input.owner = MemberRef(value);
  } else if (name == "team") {
    AGORA_ASSIGN_OR_RETURN(input.team, ParseTextTeam(value));
  } else if (name == "new_customer") {
    AGORA_ASSIGN_OR_RETURN(input.new_customer, ParseFlag(value));
  } else if (name == "closed_on") {
    input.closed_on = std::optional<std::string>(value);
  } else {
    std::optional<std::string> DealInput::*member = nullptr;
    for (auto [field, pointer] :
         {std::pair{"external_id", &DealInput::external_id},
          std::pair{"customer", &DealInput::customer}, std::pair{"sector", &DealInput::sector},
          std::pair{"product", &DealInput::product}, std::pair{"region", &DealInput::region},
          std::pair{"amount", &DealInput::amount}, std::pair{"currency", &DealInput::currency},
          std::pair{"outcome", &DealInput::outcome}}) {
      if (name == field) member = pointer;
    }
    input.*member = value;
  }
  return Status::Ok();
}

// RFC 4180 records: fields separated by commas, quoted fields may hold commas, quotes ("")
// and line breaks. `line` is where the record starts.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  // The next record; nullopt at the end. kInvalidArgument for an unterminated quote.
  Result<std::optional<std::vector<std::string>>> Next(int64_t& line) {
    using Out = std::optional<std::vector<std::string>>;
    while (at_ < text_.size() && (text_[at_] == '\n' || text_[at_] == '\r')) {
      if (text_[at_] == '\n') ++line_;
      ++at_;
    }
    if (at_ >= text_.size()) return Out();
    line = line_;
    std::vector<std::string> fields(1);
    bool quoted = false;
    while (at_ < text_.size()) {
      char ch = text_[at_++];
      if (quoted) {
        if (ch == '"') {
          if (at_ < text_.size() && text_[at_] == '"') {
            fields.back() += '"';
            ++at_;
          } else {
            quoted = false;
          }
        } else {
          if (ch == '\n') ++line_;
          fields.back() += ch;
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        fields.emplace_back();
      } else if (ch == '\n') {
        ++line_;
        break;
      } else if (ch != '\r') {
        fields.back() += ch;
      }
    }
    if (quoted) {
      return Status::InvalidArgument(
          "invalid_csv", "a quoted field is not closed (line " + std::to_string(line) + ")");
    }
    return Out(std::move(fields));
  }

 private:
  std::string_view text_;
  size_t at_ = 0;
  int64_t line_ = 1;
};

std::string Trimmed(std::string text) {
  auto blank = [](unsigned char ch) { return ch == ' ' || ch == '\t'; };
  while (!text.empty() && blank(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && blank(text[start])) ++start;
  return text.substr(start);
}

Result<std::vector<services::ImportRow>> ParseCsv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a spreadsheet's BOM
  CsvReader reader(text);
  int64_t line = 0;
  AGORA_ASSIGN_OR_RETURN(auto header, reader.Next(line));
  if (!header) return Status::InvalidArgument("invalid_csv", "the file has no header row");
  std::vector<std::string> columns;
  for (auto& name : *header) {
    columns.push_back(Trimmed(name));
    const auto& known = FieldNames();
    if (std::find(known.begin(), known.end(), columns.back()) == known.end()) {
      return Status::InvalidArgument("invalid_csv", "unknown column '" + columns.back() + "'");
    }
  }
  std::vector<services::ImportRow> rows;
  rows.reserve(std::count(text.begin(), text.end(), '\n'));
  for (;;) {
    AGORA_ASSIGN_OR_RETURN(auto record, reader.Next(line));
    if (!record) return rows;
    services::ImportRow row;
    row.line = line;
    if (record->size() != columns.size()) {
      row.parse_error = Status::InvalidArgument(
          "invalid_row", "the row has " + std::to_string(record->size()) + " cells, the header " +
                             std::to_string(columns.size()));
    } else {
      for (size_t i = 0; i < columns.size() && row.parse_error.ok(); ++i) {
        row.parse_error = SetTextField(row.input, columns[i], Trimmed((*record)[i]));
      }
    }
    rows.push_back(std::move(row));
  }
}

Result<std::vector<services::ImportRow>> ParseJsonLines(std::string_view text) {
  std::vector<services::ImportRow> rows;
  rows.reserve(std::count(text.begin(), text.end(), '\n') + 1);
  int64_t line = 0;
  while (!text.empty()) {
    ++line;
    size_t end = std::min(text.find('\n'), text.size());
    std::string_view content = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (content.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    services::ImportRow row;
    row.line = line;
    rapidjson::Document doc;
    row.parse_error = ParseJson(content, doc);
    if (row.parse_error.ok() && !doc.IsObject()) {
      row.parse_error = Status::InvalidArgument("invalid_json", "a line holds one JSON object");
    }
    if (row.parse_error.ok()) {
      auto input = ParseDealFields(doc);
      if (input.ok()) {
        row.input = std::move(*input);
      } else {
        row.parse_error = input.status();
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Result<ImportFormat> ImportFormatOf(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type == "text/csv") return ImportFormat::kCsv;
  if (type == "application/x-ndjson" || type == "application/jsonl") {
    return ImportFormat::kJsonLines;
  }
  return Status::InvalidArgument("invalid_content_type",
                                 "send text/csv, application/x-ndjson or application/jsonl");
}

Result<DealInput> ParseDealFields(const rapidjson::Value& object) {
  JsonFields fields(object);
  AGORA_RETURN_IF_ERROR(RejectUnknownFields(fields, FieldNames()));
  DealInput input;
  for (auto [name, member] :
       {std::pair{"external_id", &DealInput::external_id},
        std::pair{"customer", &DealInput::customer}, std::pair{"sector", &DealInput::sector},
        std::pair{"product", &DealInput::product}, std::pair{"region", &DealInput::region},
        std::pair{"currency", &DealInput::currency}, std::pair{"outcome", &DealInput::outcome}}) {
    AGORA_ASSIGN_OR_RETURN(input.*member, fields.optional_string(name));
  }
  auto amount = fields.optional_decimal("amount");
  if (!amount.ok()) return Invalid("invalid_amount", "amount is a number or a decimal string");
  input.amount = std::move(*amount);
  AGORA_ASSIGN_OR_RETURN(auto owner_id, fields.optional_id("owner_id"));
  AGORA_ASSIGN_OR_RETURN(auto owner, fields.optional_string("owner"));
  if (owner_id) {
    input.owner = profiles::UserRef{*owner_id, {}};
  } else if (owner) {
    input.owner = MemberRef(*owner);
  }
  if (fields.is_null("closed_on")) {
    input.closed_on = std::optional<std::string>();
  } else {
    AGORA_ASSIGN_OR_RETURN(auto closed_on, fields.optional_string("closed_on"));
    if (closed_on) input.closed_on = closed_on;
  }
  AGORA_ASSIGN_OR_RETURN(input.new_customer, fields.optional_bool("new_customer"));
  if (object.HasMember("team") && !object["team"].IsNull()) {
    AGORA_ASSIGN_OR_RETURN(input.team, ParseJsonTeam(object["team"]));
  }
  return input;
}

Result<std::vector<services::ImportRow>> ParseDealImport(ImportFormat format,
                                                         std::string_view text) {
  return format == ImportFormat::kCsv ? ParseCsv(text) : ParseJsonLines(text);
}

void WriteSalesDeal(JsonWriter& w, const sales::Deal& d) {
  auto currency = sales::FindCurrency(d.currency);
  w.StartObject();
  IdMember(w, "id", d.id);
  w.Key("external_id");
  if (d.external_id) {
    w.String(d.external_id->c_str());
  } else {
    w.Null();
  }
  IdMember(w, "owner_id", d.owner_id);
  StringMember(w, "customer", d.customer);
  StringMember(w, "sector", d.sector);
  StringMember(w, "product", d.product);
  StringMember(w, "region", d.region);
  StringMember(
      w, "amount",
      currency ? sales::FormatAmount(d.amount_minor, *currency) : std::to_string(d.amount_minor));
  StringMember(w, "currency", d.currency);
  StringMember(w, "outcome", sales::OutcomeName(d.outcome));
  w.Key("closed_on");
  if (d.closed_on) {
    w.String(d.closed_on->c_str());
  } else {
    w.Null();
  }
  BoolMember(w, "new_customer", d.new_customer);
  w.Key("team");
  w.StartArray();
  for (const auto& member : d.team) {
    w.StartObject();
    IdMember(w, "user_id", member.user_id);
    StringMember(w, "share", sales::FormatShare(member.share_bp));
    w.EndObject();
  }
  w.EndArray();
  IdMember(w, "created_by", d.created_by);
  TimeMember(w, "created_at", d.created_at);
  TimeMember(w, "updated_at", d.updated_at);
  w.Key("story_post_ids");
  w.StartArray();
  for (Id id : d.story_post_ids) w.String(IdToString(id).c_str());
  w.EndArray();
  w.EndObject();
}

std::string RenderImportReport(const services::ImportReport& report) {
  return RenderObject([&](JsonWriter& w) {
    IntMember(w, "created", report.created);
    IntMember(w, "updated", report.updated);
    IntMember(w, "unchanged", report.unchanged);
    w.Key("errors");
    w.StartArray();
    for (const auto& e : report.errors) {
      w.StartObject();
      IntMember(w, "line", e.line);
      StringMember(w, "code", e.code);
      StringMember(w, "message", e.message);
      w.EndObject();
    }
    w.EndArray();
  });
}

}  // namespace agora::server
