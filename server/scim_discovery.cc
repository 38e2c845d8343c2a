#include "server/scim_discovery.h"

#include <vector>

#include "server/json_codec.h"
#include "server/scim_codec.h"
#include "services/provisioning_service.h"

namespace agora::server {
namespace {

// One attribute definition (RFC 7643 §7), built as Attr("name").Required()...
struct Attribute {
  explicit Attribute(const char* attribute_name) : name(attribute_name) {}
  Attribute& Type(const char* value) {
    type = value;
    return *this;
  }
  Attribute& MultiValued() {
    multi_valued = true;
    return *this;
  }
  Attribute& Required() {
    required = true;
    return *this;
  }
  Attribute& CaseExact() {
    case_exact = true;
    return *this;
  }
  Attribute& Mutability(const char* value) {
    mutability = value;
    return *this;
  }
  Attribute& ServerUnique() {
    uniqueness = "server";
    return *this;
  }
  Attribute& References(const char* value) {
    type = "reference";
    reference_type = value;
    return *this;
  }
  Attribute& Sub(std::vector<Attribute> value) {
    type = "complex";
    sub_attributes = std::move(value);
    return *this;
  }

  const char* name;
  const char* type = "string";
  bool multi_valued = false;
  bool required = false;
  bool case_exact = false;
  const char* mutability = "readWrite";
  const char* uniqueness = "none";
  std::vector<Attribute> sub_attributes;
  const char* reference_type = nullptr;
};

using Attr = Attribute;

struct Schema {
  const char* id;
  const char* name;
  const char* description;
  std::vector<Attribute> attributes;
};

const std::vector<Schema>& Schemas() {
  static const std::vector<Schema> kSchemas = {
      {kScimUserSchema,
       "User",
       "An Agora account",
       {
           Attr("userName").Required().ServerUnique(),
           Attr("name").Sub({Attr("formatted"), Attr("familyName"), Attr("givenName")}),
           Attr("displayName"),
           Attr("title"),
           Attr("active").Type("boolean"),
           Attr("emails").MultiValued().Sub(
               {Attr("value"), Attr("type"), Attr("primary").Type("boolean")}),
           Attr("addresses")
               .MultiValued()
               .Sub({Attr("locality"), Attr("type"), Attr("primary").Type("boolean")}),
       }},
      {kScimEnterpriseSchema,
       "EnterpriseUser",
       "Enterprise User",
       {
           Attr("employeeNumber"),
           Attr("department"),
           Attr("manager").Sub({Attr("value").CaseExact(),
                                Attr("$ref").CaseExact().References("User"),
                                Attr("displayName").Mutability("readOnly")}),
       }},
      {kScimGroupSchema,
       "Group",
       "A community the identity provider made, and the members it manages",
       {
           Attr("displayName").Required(),
           Attr("members").MultiValued().Sub(
               {Attr("value").CaseExact().Mutability("immutable"),
                Attr("$ref").CaseExact().References("User").Mutability("immutable"),
                Attr("display").Mutability("readOnly"), Attr("type").Mutability("immutable")}),
       }},
  };
  return kSchemas;
}

void WriteAttribute(JsonWriter& w, const Attribute& a) {
  w.StartObject();
  StringMember(w, "name", a.name);
  StringMember(w, "type", a.type);
  BoolMember(w, "multiValued", a.multi_valued);
  StringMember(w, "description", a.name);
  BoolMember(w, "required", a.required);
  BoolMember(w, "caseExact", a.case_exact);
  StringMember(w, "mutability", a.mutability);
  StringMember(w, "returned", "default");
  StringMember(w, "uniqueness", a.uniqueness);
  if (a.reference_type) {
    w.Key("referenceTypes");
    w.StartArray();
    w.String(a.reference_type);
    w.EndArray();
  }
  if (!a.sub_attributes.empty()) {
    w.Key("subAttributes");
    w.StartArray();
    for (const auto& sub : a.sub_attributes) WriteAttribute(w, sub);
    w.EndArray();
  }
  w.EndObject();
}

void WriteSchema(JsonWriter& w, const Schema& s) {
  w.StartObject();
  w.Key("schemas");
  w.StartArray();
  w.String("urn:ietf:params:scim:schemas:core:2.0:Schema");
  w.EndArray();
  StringMember(w, "id", s.id);
  StringMember(w, "name", s.name);
  StringMember(w, "description", s.description);
  w.Key("attributes");
  w.StartArray();
  for (const auto& a : s.attributes) WriteAttribute(w, a);
  w.EndArray();
  w.Key("meta");
  w.StartObject();
  StringMember(w, "resourceType", "Schema");
  StringMember(w, "location", std::string(kScimBasePath) + "/Schemas/" + s.id);
  w.EndObject();
  w.EndObject();
}

template <typename Item, typename WriteItem>
std::string ListOf(const std::vector<Item>& items, WriteItem write_item) {
  return RenderObject([&](JsonWriter& w) {
    w.Key("schemas");
    w.StartArray();
    w.String(kScimListSchema);
    w.EndArray();
    IntMember(w, "totalResults", static_cast<int64_t>(items.size()));
    IntMember(w, "startIndex", 1);
    IntMember(w, "itemsPerPage", static_cast<int64_t>(items.size()));
    w.Key("Resources");
    w.StartArray();
    for (const auto& item : items) write_item(w, item);
    w.EndArray();
  });
}

struct ResourceType {
  const char* name;
  const char* endpoint;
  const char* schema;
  const char* extension;  // null when none
};

const std::vector<ResourceType>& ResourceTypes() {
  static const std::vector<ResourceType> kTypes = {
      {"User", "/Users", kScimUserSchema, kScimEnterpriseSchema},
      {"Group", "/Groups", kScimGroupSchema, nullptr},
  };
  return kTypes;
}

void WriteResourceType(JsonWriter& w, const ResourceType& t) {
  w.StartObject();
  w.Key("schemas");
  w.StartArray();
  w.String("urn:ietf:params:scim:schemas:core:2.0:ResourceType");
  w.EndArray();
  StringMember(w, "id", t.name);
  StringMember(w, "name", t.name);
  StringMember(w, "endpoint", t.endpoint);
  StringMember(w, "description", t.name);
  StringMember(w, "schema", t.schema);
  if (t.extension) {
    w.Key("schemaExtensions");
    w.StartArray();
    w.StartObject();
    StringMember(w, "schema", t.extension);
    BoolMember(w, "required", false);
    w.EndObject();
    w.EndArray();
  }
  w.Key("meta");
  w.StartObject();
  StringMember(w, "resourceType", "ResourceType");
  StringMember(w, "location", std::string(kScimBasePath) + "/ResourceTypes/" + t.name);
  w.EndObject();
  w.EndObject();
}

void WriteSupported(JsonWriter& w, const char* key, bool supported) {
  w.Key(key);
  w.StartObject();
  BoolMember(w, "supported", supported);
  w.EndObject();
}

}  // namespace

std::string ScimServiceProviderConfig() {
  return RenderObject([](JsonWriter& w) {
    w.Key("schemas");
    w.StartArray();
    w.String("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
    w.EndArray();
    StringMember(w, "documentationUri",
                 "https://github.com/agora/agora/blob/main/docs/operations.md");
    WriteSupported(w, "patch", true);
    w.Key("bulk");
    w.StartObject();
    BoolMember(w, "supported", false);
    IntMember(w, "maxOperations", 0);
    IntMember(w, "maxPayloadSize", 0);
    w.EndObject();
    w.Key("filter");
    w.StartObject();
    BoolMember(w, "supported", true);
    IntMember(w, "maxResults", services::ScimLimits::kMaxCount);
    w.EndObject();
    WriteSupported(w, "changePassword", false);
    WriteSupported(w, "sort", false);
    WriteSupported(w, "etag", true);
    w.Key("authenticationSchemes");
    w.StartArray();
    w.StartObject();
    StringMember(w, "type", "oauthbearertoken");
    StringMember(w, "name", "Provisioning token");
    StringMember(w, "description", "A bearer token made with `agora scim-token create`");
    BoolMember(w, "primary", true);
    w.EndObject();
    w.EndArray();
    w.Key("meta");
    w.StartObject();
    StringMember(w, "resourceType", "ServiceProviderConfig");
    StringMember(w, "location", std::string(kScimBasePath) + "/ServiceProviderConfig");
    w.EndObject();
  });
}

std::string ScimSchemaList() { return ListOf(Schemas(), WriteSchema); }

std::optional<std::string> ScimSchema(std::string_view urn) {
  for (const auto& s : Schemas()) {
    if (urn == s.id) return RenderDocument([&](JsonWriter& w) { WriteSchema(w, s); });
  }
  return std::nullopt;
}

std::string ScimResourceTypeList() { return ListOf(ResourceTypes(), WriteResourceType); }

std::optional<std::string> ScimResourceType(std::string_view name) {
  for (const auto& t : ResourceTypes()) {
    if (name == t.name) return RenderDocument([&](JsonWriter& w) { WriteResourceType(w, t); });
  }
  return std::nullopt;
}

}  // namespace agora::server
