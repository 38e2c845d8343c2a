#include "sales/deal_repository.h"

#include <algorithm>
#include <span>
#include <unordered_map>

#include "storage/paging.h"
#include "storage/rows.h"

namespace agora::sales {
namespace {

using storage::Connection;
using storage::Statement;

// The one column list of a deal row, and its mapper; the team is loaded beside it (WithTeams).
constexpr char kColumns[] =
    "id, external_id, owner_id, customer, sector, product, region, amount_minor, currency, "
    "outcome, closed_on, new_customer, created_by, created_at, updated_at";
// Reads select it after kColumns; the store bumps it, writes never name it.
constexpr char kRevision[] = ", revision";

Deal ReadRow(const Statement& s) {
  Deal d;
  d.id = s.column_int64(0);
  if (!s.column_is_null(1)) d.external_id = s.column_text(1);
  d.owner_id = s.column_int64(2);
  d.customer = s.column_text(3);
  d.sector = s.column_text(4);
  d.product = s.column_text(5);
  d.region = s.column_text(6);
  d.amount_minor = s.column_int64(7);
  d.currency = s.column_text(8);
  d.outcome = ParseOutcome(s.column_text(9)).value_or(Outcome::kOpen);
  if (!s.column_is_null(10)) d.closed_on = s.column_text(10);
  d.new_customer = s.column_int64(11) != 0;
  d.created_by = s.column_int64(12);
  d.created_at = s.column_int64(13);
  d.updated_at = s.column_int64(14);
  d.revision = s.column_int64(15);
  return d;
}

constexpr auto kById =
    storage::Sql("SELECT ", kColumns, kRevision, " FROM sales_deals WHERE id = ?");
constexpr auto kByExternalId =
    storage::Sql("SELECT ", kColumns, kRevision, " FROM sales_deals WHERE external_id = ?");
constexpr auto kInsert =
    storage::Sql("INSERT INTO sales_deals (", kColumns,
                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
constexpr char kUpdate[] =
    "UPDATE sales_deals SET external_id = ?2, owner_id = ?3, customer = ?4, sector = ?5, "
    "product = ?6, region = ?7, amount_minor = ?8, currency = ?9, outcome = ?10, "
    "closed_on = ?11, new_customer = ?12, updated_at = ?13 WHERE id = ?1";
constexpr char kTeamsByDealIds[] =
    "SELECT deal_id, user_id, share_bp FROM sales_deal_team "
    "WHERE deal_id IN (SELECT value FROM json_each(?1)) ORDER BY deal_id, user_id";
// ?1 after-id, ?2 owner, ?3 outcome, ?4 since, ?5 until, ?6 sector, ?7 product, ?8 region,
// ?9 story missing, ?10 JSON array of the people involved (NULL: anyone), ?11 limit + 1.
// Text tested for NULL is cast: PostgreSQL cannot type a parameter from `IS NULL` alone.
constexpr auto kList = storage::Sql(
    "SELECT ", kColumns, kRevision,
    " FROM sales_deals d WHERE d.id < ?1"
    " AND (CAST(?2 AS BIGINT) IS NULL OR d.owner_id = ?2)"
    " AND (CAST(?3 AS TEXT) IS NULL OR d.outcome = ?3)"
    " AND (CAST(?4 AS TEXT) IS NULL OR d.closed_on >= ?4) AND (CAST(?5 AS TEXT) IS NULL OR "
    "d.closed_on <= ?5)"
    " AND (CAST(?6 AS TEXT) IS NULL OR d.sector = ?6) AND (CAST(?7 AS TEXT) IS NULL OR d.product = "
    "?7)"
    " AND (CAST(?8 AS TEXT) IS NULL OR d.region = ?8)"
    " AND (?9 = 0 OR (d.outcome = 'won' AND NOT EXISTS (SELECT 1 FROM posts p"
    " WHERE p.deal_id = d.id AND p.kind = 'deal_story' AND p.deleted_at IS NULL)))"
    " AND (CAST(?10 AS TEXT) IS NULL OR d.id IN (SELECT deal_id FROM sales_deal_team"
    " WHERE user_id IN (SELECT value FROM json_each(?10))"
    " UNION SELECT id FROM sales_deals WHERE owner_id IN (SELECT value FROM json_each(?10))))"
    " ORDER BY d.id DESC LIMIT ?11");

int64_t NewCustomer(const Deal& d) { return d.new_customer ? 1 : 0; }

Status InsertTeam(Connection& c, const Deal& deal) {
  for (const auto& member : deal.team) {
    AGORA_RETURN_IF_ERROR(
        storage::Run(c, "INSERT INTO sales_deal_team (deal_id, user_id, share_bp) VALUES (?, ?, ?)",
                     deal.id, member.user_id, int64_t{member.share_bp}));
  }
  return Status::Ok();
}

// Fills the teams of `deals` (by id): one statement per batch of 500 deals.
Status WithTeams(Connection& c, std::vector<Deal>& deals) {
  std::unordered_map<Id, Deal*> by_id;
  std::vector<Id> ids;
  ids.reserve(deals.size());
  for (auto& d : deals) {
    d.team.clear();
    by_id[d.id] = &d;
    ids.push_back(d.id);
  }
  return storage::ForEachRowIn(c, kTeamsByDealIds, ids, [&](Statement& s) {
    by_id.at(s.column_int64(0))
        ->team.push_back({s.column_int64(1), static_cast<int>(s.column_int64(2))});
  });
}

Result<std::optional<Deal>> WithTeam(Connection& c, Result<std::optional<Deal>> found) {
  if (!found.ok() || !*found) return found;
  std::vector<Deal> one{std::move(**found)};
  AGORA_RETURN_IF_ERROR(WithTeams(c, one));
  return std::optional<Deal>(std::move(one.front()));
}

const char* ActionName(DealAction action) {
  return action == DealAction::kCreate ? "create" : "update";
}
const char* SourceName(DealSource source) { return source == DealSource::kApi ? "api" : "import"; }

}  // namespace

Status InsertDeal(Connection& c, const Deal& d) {
  AGORA_RETURN_IF_ERROR(storage::Run(c, kInsert.data(), d.id, d.external_id, d.owner_id, d.customer,
                                     d.sector, d.product, d.region, d.amount_minor, d.currency,
                                     OutcomeName(d.outcome), d.closed_on, NewCustomer(d),
                                     d.created_by, d.created_at, d.updated_at));
  return InsertTeam(c, d);
}

Status UpdateDeal(Connection& c, const Deal& d) {
  AGORA_RETURN_IF_ERROR(storage::Run(c, kUpdate, d.id, d.external_id, d.owner_id, d.customer,
                                     d.sector, d.product, d.region, d.amount_minor, d.currency,
                                     OutcomeName(d.outcome), d.closed_on, NewCustomer(d),
                                     d.updated_at));
  if (c.changes() == 0) return Status::NotFound("no such deal");
  AGORA_RETURN_IF_ERROR(storage::Run(c, "DELETE FROM sales_deal_team WHERE deal_id = ?", d.id));
  return InsertTeam(c, d);
}

Result<std::vector<Id>> OpenDealIdsOwnedBy(Connection& c, Id owner_id) {
  return storage::ReadIds(
      c, "SELECT id FROM sales_deals WHERE owner_id = ? AND outcome = 'open' ORDER BY id",
      owner_id);
}

Deal WithNewOwner(Deal deal, Id receiver) {
  int passed = 0;
  std::erase_if(deal.team, [&](const TeamShare& share) {
    if (share.user_id != deal.owner_id) return false;
    passed = share.share_bp;
    return true;
  });
  auto kept = std::find_if(deal.team.begin(), deal.team.end(),
                           [&](const TeamShare& share) { return share.user_id == receiver; });
  if (kept != deal.team.end()) {
    kept->share_bp += passed;
  } else if (passed > 0) {
    deal.team.push_back({receiver, passed});
  }
  deal.owner_id = receiver;
  return deal;
}

Result<std::optional<Deal>> FindDeal(Connection& c, Id id) {
  return WithTeam(c, storage::ReadOne(c, kById.data(), ReadRow, id));
}

Result<std::optional<Deal>> FindDealByExternalId(Connection& c, const std::string& external_id) {
  return WithTeam(c, storage::ReadOne(c, kByExternalId.data(), ReadRow, external_id));
}

Result<Page<Deal>> ListDeals(Connection& c, const DealFilter& f, const PageRequest& page) {
  auto stmt = c.prepare(kList.data());
  if (!stmt.ok()) return stmt.status();
  std::optional<std::string> outcome;
  if (f.outcome) outcome = OutcomeName(*f.outcome);
  std::optional<std::string> involving;
  if (f.involving) involving = storage::IdArray(*f.involving);
  storage::BindAll(**stmt, page.after_key.value_or(INT64_MAX), f.owner_id, outcome, f.since,
                   f.until, f.sector, f.product, f.region, int64_t{f.story_missing ? 1 : 0},
                   involving, int64_t{page.limit + 1});
  AGORA_ASSIGN_OR_RETURN(auto out, storage::ReadPage<Deal>(
                                       **stmt, page.limit, [](Statement& s) { return ReadRow(s); },
                                       [](const Deal& d) { return d.id; }));
  AGORA_RETURN_IF_ERROR(WithTeams(c, out.items));
  return out;
}

Result<std::vector<Id>> StoryPostIds(Connection& c, Id deal_id) {
  return storage::ReadIds(c,
                          "SELECT id FROM posts WHERE deal_id = ? AND kind = 'deal_story' "
                          "AND deleted_at IS NULL ORDER BY id",
                          deal_id);
}

Status ForEachDeal(Connection& c, const std::function<void(const Deal&)>& fn) {
  constexpr auto kBatch = storage::Sql("SELECT ", kColumns, kRevision,
                                       " FROM sales_deals WHERE id > ? ORDER BY id LIMIT 500");
  Id after = 0;
  for (;;) {
    std::vector<Deal> batch;
    AGORA_RETURN_IF_ERROR(storage::ForEachRow(
        c, kBatch.data(), [&](Statement& s) { batch.push_back(ReadRow(s)); }, after));
    if (batch.empty()) return Status::Ok();
    AGORA_RETURN_IF_ERROR(WithTeams(c, batch));
    for (const auto& d : batch) fn(d);
    after = batch.back().id;
  }
}

Status RecordDealAudit(Connection& c, Id deal_id, Id actor, DealAction action, DealSource source,
                       UnixMillis at) {
  return storage::Run(c,
                      "INSERT INTO sales_deal_audit (deal_id, actor_id, action, source, "
                      "created_at) VALUES (?, ?, ?, ?, ?)",
                      deal_id, actor, ActionName(action), SourceName(source), at);
}

}  // namespace agora::sales
