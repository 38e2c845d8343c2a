#include "server/scim_patch.h"

#include <cctype>
#include <span>

#include "identity/scim_filter.h"
#include "server/scim_codec.h"

namespace agora::server {
namespace {

using identity::AttributePath;
using identity::Filter;
using identity::FilterOp;
using identity::FilterValue;
using Allocator = rapidjson::Document::AllocatorType;

enum class Op { kAdd, kReplace, kRemove };

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status Error(const char* scim_type, std::string message) {
  return Status::InvalidArgument(scim_type, std::move(message));
}

// The attributes Agora keeps, by lower-case name, with their canonical spelling; which are
// multi-valued; and the standard ones it accepts and drops (an IdP's default mappings send
// them, and refusing them would fail the whole provisioning).
struct Known {
  std::string_view lower;
  std::string_view canonical;
  bool multi_valued = false;
};
constexpr Known kCoreAttributes[] = {{"username", "userName"},
                                     {"externalid", "externalId"},
                                     {"displayname", "displayName"},
                                     {"name", "name"},
                                     {"title", "title"},
                                     {"active", "active"},
                                     {"emails", "emails", true},
                                     {"addresses", "addresses", true}};
constexpr Known kEnterpriseAttributes[] = {
    {"department", "department"}, {"employeenumber", "employeeNumber"}, {"manager", "manager"}};
constexpr Known kSubAttributes[] = {{"givenname", "givenName"},
                                    {"familyname", "familyName"},
                                    {"formatted", "formatted"},
                                    {"value", "value"},
                                    {"type", "type"},
                                    {"primary", "primary"},
                                    {"locality", "locality"},
                                    {"display", "display"},
                                    {"displayname", "displayName"}};
constexpr std::string_view kDroppedAttributes[] = {
    "nickname", "profileurl", "usertype",         "preferredlanguage",
    "locale",   "timezone",   "password",         "phonenumbers",
    "ims",      "photos",     "x509certificates", "entitlements",
    "roles",    "groups",     "costcenter",       "organization",
    "division"};
constexpr std::string_view kReadOnlyAttributes[] = {"id", "meta", "schemas"};
constexpr Known kGroupAttributes[] = {
    {"displayname", "displayName"}, {"externalid", "externalId"}, {"members", "members", true}};

// What a PATCH may touch in one resource type.
struct ResourceSpec {
  std::string_view name;       // "Users", in messages
  std::string_view urn_lower;  // the core schema
  std::span<const Known> attributes;
  std::string_view extension_urn_lower;  // empty when the type has no extension
  const char* extension_schema;
  std::span<const Known> extension_attributes;
  std::span<const std::string_view> dropped;
};

constexpr ResourceSpec kUserSpec{"Users",
                                 identity::kUserUrnLower,
                                 kCoreAttributes,
                                 identity::kEnterpriseUrnLower,
                                 kScimEnterpriseSchema,
                                 kEnterpriseAttributes,
                                 kDroppedAttributes};
constexpr ResourceSpec kGroupSpec{
    "Groups", "urn:ietf:params:scim:schemas:core:2.0:group", kGroupAttributes, "", nullptr, {}, {}};

std::string_view Canonical(std::string_view lower, const auto& table) {
  for (const Known& k : table) {
    if (k.lower == lower) return k.canonical;
  }
  return lower;
}

const Known* Find(std::string_view lower, const auto& table) {
  for (const Known& k : table) {
    if (k.lower == lower) return &k;
  }
  return nullptr;
}

rapidjson::Value* Member(rapidjson::Value& object, std::string_view lower_name) {
  return const_cast<rapidjson::Value*>(ScimMember(object, lower_name));
}

void EraseMember(rapidjson::Value& object, std::string_view name) {
  // By position: comparing rapidjson member iterators is ambiguous in C++20.
  for (rapidjson::SizeType i = 0; i < object.MemberCount(); ++i) {
    auto it = object.MemberBegin() + i;
    if (Lower({it->name.GetString(), it->name.GetStringLength()}) == Lower(name)) {
      object.EraseMember(it);
      return;
    }
  }
}

// Sets `object.name` to a copy of `value`, replacing a member of that name in any case.
void SetMember(rapidjson::Value& object, std::string_view name, const rapidjson::Value& value,
               Allocator& a) {
  EraseMember(object, name);
  object.AddMember(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size()), a),
                   rapidjson::Value(value, a), a);
}

// `object.name`, made an empty object or array when absent.
rapidjson::Value& Ensure(rapidjson::Value& object, std::string_view name, rapidjson::Type type,
                         Allocator& a) {
  rapidjson::Value* existing = Member(object, name);
  if (existing && existing->GetType() == type) return *existing;
  SetMember(object, name, rapidjson::Value(type), a);
  return *Member(object, name);
}

