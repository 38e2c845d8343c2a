#include "sales/campaign_repository.h"

#include <cstdio>
#include <unordered_map>

#include "storage/paging.h"
#include "storage/rows.h"

namespace agora::sales {
namespace {

using storage::Connection;
using storage::Statement;

constexpr char kColumns[] =
    "id, name, description, starts_on, ends_on, metric, products, sectors, regions, org_root, "
    "community_id, target, visibility, created_by, created_at";

// A list of strings as the JSON array the filter columns hold.
std::string JsonStrings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (unsigned char ch : values[i]) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += static_cast<char>(ch);
      } else if (ch < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", ch);
        out += escaped;
      } else {
        out += static_cast<char>(ch);
      }
    }
    out += '"';
  }
  return out + "]";
}

std::optional<Id> OptionalId(Statement& s, int column) {
  if (s.column_is_null(column)) return std::nullopt;
  return s.column_int64(column);
}

// A row without its filters, and the filters' JSON texts, decoded afterwards (json_each needs
// the connection, which the open statement is using).
struct CampaignRow {
  Campaign campaign;
  std::string products, sectors, regions;
};

CampaignRow ReadRow(Statement& s) {
  CampaignRow row;
  Campaign& c = row.campaign;
  c.id = s.column_int64(0);
  c.name = s.column_text(1);
  c.description = s.column_text(2);
  c.starts_on = s.column_text(3);
  c.ends_on = s.column_text(4);
  c.metric = ParseMetric(s.column_text(5)).value_or(Metric::kWonAmount);
  row.products = s.column_text(6);
  row.sectors = s.column_text(7);
  row.regions = s.column_text(8);
  c.org_root = OptionalId(s, 9);
  c.community_id = OptionalId(s, 10);
  c.target = s.column_int64(11);
  c.visibility =
      ParseCampaignVisibility(s.column_text(12)).value_or(CampaignVisibility::kParticipants);
  c.created_by = s.column_int64(13);
  c.created_at = s.column_int64(14);
  return row;
}

Result<Campaign> Complete(Connection& c, CampaignRow row) {
  AGORA_ASSIGN_OR_RETURN(row.campaign.products, storage::ReadJsonStrings(c, row.products));
  AGORA_ASSIGN_OR_RETURN(row.campaign.sectors, storage::ReadJsonStrings(c, row.sectors));
  AGORA_ASSIGN_OR_RETURN(row.campaign.regions, storage::ReadJsonStrings(c, row.regions));
  return std::move(row.campaign);
}

Result<std::vector<Campaign>> CompleteAll(Connection& c, std::vector<CampaignRow> rows) {
  std::vector<Campaign> out;
  out.reserve(rows.size());
  for (auto& row : rows) {
    AGORA_ASSIGN_OR_RETURN(auto campaign, Complete(c, std::move(row)));
    out.push_back(std::move(campaign));
  }
  return out;
}

}  // namespace

Status InsertCampaign(Connection& c, const Campaign& campaign,
                      const std::vector<Id>& participants) {
  AGORA_RETURN_IF_ERROR(storage::Run(
      c,
      storage::Sql("INSERT INTO sales_campaigns (", kColumns,
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .data(),
      campaign.id, campaign.name, campaign.description, campaign.starts_on, campaign.ends_on,
      MetricName(campaign.metric), JsonStrings(campaign.products), JsonStrings(campaign.sectors),
      JsonStrings(campaign.regions), campaign.org_root, campaign.community_id, campaign.target,
      CampaignVisibilityName(campaign.visibility), campaign.created_by, campaign.created_at));
  auto stmt =
      c.prepare("INSERT INTO sales_campaign_participants (campaign_id, user_id) VALUES (?1, ?2)");
  if (!stmt.ok()) return stmt.status();
  for (Id user : participants) {
    (*stmt)->reset();
    storage::BindAll(**stmt, campaign.id, user);
    AGORA_RETURN_IF_ERROR((*stmt)->run());
  }
  return Status::Ok();
}

Result<Campaign> FindCampaign(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(
      auto row,
      storage::ReadOne(
          c, storage::Sql("SELECT ", kColumns, " FROM sales_campaigns WHERE id = ?").data(),
          ReadRow, id));
  if (!row) return Status::NotFound("no such campaign");
  return Complete(c, std::move(*row));
}

Result<std::vector<Campaign>> AllCampaigns(Connection& c) {
  std::vector<CampaignRow> rows;
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c, storage::Sql("SELECT ", kColumns, " FROM sales_campaigns ORDER BY id").data(),
      [&](Statement& s) { rows.push_back(ReadRow(s)); }));
  return CompleteAll(c, std::move(rows));
}

Result<std::vector<Id>> CampaignParticipants(Connection& c, Id campaign_id) {
  return storage::ReadIds(
      c, "SELECT user_id FROM sales_campaign_participants WHERE campaign_id = ? ORDER BY user_id",
      campaign_id);
}

