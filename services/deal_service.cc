#include "services/deal_service.h"

#include <algorithm>
#include <utility>

#include "profiles/user_repository.h"
#include "sales/money.h"
#include "services/deal_access.h"
#include "storage/outbox.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

using sales::Deal;
using storage::Connection;

Status Invalid(std::string code, std::string message) {
  return Status::Unprocessable(std::move(code), std::move(message));
}

std::string RefText(const profiles::UserRef& ref) {
  return ref.id ? IdToString(*ref.id) : ref.username;
}

Result<std::vector<sales::TeamShare>> ResolveTeam(AccountLookup& accounts,
                                                  const std::vector<TeamMemberInput>& team) {
  std::vector<sales::TeamShare> out;
  for (const auto& member : team) {
    AGORA_ASSIGN_OR_RETURN(auto account, accounts.Find(member.user));
    if (!account || !account->active) {
      return Invalid("invalid_team", "'" + RefText(member.user) + "' is not an active account");
    }
    auto share = sales::ParseShareBasisPoints(member.share);
    if (!share.ok()) return share.status();
    out.push_back({account->id, *share});
  }
  return out;
}

// `input` applied over `base` (a new deal for `viewer` when absent), then validated whole.
Result<Deal> Merge(AccountLookup& accounts, const Viewer& viewer, const std::optional<Deal>& base,
                   const DealInput& input, std::string_view today) {
  Deal d = base.value_or(Deal{});
  if (!base) d.owner_id = viewer.user_id;
  if (input.external_id) d.external_id = input.external_id;
  if (input.owner) {
    AGORA_ASSIGN_OR_RETURN(auto owner, accounts.Find(*input.owner));
    if (!owner) return Invalid("invalid_owner", "no account '" + RefText(*input.owner) + "'");
    d.owner_id = owner->id;
  }
  for (auto [value, member] :
       {std::pair{&input.customer, &Deal::customer}, std::pair{&input.sector, &Deal::sector},
        std::pair{&input.product, &Deal::product}, std::pair{&input.region, &Deal::region}}) {
    if (*value) d.*member = **value;
  }
  std::string old_currency = d.currency;
  if (input.currency) d.currency = *input.currency;
  auto currency = sales::FindCurrency(d.currency);
  if (input.amount || (base && d.currency != old_currency)) {
    if (!currency) {
      return Invalid("invalid_currency",
                     "currency '" + d.currency + "' is not a known ISO 4217 code");
    }
    // A new currency alone re-reads the stored amount in it (a JPY deal has no cents).
    std::string text =
        input.amount ? *input.amount
                     : sales::FormatAmount(d.amount_minor, *sales::FindCurrency(old_currency));
    AGORA_ASSIGN_OR_RETURN(d.amount_minor, sales::ParseAmount(text, *currency));
  } else if (!base) {
    return Invalid("missing_field", "field 'amount' is required");
  }
  if (input.outcome) {
    auto outcome = sales::ParseOutcome(*input.outcome);
    if (!outcome) return Invalid("invalid_field", "outcome is open, won or lost");
    d.outcome = *outcome;
  }
  if (input.closed_on) d.closed_on = *input.closed_on;
  if (input.new_customer) d.new_customer = *input.new_customer;
  if (input.team) {
    AGORA_ASSIGN_OR_RETURN(d.team, ResolveTeam(accounts, *input.team));
  } else if (!base || (base->team.size() == 1 && base->team.front().user_id == base->owner_id)) {
    // The default team is the owner alone, and follows the owner while it is.
    d.team = {{d.owner_id, sales::kWholeShare}};
  }
  AGORA_RETURN_IF_ERROR(sales::ValidateDeal(d, today));
  return d;
}

Status ExternalIdTaken() {
  return Status::Conflict("external_id_taken", "another deal has this external_id");
}

}  // namespace

