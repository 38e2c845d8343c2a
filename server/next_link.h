// The one pagination vocabulary every list shares on the wire: a `Link: <...>; rel="next"`
// header (RFC 8288) on every page that has a next one, whatever its body calls the next page.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/api.h"

namespace agora::server {

// The Link header value of the page after `body`, an answer to `request`, read from the body's
// own top-level members: `next_cursor` (pages of items: the request again with `cursor`
// replaced), `next_offset` (search results: with `offset` replaced) or `next` (ActivityStreams
// stream pages: that link as it is). nullopt on a last page and for anything not a page.
std::optional<std::string> NextPageLink(const ApiRequest& request, std::string_view body);

// The Link header value naming `target` as the next page: for a handler that knows its next
// page and sets the header itself, so the Dispatcher need not parse the body again.
std::string NextRel(std::string_view target);

// The name of the header both carry.
inline constexpr char kLinkHeader[] = "Link";

}  // namespace agora::server