Result<bool> IsParticipant(Connection& c, Id campaign_id, Id user_id) {
  AGORA_ASSIGN_OR_RETURN(auto found, storage::ReadInt64(c,
                                                        "SELECT 1 FROM sales_campaign_participants "
                                                        "WHERE campaign_id = ? AND user_id = ?",
                                                        campaign_id, user_id));
  return found.has_value();
}

Result<Page<Campaign>> ListCampaigns(Connection& c, const CampaignQuery& query,
                                     const PageRequest& page) {
  constexpr auto kList = storage::Sql(
      "SELECT ", kColumns,
      " FROM sales_campaigns c WHERE c.id < ?1 "
      "AND (?2 = 1 OR c.visibility = 'company' OR c.created_by = ?3 OR EXISTS (SELECT 1 FROM "
      "sales_campaign_participants p WHERE p.campaign_id = c.id AND p.user_id = ?3)) "
      "AND (CAST(?4 AS BIGINT) IS NULL OR "
      "(CASE WHEN c.starts_on <= ?5 AND c.ends_on >= ?5 THEN 1 ELSE 0 END) = ?4) "
      "ORDER BY c.id DESC LIMIT ?6");
  auto stmt = c.prepare(kList.data());
  if (!stmt.ok()) return stmt.status();
  storage::BindAll(**stmt, page.after_key.value_or(INT64_MAX), int64_t{query.sees_all},
                   query.viewer,
                   query.active ? std::optional<int64_t>(*query.active) : std::nullopt, query.today,
                   int64_t{page.limit} + 1);
  AGORA_ASSIGN_OR_RETURN(auto rows, storage::ReadPage<CampaignRow>(
                                        **stmt, page.limit, ReadRow,
                                        [](const CampaignRow& row) { return row.campaign.id; }));
  (*stmt)->reset();
  Page<Campaign> out;
  out.next_cursor = std::move(rows.next_cursor);
  AGORA_ASSIGN_OR_RETURN(out.items, CompleteAll(c, std::move(rows.items)));
  return out;
}

Status ForEachClosedDeal(Connection& c, const std::string& from, const std::string& to,
                         const std::function<void(const Deal&)>& fn) {
  // Deals and team rows in one pass each, both by deal id, merged as they come.
  auto deals = c.prepare(
      "SELECT id, owner_id, sector, product, region, amount_minor, currency, outcome, closed_on, "
      "new_customer, updated_at, revision FROM sales_deals WHERE outcome != 'open' AND closed_on "
      ">= ?1 "
      "AND closed_on <= ?2 ORDER BY id");
  if (!deals.ok()) return deals.status();
  storage::BindAll(**deals, from, to);
  auto team = c.prepare(
      "SELECT t.deal_id, t.user_id, t.share_bp FROM sales_deal_team t JOIN sales_deals d ON "
      "d.id = t.deal_id WHERE d.outcome != 'open' AND d.closed_on >= ?1 AND d.closed_on <= ?2 "
      "ORDER BY t.deal_id, t.user_id");
  if (!team.ok()) return team.status();
  storage::BindAll(**team, from, to);
  AGORA_ASSIGN_OR_RETURN(bool team_row, (*team)->step());
  for (;;) {
    AGORA_ASSIGN_OR_RETURN(bool row, (*deals)->step());
    if (!row) return Status::Ok();
    Statement& s = **deals;
    Deal deal;
    deal.id = s.column_int64(0);
    deal.owner_id = s.column_int64(1);
    deal.sector = s.column_text(2);
    deal.product = s.column_text(3);
    deal.region = s.column_text(4);
    deal.amount_minor = s.column_int64(5);
    deal.currency = s.column_text(6);
    deal.outcome = ParseOutcome(s.column_text(7)).value_or(Outcome::kOpen);
    deal.closed_on = s.column_text(8);
    deal.new_customer = s.column_int64(9) != 0;
    deal.updated_at = s.column_int64(10);
    deal.revision = s.column_int64(11);
    while (team_row && (*team)->column_int64(0) <= deal.id) {
      if ((*team)->column_int64(0) == deal.id) {
        deal.team.push_back({(*team)->column_int64(1), static_cast<int>((*team)->column_int64(2))});
      }
      AGORA_ASSIGN_OR_RETURN(team_row, (*team)->step());
    }
    fn(deal);
  }
}

Result<std::vector<OrgMember>> LoadOrgChart(Connection& c) {
  std::vector<OrgMember> out;
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c,
      "SELECT id, manager_id, role = 'admin' OR sales_ops = 1 FROM users WHERE active = 1 ORDER BY "
      "id",
      [&](Statement& s) {
        out.push_back({s.column_int64(0), OptionalId(s, 1), s.column_int64(2) != 0});
      }));
  return out;
}

}  // namespace agora::sales