Result<std::optional<AccountLookup::Account>> AccountLookup::Find(const profiles::UserRef& ref) {
  std::string username = ref.id ? std::string() : profiles::NormalizeUsername(ref.username);
  std::string key = ref.id ? "#" + IdToString(*ref.id) : username;
  if (auto it = found_.find(key); it != found_.end()) return it->second;
  auto read = [](storage::Statement& s) {
    return Account{s.column_int64(0), s.column_int64(1) != 0};
  };
  auto account =
      ref.id ? storage::ReadOne(connection_, "SELECT id, active FROM users WHERE id = ?", read,
                                *ref.id)
             : storage::ReadOne(connection_, "SELECT id, active FROM users WHERE username = ?",
                                read, username);
  if (account.ok()) found_.emplace(std::move(key), *account);
  return account;
}

DealService::DealService(storage::Store& store, IdGenerator& ids, const Clock& clock,
                         NotificationService& notifications, DealEventsRelay& events,
                         Quotas& quotas)
    : store_(store),
      ids_(ids),
      clock_(clock),
      notifications_(notifications),
      events_(events),
      quotas_(quotas) {}

Result<Deal> DealService::Write(storage::Transaction& tx, const Viewer& viewer,
                                const std::optional<Deal>& before, Deal after,
                                sales::DealSource source) {
  Connection& c = tx.connection();
  UnixMillis now = clock_.now_ms();
  after.updated_at = now;
  after.story_post_ids.clear();
  if (before) {
    AGORA_RETURN_IF_ERROR(sales::UpdateDeal(c, after));
    after.revision = before->revision + 1;  // as the store's trigger bumped it
  } else {
    // The id is taken on the writer thread, so ids follow commit order.
    after.id = ids_.next();
    after.created_by = viewer.user_id;
    after.created_at = now;
    AGORA_RETURN_IF_ERROR(sales::InsertDeal(c, after));
  }
  AGORA_RETURN_IF_ERROR(sales::RecordDealAudit(
      c, after.id, viewer.user_id, before ? sales::DealAction::kUpdate : sales::DealAction::kCreate,
      source, now));
  bool became_won =
      after.outcome == sales::Outcome::kWon && (!before || before->outcome != sales::Outcome::kWon);
  if (became_won) {
    AGORA_RETURN_IF_ERROR(notifications_.OnDealWon(tx, viewer.user_id, after.owner_id, after.id));
  }
  AGORA_RETURN_IF_ERROR(storage::AppendOutbox(
      c, storage::OutboxTopic::kDeal, after.id,
      before ? storage::OutboxKind::kChanged : storage::OutboxKind::kCreated));
  tx.AfterCommitInOrder([this, after] { events_.DealStored(after); });
  return after;
}

Result<std::vector<Id>> DealService::HandOverOpenDeals(storage::Transaction& tx, Id leaver,
                                                       Id receiver, Id actor) {
  Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto ids, sales::OpenDealIdsOwnedBy(c, leaver));
  for (Id id : ids) {
    AGORA_ASSIGN_OR_RETURN(auto before, sales::FindDeal(c, id));
    if (!before) continue;
    Deal after = sales::WithNewOwner(*before, receiver);
    after.updated_at = clock_.now_ms();
    AGORA_RETURN_IF_ERROR(sales::UpdateDeal(c, after));
    after.revision = before->revision + 1;
    AGORA_RETURN_IF_ERROR(sales::RecordDealAudit(c, id, actor, sales::DealAction::kUpdate,
                                                 sales::DealSource::kApi, after.updated_at));
    AGORA_RETURN_IF_ERROR(notifications_.OnDealHandedOver(tx, actor, receiver, id));
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kDeal, id));
    tx.AfterCommitInOrder([this, after] { events_.DealStored(after); });
  }
  return ids;
}

