// Whom a command-line command that changes data (an import) is recorded as in the audit.
#pragma once

#include <string>

#include "core/status.h"
#include "core/viewer.h"
#include "storage/store.h"

namespace agora::app {

// The active account `username` (normalised), or the first active admin when it is empty.
// kNotFound when there is none; the caller checks the roles its command needs.
Result<Viewer> CommandActor(storage::Store& store, const std::string& username);

}  // namespace agora::app