// Replaces members of `target` with those of the object `value` (RFC 7644: a complex value's
// unnamed sub-attributes stay as they are).
void Merge(rapidjson::Value& target, const rapidjson::Value& value, const auto& table,
           Allocator& a) {
  for (const auto& m : value.GetObject()) {
    std::string lower = Lower({m.name.GetString(), m.name.GetStringLength()});
    SetMember(target, Canonical(lower, table), m.value, a);
  }
}

// Whether the element of a multi-valued attribute matches a value filter: string compared
// without case (type, value), booleans (primary), presence.
bool Matches(const rapidjson::Value& element, const Filter& f) {
  switch (f.kind) {
    case Filter::Kind::kAnd:
      return Matches(element, f.operands[0]) && Matches(element, f.operands[1]);
    case Filter::Kind::kOr:
      return Matches(element, f.operands[0]) || Matches(element, f.operands[1]);
    case Filter::Kind::kNot:
      return !Matches(element, f.operands[0]);
    case Filter::Kind::kCompare:
      break;
  }
  const rapidjson::Value* v = ScimMember(element, f.path.attribute);
  if (f.op == FilterOp::kPresent) return v && !v->IsNull();
  if (!v) return f.op == FilterOp::kNe;
  if (f.value.kind == FilterValue::Kind::kBool) {
    bool equal = v->IsBool() && v->GetBool() == f.value.boolean;
    return f.op == FilterOp::kEq ? equal : f.op == FilterOp::kNe && !equal;
  }
  if (!v->IsString()) return false;
  return identity::CompareText(f.op, Lower({v->GetString(), v->GetStringLength()}),
                               Lower(f.value.text));
}

// A new element for `add` through a value filter that matched nothing: the filter's
// `attr eq value` terms become its members (`emails[type eq "work"]` gives {"type": "work"}).
void SeedFromFilter(rapidjson::Value& element, const Filter& f, Allocator& a) {
  if (f.kind == Filter::Kind::kAnd) {
    SeedFromFilter(element, f.operands[0], a);
    SeedFromFilter(element, f.operands[1], a);
    return;
  }
  if (f.kind != Filter::Kind::kCompare || f.op != FilterOp::kEq || f.path.value_filter) return;
  rapidjson::Value value;
  if (f.value.kind == FilterValue::Kind::kBool) {
    value.SetBool(f.value.boolean);
  } else if (f.value.kind == FilterValue::Kind::kString) {
    value.SetString(f.value.text.c_str(), static_cast<rapidjson::SizeType>(f.value.text.size()), a);
  } else {
    return;
  }
  SetMember(element, Canonical(f.path.attribute, kSubAttributes), value, a);
}

class Patcher {
 public:
  Patcher(rapidjson::Document& doc, const ResourceSpec& spec)
      : doc_(doc), a_(doc.GetAllocator()), spec_(spec) {}

  Status Apply(Op op, const AttributePath& path, const rapidjson::Value* value) {
    for (auto read_only : kReadOnlyAttributes) {
      if (path.urn.empty() && path.attribute == read_only) {
        return Error("mutability", "'" + path.attribute + "' is read-only");
      }
    }
    const std::string type(spec_.name);
    bool enterprise = !spec_.extension_urn_lower.empty() && path.urn == spec_.extension_urn_lower;
    if (!path.urn.empty() && !enterprise && path.urn != spec_.urn_lower) {
      return Error("invalidPath", type + " have no schema '" + path.urn + "'");
    }
    const Known* known = enterprise ? Find(path.attribute, spec_.extension_attributes)
                                    : Find(path.attribute, spec_.attributes);
    if (!known && path.urn.empty()) {
      known = Find(path.attribute, spec_.extension_attributes);
      enterprise = known != nullptr;
    }
    if (!known) {
      for (auto dropped : spec_.dropped) {
        if (!enterprise && path.attribute == dropped) return Status::Ok();
      }
      return Error("invalidPath", type + " have no attribute '" + path.attribute + "'");
    }
    if (!path.sub_attribute.empty() && !Find(path.sub_attribute, kSubAttributes)) {
      return Error("invalidPath",
                   "'" + path.attribute + "' has no sub-attribute '" + path.sub_attribute + "'");
    }
    if (op != Op::kRemove && !value) return Error("invalidValue", "add and replace need a value");
    rapidjson::Value& container =
        enterprise ? Ensure(doc_, spec_.extension_schema, rapidjson::kObjectType, a_) : doc_;
    if (path.value_filter) {
      if (!known->multi_valued) {
        return Error("invalidPath", "a value filter applies to a multi-valued attribute");
      }
      return ApplyFiltered(op, container, *known, path, value);
    }
    if (!path.sub_attribute.empty())
      return ApplySub(op, container, *known, path, *value_or_null(value));
    return ApplyWhole(op, container, *known, value);
  }

