// ExportService: data out, for data-access requests (one person's data) and for an admin's copy
// of the whole network. Records are typed values here; server/ and app/ render them as JSON
// (one object per person, or one JSON line per record).
//
// What a person's export holds is theirs: their profile (with private fields), their follows and
// followers, memberships, their posts and replies (text included), their reactions, the
// notifications they received, the deals they own or share, their quiz attempts and verified
// skills. Of other people it names only ids, and only of what the person may read now: reactions
// and notifications about posts they lost access to are left out, as the API leaves them out.
//
// Thread-safe; blocks (SQLite): call from worker threads.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/user.h"
#include "storage/store.h"

namespace agora::services {

struct ExportId {
  Id value = 0;
};
struct ExportTime {
  UnixMillis value = 0;
};
// One field's value: null, a flag, a number, a text, an id (decimal string in JSON), a time
// (RFC 3339 in JSON) or a list of texts.
using ExportValue = std::variant<std::monostate, bool, int64_t, double, std::string, ExportId,
                                 ExportTime, std::vector<std::string>>;

struct ExportRecord {
  std::string_view type;  // "user", "follow", "community", "membership", "post", ...
  std::vector<std::pair<std::string_view, ExportValue>> fields;
};

// Receives the records one at a time, grouped by type; an error stops the export.
using ExportSink = std::function<Status(const ExportRecord&)>;

class ExportService {
 public:
  // The record types of a person's export, in the order ExportPerson sends them.
  static constexpr std::string_view kPersonRecordTypes[] = {
      "user",     "verified_skill", "follow", "membership",  "post",
      "reaction", "notification",   "deal",   "deal_member", "quiz_attempt"};

  // Every reference must outlive the service.
  ExportService(storage::Store& store, IdGenerator& ids, const Clock& clock);

  // The target's data: the viewer's own, or anyone's for an admin (audited as "export_person").
  // kNotFound for an unknown person, kPermissionDenied for someone else's data.
  Status ExportPerson(const Viewer& viewer, const profiles::UserRef& target,
                      const ExportSink& sink);

  // Admins only (kPermissionDenied otherwise); audited as "export_network". Every record of one
  // read snapshot, streamed row by row: never the whole store in memory.
  Status ExportNetwork(const Viewer& viewer, const ExportSink& sink);

 private:
  Status Audit(const Viewer& viewer, Id user_id, std::string_view action);

  // Constant after construction.
  storage::Store& store_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace agora::services
