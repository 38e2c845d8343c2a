#include "server/sales_json.h"

#include "server/json_codec.h"

namespace agora::server {
namespace {

void WritePerson(JsonWriter& w, Id id, const std::unordered_map<Id, profiles::UserSummary>& users) {
  if (id == 0) {
    w.Null();
    return;
  }
  auto found = users.find(id);
  if (found != users.end()) {
    WriteUserSummary(w, found->second);
    return;
  }
  w.StartObject();
  IdMember(w, "id", id);
  w.EndObject();
}

}  // namespace

void WriteStanding(JsonWriter& w, const sales::Standing& s, sales::Metric metric,
                   const sales::Currency& currency,
                   const std::unordered_map<Id, profiles::UserSummary>& users) {
  w.StartObject();
  IntMember(w, "rank", s.rank);
  w.Key("subject");
  w.StartObject();
  StringMember(w, "type", sales::GroupingName(s.by));
  switch (s.by) {
    case sales::Grouping::kPerson:
      w.Key("user");
      WritePerson(w, s.user_id, users);
      break;
    case sales::Grouping::kTeam:
      w.Key("manager");
      WritePerson(w, s.user_id, users);
      break;
    case sales::Grouping::kRegion:
      StringMember(w, "name", s.region);
      break;
  }
  w.EndObject();
  StringMember(w, "value", sales::FormatMetricValue(metric, s.value, currency));
  w.Key("target");
  if (s.target > 0) {
    WriteString(w, sales::FormatMetricValue(metric, s.target, currency));
  } else {
    w.Null();
  }
  w.Key("progress");
  if (s.target > 0) {
    w.Double(static_cast<double>(s.value) / static_cast<double>(s.target));
  } else {
    w.Null();
  }
  DoubleMember(w, "won_count", static_cast<double>(s.won_bp) / sales::kOneDeal);
  DoubleMember(w, "lost_count", static_cast<double>(s.lost_bp) / sales::kOneDeal);
  DoubleMember(w, "win_rate", static_cast<double>(s.win_rate_ppm) / 1e6);
  IntMember(w, "rank_change", s.rank_change);
  w.EndObject();
}

void WriteDealSummary(JsonWriter& w, const sales::Deal& d, const sales::Currency& currency) {
  w.StartObject();
  IdMember(w, "id", d.id);
  IdMember(w, "owner_id", d.owner_id);
  StringMember(w, "customer", d.customer);
  StringMember(w, "product", d.product);
  StringMember(w, "sector", d.sector);
  StringMember(w, "region", d.region);
  StringMember(w, "amount", sales::FormatAmount(d.amount_minor, currency));
  StringMember(w, "currency", d.currency);
  StringMember(w, "closed_on", d.closed_on.value_or(""));
  BoolMember(w, "new_customer", d.new_customer);
  w.EndObject();
}

}  // namespace agora::server