Result<std::pair<DealService::RowResult, Deal>> DealService::Upsert(AccountLookup& accounts,
                                                                    storage::Transaction* tx,
                                                                    const Viewer& viewer,
                                                                    const DealInput& input,
                                                                    sales::DealSource source) {
  Connection& c = accounts.connection();
  std::optional<Deal> before;
  if (input.external_id) {
    AGORA_ASSIGN_OR_RETURN(before, sales::FindDealByExternalId(c, *input.external_id));
  }
  if (before) {
    AGORA_ASSIGN_OR_RETURN(bool may_change, CanManageDealsOf(c, viewer, before->owner_id));
    if (!may_change) return ExternalIdTaken();
  }
  AGORA_ASSIGN_OR_RETURN(Deal after,
                         Merge(accounts, viewer, before, input, sales::IsoDate(clock_.now_ms())));
  AGORA_ASSIGN_OR_RETURN(bool may_record, CanManageDealsOf(c, viewer, after.owner_id));
  if (!may_record) {
    return Status::PermissionDenied(
        "deals are recorded by their owner, the owner's managers, sales ops and admins");
  }
  if (before && before->SameFacts(after)) return std::pair(RowResult::kUnchanged, *before);
  RowResult result = before ? RowResult::kUpdated : RowResult::kCreated;
  if (!tx) return std::pair(result, std::move(after));
  AGORA_ASSIGN_OR_RETURN(Deal written, Write(*tx, viewer, before, std::move(after), source));
  return std::pair(result, std::move(written));
}

Result<DealView> DealService::WithStories(Deal deal, bool created) {
  AGORA_ASSIGN_OR_RETURN(deal.story_post_ids, store_.read([&](Connection& c) {
    return sales::StoryPostIds(c, deal.id);
  }));
  return DealView{std::move(deal), created};
}

Result<DealView> DealService::Create(const Viewer& viewer, const DealInput& input) {
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kDealWrite));
  using Upserted = std::pair<RowResult, Deal>;
  auto done = store_.Transact<Upserted>([&](storage::Transaction& tx) -> Result<Upserted> {
    AccountLookup accounts(tx.connection());
    return Upsert(accounts, &tx, viewer, input, sales::DealSource::kApi);
  });
  if (!done.ok()) return done.status();
  return WithStories(std::move(done->second), done->first == RowResult::kCreated);
}

Result<DealView> DealService::Get(const Viewer& viewer, Id id) {
  auto found = store_.read([&](Connection& c) -> Result<Deal> {
    AGORA_ASSIGN_OR_RETURN(auto deal, sales::FindDeal(c, id));
    if (!deal) return Status::NotFound("no such deal");
    AGORA_ASSIGN_OR_RETURN(bool visible, CanSeeDeal(c, viewer, *deal));
    if (!visible) return Status::NotFound("no such deal");
    AGORA_ASSIGN_OR_RETURN(deal->story_post_ids, sales::StoryPostIds(c, id));
    return std::move(*deal);
  });
  if (!found.ok()) return found.status();
  return DealView{std::move(*found), false};
}

Result<Page<Deal>> DealService::List(const Viewer& viewer, sales::DealFilter filter,
                                     const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<Deal>> {
    AGORA_ASSIGN_OR_RETURN(filter.involving, VisibleDealPeople(c, viewer));
    return sales::ListDeals(c, filter, page);
  });
}

