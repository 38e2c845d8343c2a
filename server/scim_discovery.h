// The SCIM discovery documents (RFC 7643 §5-7, RFC 7644 §4): ServiceProviderConfig, the
// Schemas of User, Group and the enterprise extension, and the ResourceTypes. Pure, built once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agora::server {

std::string ScimServiceProviderConfig();
// Every schema as a ListResponse; one by its URN (nullopt when unknown).
std::string ScimSchemaList();
std::optional<std::string> ScimSchema(std::string_view urn);
std::string ScimResourceTypeList();
std::optional<std::string> ScimResourceType(std::string_view name);

}  // namespace agora::server
