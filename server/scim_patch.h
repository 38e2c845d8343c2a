// SCIM PATCH (RFC 7644 §3.5.2) applied to a resource's JSON document: `add`, `replace` and
// `remove`, with or without `path`, value paths (`emails[type eq "work"].value`), paths
// prefixed with the enterprise extension's URN, and Microsoft Entra ID's dialect
// (capitalised op names, a whole-object value keyed by URN-prefixed or dotted names).
// The patched document is then parsed like a PUT. Pure and thread-safe.
#pragma once

#include "core/json.h"
#include "core/status.h"

namespace agora::server {

// Applies the PatchOp `request` to the User document `resource` (as WriteScimUser renders it).
// kInvalidArgument with scimType "invalidSyntax" (no Operations, unknown op), "invalidPath"
// (a path Users do not have), "noTarget" (remove without path, a value filter matching
// nothing for replace or remove), "mutability" (id, meta) or "invalidValue".
Status ApplyScimUserPatch(rapidjson::Document& resource, const rapidjson::Value& request);

// The same for a Group document (as RenderScimGroup renders it, members included): RFC
// 7644's `add`/`remove` of `members` (remove by `members[value eq "id"]`), `replace` of
// displayName, externalId or members; Entra ID's `Remove` of `members` with a value array
// (those members go), and `Replace` without path holding an object (an `id` restating the
// Group's own is ignored, as Okta sends it).
Status ApplyScimGroupPatch(rapidjson::Document& resource, const rapidjson::Value& request);

}  // namespace agora::server