Result<DealView> DealService::Patch(const Viewer& viewer, Id id, const DealInput& input) {
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kDealWrite));
  auto done = store_.Transact<Deal>([&](storage::Transaction& tx) -> Result<Deal> {
    Connection& c = tx.connection();
    AGORA_ASSIGN_OR_RETURN(auto before, sales::FindDeal(c, id));
    if (!before) return Status::NotFound("no such deal");
    AGORA_ASSIGN_OR_RETURN(bool visible, CanSeeDeal(c, viewer, *before));
    if (!visible) return Status::NotFound("no such deal");
    AGORA_ASSIGN_OR_RETURN(bool may_change, CanManageDealsOf(c, viewer, before->owner_id));
    if (!may_change) {
      return Status::PermissionDenied(
          "deals are changed by their owner, the owner's managers, sales ops and admins");
    }
    AccountLookup accounts(c);
    AGORA_ASSIGN_OR_RETURN(Deal after,
                           Merge(accounts, viewer, before, input, sales::IsoDate(clock_.now_ms())));
    if (after.owner_id != before->owner_id) {
      AGORA_ASSIGN_OR_RETURN(bool may_give, CanManageDealsOf(c, viewer, after.owner_id));
      if (!may_give) {
        return Status::PermissionDenied("a deal is given only to someone you record deals for");
      }
    }
    if (after.external_id && after.external_id != before->external_id) {
      AGORA_ASSIGN_OR_RETURN(auto holder, sales::FindDealByExternalId(c, *after.external_id));
      if (holder) return ExternalIdTaken();
    }
    if (before->SameFacts(after)) return std::move(*before);
    return Write(tx, viewer, before, std::move(after), sales::DealSource::kApi);
  });
  if (!done.ok()) return done.status();
  return WithStories(std::move(*done), false);
}

Status DealService::ApplyRemote(Id deal_id) {
  AGORA_ASSIGN_OR_RETURN(auto deal,
                         store_.read([&](Connection& c) { return sales::FindDeal(c, deal_id); }));
  if (deal) events_.DealStored(*deal);
  return Status::Ok();
}

Result<ImportReport> DealService::Import(const Viewer& viewer, const std::vector<ImportRow>& rows,
                                         const ImportOptions& options) {
  if (!viewer.is_admin && !viewer.is_sales_ops) {
    return Status::PermissionDenied("only sales ops and admins import deals");
  }
  ImportReport report;
  for (size_t start = 0; start < rows.size(); start += kImportBatch) {
    size_t end = std::min(rows.size(), start + kImportBatch);
    ImportReport batch;
    // Each row's rule is checked inside the transaction that writes it; a bad row is
    // reported and skipped, the others of its batch are kept.
    auto run = [&](Connection& c, storage::Transaction* tx) -> Status {
      AccountLookup accounts(c);
      for (size_t i = start; i < end; ++i) {
        const ImportRow& row = rows[i];
        if (!row.parse_error.ok()) {
          batch.errors.push_back(
              {row.line, row.parse_error.error_code(), row.parse_error.message()});
          continue;
        }
        auto upserted = Upsert(accounts, tx, viewer, row.input, sales::DealSource::kImport);
        if (!upserted.ok()) {
          const Status& s = upserted.status();
          if (s.code() == StatusCode::kInternal || s.code() == StatusCode::kUnavailable) return s;
          std::string code = s.error_code().empty() ? "forbidden" : s.error_code();
          batch.errors.push_back({row.line, code, s.message()});
          continue;
        }
        switch (upserted->first) {
          case RowResult::kCreated:
            ++batch.created;
            break;
          case RowResult::kUpdated:
            ++batch.updated;
            break;
          case RowResult::kUnchanged:
            ++batch.unchanged;
            break;
        }
      }
      return Status::Ok();
    };
    Status status = options.dry_run ? store_.read([&](Connection& c) { return run(c, nullptr); })
                                    : store_.Transact([&](storage::Transaction& tx) {
                                        batch = ImportReport{};  // a retried batch counts afresh
                                        return run(tx.connection(), &tx);
                                      });
    if (!status.ok()) return status;
    report.created += batch.created;
    report.updated += batch.updated;
    report.unchanged += batch.unchanged;
    report.errors.insert(report.errors.end(), batch.errors.begin(), batch.errors.end());
    if (options.progress) {
      options.progress(static_cast<int64_t>(end), static_cast<int64_t>(rows.size()));
    }
  }
  return report;
}

}  // namespace agora::services