 private:
  static const rapidjson::Value* value_or_null(const rapidjson::Value* value) {
    static const rapidjson::Value kNull;
    return value ? value : &kNull;
  }

  Status ApplyWhole(Op op, rapidjson::Value& container, const Known& known,
                    const rapidjson::Value* value) {
    if (op == Op::kRemove && known.multi_valued && value && value->IsArray()) {
      RemoveElements(container, known, *value);
      return Status::Ok();
    }
    if (op == Op::kRemove) {
      EraseMember(container, known.canonical);
      return Status::Ok();
    }
    rapidjson::Value* existing = Member(container, known.canonical);
    if (known.multi_valued) {
      rapidjson::Value& list = Ensure(container, known.canonical, rapidjson::kArrayType, a_);
      if (op == Op::kReplace) list.Clear();
      if (value->IsArray()) {
        for (const auto& element : value->GetArray())
          list.PushBack(rapidjson::Value(element, a_), a_);
      } else {
        list.PushBack(rapidjson::Value(*value, a_), a_);
      }
      return Status::Ok();
    }
    if (value->IsObject() && existing && existing->IsObject()) {
      Merge(*existing, *value, kSubAttributes, a_);
      return Status::Ok();
    }
    SetMember(container, known.canonical, *value, a_);
    return Status::Ok();
  }

  Status ApplySub(Op op, rapidjson::Value& container, const Known& known, const AttributePath& path,
                  const rapidjson::Value& value) {
    std::string_view sub = Canonical(path.sub_attribute, kSubAttributes);
    if (known.multi_valued) {
      rapidjson::Value& list = Ensure(container, known.canonical, rapidjson::kArrayType, a_);
      if (list.Empty() && op != Op::kRemove)
        list.PushBack(rapidjson::Value(rapidjson::kObjectType), a_);
      for (auto& element : list.GetArray()) {
        if (!element.IsObject()) continue;
        if (op == Op::kRemove) {
          EraseMember(element, sub);
        } else {
          SetMember(element, sub, value, a_);
        }
      }
      return Status::Ok();
    }
    rapidjson::Value* existing = Member(container, known.canonical);
    if (op == Op::kRemove) {
      if (existing && existing->IsObject()) EraseMember(*existing, sub);
      return Status::Ok();
    }
    if (!existing || !existing->IsObject()) {
      // A manager sent as a plain id string is kept as the object it stands for.
      rapidjson::Value object(rapidjson::kObjectType);
      if (existing && existing->IsString()) {
        object.AddMember("value", rapidjson::Value(*existing, a_), a_);
      }
      SetMember(container, known.canonical, object, a_);
      existing = Member(container, known.canonical);
    }
    SetMember(*existing, sub, value, a_);
    return Status::Ok();
  }

  Status ApplyFiltered(Op op, rapidjson::Value& container, const Known& known,
                       const AttributePath& path, const rapidjson::Value* value) {
    rapidjson::Value* list = Member(container, known.canonical);
    std::vector<rapidjson::SizeType> matched;
    if (list && list->IsArray()) {
      for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        if ((*list)[i].IsObject() && Matches((*list)[i], *path.value_filter)) matched.push_back(i);
      }
    }
    std::string_view sub = Canonical(path.sub_attribute, kSubAttributes);
    if (matched.empty()) {
      if (op != Op::kAdd) {
        return Error("noTarget", "no element of '" + std::string(known.canonical) +
                                     "' matches the value filter");
      }
      rapidjson::Value element(rapidjson::kObjectType);
      SeedFromFilter(element, *path.value_filter, a_);
      if (path.sub_attribute.empty()) {
        if (value->IsObject()) Merge(element, *value, kSubAttributes, a_);
      } else {
        SetMember(element, sub, *value, a_);
      }
      Ensure(container, known.canonical, rapidjson::kArrayType, a_).PushBack(element, a_);
      return Status::Ok();
    }
    if (op == Op::kRemove && path.sub_attribute.empty()) {
      for (auto it = matched.rbegin(); it != matched.rend(); ++it) list->Erase(list->Begin() + *it);
      return Status::Ok();
    }
    for (rapidjson::SizeType i : matched) {
      rapidjson::Value& element = (*list)[i];
      if (op == Op::kRemove) {
        EraseMember(element, sub);
      } else if (!path.sub_attribute.empty()) {
        SetMember(element, sub, *value, a_);
      } else if (value->IsObject()) {
        Merge(element, *value, kSubAttributes, a_);
      } else {
        return Error("invalidValue", "an element of '" + std::string(known.canonical) +
                                         "' is replaced by an object");
      }
    }
    return Status::Ok();
  }

  // Entra ID's remove of some members: `path` names the attribute and `value` lists the
  // elements to remove, by their "value".
  static void RemoveElements(rapidjson::Value& container, const Known& known,
                             const rapidjson::Value& elements) {
    rapidjson::Value* list = Member(container, known.canonical);
    if (!list || !list->IsArray()) return;
    for (const auto& element : elements.GetArray()) {
      const rapidjson::Value* gone = ScimMember(element, "value");
      if (!gone || !gone->IsString()) continue;
      for (rapidjson::SizeType i = list->Size(); i-- > 0;) {
        const rapidjson::Value* have = ScimMember((*list)[i], "value");
        if (have && have->IsString() && std::string_view(have->GetString()) == gone->GetString()) {
          list->Erase(list->Begin() + i);
        }
      }
    }
  }

  rapidjson::Document& doc_;
  Allocator& a_;
  const ResourceSpec& spec_;
};

