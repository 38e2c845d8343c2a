// Viewer: who is asking, as established by authentication. A small value type that crosses
// every domain folder, so access checks need nothing else.
#pragma once

#include <optional>

#include "core/clock.h"
#include "core/id.h"

namespace agora {

struct Viewer {
  Id user_id = 0;
  bool is_admin = false;
  bool is_sales_ops = false;  // sees every deal and every person's results
  // Set when a personal access token, not a signed-in session, is asking: it acts for its owner
  // but may not manage tokens or the password, and without its `write` scope it only reads.
  bool via_access_token = false;
  bool read_only = false;
  // Set for a guest, who is confined to their communities until then (services/audience.h
  // decides what that lets them reach).
  std::optional<UnixMillis> guest_until = std::nullopt;

  bool is_guest() const { return guest_until.has_value(); }
};

}  // namespace agora
