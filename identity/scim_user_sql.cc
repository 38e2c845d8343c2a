#include "identity/scim_user_sql.h"

#include <cctype>

#include "core/clock.h"
#include "core/name_key.h"
#include "core/text.h"

namespace agora::identity {
namespace {

enum class ColumnType { kText, kTextExact, kBool, kTime };

// A condition that always holds, a boolean on both engines (PostgreSQL's WHERE refuses an
// integer).
constexpr char kTrue[] = "(1 = 1)";

struct Column {
  std::string sql;  // never NULL
  ColumnType type;
};

Status Invalid(std::string message) {
  return Status::InvalidArgument("invalidFilter", std::move(message));
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Describe(const AttributePath& p) {
  std::string out = p.urn.empty() ? p.attribute : p.urn + ":" + p.attribute;
  if (!p.sub_attribute.empty()) out += "." + p.sub_attribute;
  return out;
}

// The enterprise extension's attributes, with or without their URN.
std::optional<Column> EnterpriseColumn(const AttributePath& p) {
  if (p.attribute == "department" && p.sub_attribute.empty()) {
    return Column{"u.department", ColumnType::kText};
  }
  if (p.attribute == "employeenumber" && p.sub_attribute.empty()) {
    return Column{"u.employee_number", ColumnType::kText};
  }
  if (p.attribute == "manager" && (p.sub_attribute.empty() || p.sub_attribute == "value")) {
    return Column{"COALESCE(CAST(u.manager_id AS TEXT), '')", ColumnType::kTextExact};
  }
  return std::nullopt;
}

// The one email and one address a person has: a work email, primary, and a work address.
std::optional<Column> MultiValuedColumn(std::string_view attribute, std::string_view sub) {
  if (attribute == "emails") {
    if (sub.empty() || sub == "value") return Column{"u.email", ColumnType::kText};
    if (sub == "type") return Column{"'work'", ColumnType::kText};
    if (sub == "primary") return Column{"1", ColumnType::kBool};
  }
  if (attribute == "addresses") {
    if (sub == "locality") return Column{"u.location", ColumnType::kText};
    if (sub == "type") return Column{"'work'", ColumnType::kText};
    if (sub == "primary") return Column{"1", ColumnType::kBool};
  }
  return std::nullopt;
}

std::optional<Column> CoreColumn(const AttributePath& p) {
  const std::string& a = p.attribute;
  const std::string& sub = p.sub_attribute;
  if (auto multi = MultiValuedColumn(a, sub)) return multi;
  if (!sub.empty()) {
    if (a == "name" && sub == "formatted") return Column{"u.display_name", ColumnType::kText};
    if (a == "name" && sub == "givenname") {
      return Column{"COALESCE(s.given_name, '')", ColumnType::kText};
    }
    if (a == "name" && sub == "familyname") {
      return Column{"COALESCE(s.family_name, '')", ColumnType::kText};
    }
    if (a == "meta" && sub == "lastmodified") return Column{"u.updated_at", ColumnType::kTime};
    if (a == "meta" && sub == "created") return Column{"u.created_at", ColumnType::kTime};
    if (a == "meta" && sub == "resourcetype") return Column{"'User'", ColumnType::kText};
    return std::nullopt;
  }
  if (a == "id") return Column{"CAST(u.id AS TEXT)", ColumnType::kTextExact};
  if (a == "username") return Column{"COALESCE(s.user_name, u.username)", ColumnType::kText};
  if (a == "externalid") return Column{"COALESCE(u.external_id, '')", ColumnType::kTextExact};
  if (a == "displayname") return Column{"u.display_name", ColumnType::kText};
  if (a == "title") return Column{"u.title", ColumnType::kText};
  if (a == "active") return Column{"u.active", ColumnType::kBool};
  return std::nullopt;
}

// `scope` is the multi-valued attribute a value filter (`emails[...]`) applies to.
Result<Column> ResolveColumn(const AttributePath& p, std::string_view scope) {
  std::optional<Column> column;
  if (!scope.empty()) {
    if (p.urn.empty() && p.sub_attribute.empty()) column = MultiValuedColumn(scope, p.attribute);
  } else if (p.urn == kEnterpriseUrnLower) {
    column = EnterpriseColumn(p);
  } else if (p.urn.empty() || p.urn == kUserUrnLower) {
    column = CoreColumn(p);
    if (!column && p.urn.empty()) column = EnterpriseColumn(p);
  }
  if (!column) return Invalid("Users have no filterable attribute '" + Describe(p) + "'");
  return *column;
}

class Translator {
 public:
  Result<SqlCondition> Run(const Filter& filter) {
    SqlCondition out;
    AGORA_ASSIGN_OR_RETURN(out.sql, Condition(filter, ""));
    out.params = std::move(params_);
    return out;
  }

 private:
  Result<std::string> Condition(const Filter& f, std::string_view scope) {
    switch (f.kind) {
      case Filter::Kind::kAnd:
      case Filter::Kind::kOr: {
        AGORA_ASSIGN_OR_RETURN(std::string left, Condition(f.operands[0], scope));
        AGORA_ASSIGN_OR_RETURN(std::string right, Condition(f.operands[1], scope));
        const char* op = f.kind == Filter::Kind::kAnd ? " AND " : " OR ";
        return "(" + left + op + right + ")";
      }
      case Filter::Kind::kNot: {
        AGORA_ASSIGN_OR_RETURN(std::string inner, Condition(f.operands[0], scope));
        return "(NOT " + inner + ")";
      }
      case Filter::Kind::kCompare:
        break;
    }
    const AttributePath& p = f.path;
    if (!p.value_filter) {
      AGORA_ASSIGN_OR_RETURN(Column column, ResolveColumn(p, scope));
      return Compare(column, f, Describe(p));
    }
    if (!scope.empty() || (p.attribute != "emails" && p.attribute != "addresses") ||
        !(p.urn.empty() || p.urn == kUserUrnLower)) {
      return Invalid("a value filter applies to emails or addresses, not '" + Describe(p) + "'");
    }
    AGORA_ASSIGN_OR_RETURN(std::string element, Condition(*p.value_filter, p.attribute));
    std::string sub = p.sub_attribute.empty() ? (p.attribute == "emails" ? "value" : "locality")
                                              : p.sub_attribute;
    auto column = MultiValuedColumn(p.attribute, sub);
    if (!column) return Invalid("'" + p.attribute + "' has no sub-attribute '" + sub + "'");
    AGORA_ASSIGN_OR_RETURN(std::string value, Compare(*column, f, Describe(p)));
    return "(" + element + " AND " + value + ")";
  }

  std::string Param(std::string value) {
    params_.emplace_back(std::move(value));
    return "?";
  }

  Result<std::string> Compare(const Column& column, const Filter& f, const std::string& name) {
    if (f.op == FilterOp::kPresent) {
      return column.type == ColumnType::kText || column.type == ColumnType::kTextExact
                 ? "(" + column.sql + " <> '')"
                 : std::string(kTrue);
    }
    const FilterValue& v = f.value;
    switch (column.type) {
      case ColumnType::kBool: {
        if (v.kind != FilterValue::Kind::kBool ||
            (f.op != FilterOp::kEq && f.op != FilterOp::kNe)) {
          return Invalid("'" + name + "' is a boolean: use eq or ne with true or false");
        }
        bool wanted = v.boolean == (f.op == FilterOp::kEq);
        return "(" + column.sql + (wanted ? " <> 0)" : " = 0)");
      }
      case ColumnType::kTime: {
        auto ms = v.kind == FilterValue::Kind::kString ? ParseRfc3339(v.text) : std::nullopt;
        if (!ms) return Invalid("'" + name + "' compares with an RFC 3339 date-time string");
        const char* op = Ordering(f.op);
        if (!op) return Invalid("'" + name + "' is a date-time: use eq, ne, gt, ge, lt or le");
        params_.emplace_back(int64_t{*ms});
        return "(" + column.sql + " " + op + " ?)";
      }
      case ColumnType::kText:
      case ColumnType::kTextExact:
        break;
    }
    if (v.kind != FilterValue::Kind::kString && v.kind != FilterValue::Kind::kNumber) {
      return Invalid("'" + name + "' is a string: compare it with a string");
    }
    bool exact = column.type == ColumnType::kTextExact;
    if (!exact && (f.op == FilterOp::kEq || f.op == FilterOp::kNe)) {
      // Equality without case is equality of names: core/name_key.h, as every lookup by email.
      return "(agora_name_key(" + column.sql + ") " + Ordering(f.op) + " " +
             Param(NameKey(v.text)) + ")";
    }
    std::string value = exact ? v.text : Lower(v.text);
    std::string expr = exact ? column.sql : "lower(" + column.sql + ")";
    switch (f.op) {
      case FilterOp::kCo:
        return "(instr(" + expr + ", " + Param(value) + ") > 0)";
      case FilterOp::kSw:
        return "(substr(" + expr + ", 1, " + std::to_string(Utf8Length(value)) +
               ") = " + Param(value) + ")";
      case FilterOp::kEw:
        if (value.empty()) return std::string(kTrue);
        // Counted from the start: a negative start counts from the end in SQLite only.
        return "(substr(" + expr + ", length(" + expr + ") - " +
               std::to_string(Utf8Length(value) - 1) + ") = " + Param(value) + ")";
      default:
        return "(" + expr + " " + Ordering(f.op) + " " + Param(value) + ")";
    }
  }

  static const char* Ordering(FilterOp op) {
    switch (op) {
      case FilterOp::kEq:
        return "=";
      case FilterOp::kNe:
        return "<>";
      case FilterOp::kGt:
        return ">";
      case FilterOp::kGe:
        return ">=";
      case FilterOp::kLt:
        return "<";
      case FilterOp::kLe:
        return "<=";
      default:
        return nullptr;
    }
  }

  std::vector<std::variant<int64_t, std::string>> params_;
};

}  // namespace

Result<SqlCondition> UserFilterSql(const Filter& filter) { return Translator().Run(filter); }

}  // namespace agora::identity