// Whether `member` of a path-less value object restates the resource's id, as Okta's
// `replace` of a Group does: nothing to change.
bool RestatesId(const rapidjson::Document& resource, std::string_view key,
                const rapidjson::Value& value) {
  const rapidjson::Value* id = ScimMember(resource, "id");
  return Lower(key) == "id" && id && value.IsString() && id->IsString() &&
         std::string_view(id->GetString()) == value.GetString();
}

Status ApplyPatch(rapidjson::Document& resource, const rapidjson::Value& request,
                  const ResourceSpec& spec) {
  const rapidjson::Value* operations = ScimMember(request, "Operations");
  if (!operations || !operations->IsArray() || operations->Empty()) {
    return Error("invalidSyntax", "a PatchOp carries a non-empty Operations array");
  }
  Patcher patcher(resource, spec);
  for (const auto& operation : operations->GetArray()) {
    if (!operation.IsObject()) return Error("invalidSyntax", "each operation is an object");
    const rapidjson::Value* op_name = ScimMember(operation, "op");
    if (!op_name || !op_name->IsString()) return Error("invalidSyntax", "each operation has an op");
    std::string name = Lower(op_name->GetString());  // Entra ID writes "Replace", "Add"
    Op op = name == "add"       ? Op::kAdd
            : name == "replace" ? Op::kReplace
            : name == "remove"  ? Op::kRemove
                                : static_cast<Op>(-1);
    if (static_cast<int>(op) == -1) {
      return Error("invalidSyntax", "op is add, replace or remove, not '" + name + "'");
    }
    const rapidjson::Value* path_text = ScimMember(operation, "path");
    const rapidjson::Value* value = ScimMember(operation, "value");
    if (path_text && !path_text->IsNull()) {
      if (!path_text->IsString()) return Error("invalidPath", "path must be a string");
      AGORA_ASSIGN_OR_RETURN(AttributePath path, identity::ParsePath(path_text->GetString()));
      AGORA_RETURN_IF_ERROR(patcher.Apply(op, path, value));
      continue;
    }
    if (op == Op::kRemove) return Error("noTarget", "remove needs a path");
    if (!value || !value->IsObject()) {
      return Error("invalidValue", "without a path, the value is an object of attributes");
    }
    // Each member is a path: a plain name, "name.givenName", or one prefixed with a URN; the
    // enterprise extension may also come whole, keyed by its URN.
    for (const auto& member : value->GetObject()) {
      std::string key(member.name.GetString(), member.name.GetStringLength());
      if (RestatesId(resource, key, member.value)) continue;
      if (!spec.extension_urn_lower.empty() && Lower(key) == spec.extension_urn_lower) {
        if (!member.value.IsObject()) {
          return Error("invalidValue", "the enterprise extension is an object");
        }
        for (const auto& inner : member.value.GetObject()) {
          AGORA_ASSIGN_OR_RETURN(AttributePath path,
                                 identity::ParsePath(key + ":" + inner.name.GetString()));
          AGORA_RETURN_IF_ERROR(patcher.Apply(op, path, &inner.value));
        }
        continue;
      }
      AGORA_ASSIGN_OR_RETURN(AttributePath path, identity::ParsePath(key));
      AGORA_RETURN_IF_ERROR(patcher.Apply(op, path, &member.value));
    }
  }
  return Status::Ok();
}

}  // namespace

Status ApplyScimUserPatch(rapidjson::Document& resource, const rapidjson::Value& request) {
  return ApplyPatch(resource, request, kUserSpec);
}

Status ApplyScimGroupPatch(rapidjson::Document& resource, const rapidjson::Value& request) {
  return ApplyPatch(resource, request, kGroupSpec);
}

}  // namespace agora::server
