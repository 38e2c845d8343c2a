#include "identity/scim_filter.h"

#include <cctype>

namespace agora::identity {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsPathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$' ||
         c == ':' || c == '.';
}

Filter Logical(Filter::Kind kind, std::vector<Filter> operands) {
  Filter out;
  out.kind = kind;
  out.operands = std::move(operands);
  return out;
}

FilterValue Literal(FilterValue::Kind kind, std::string text = {}, bool boolean = false) {
  FilterValue out;
  out.kind = kind;
  out.text = std::move(text);
  out.boolean = boolean;
  return out;
}

// A recursive descent parser over the grammar of RFC 7644 §3.4.2.2, with `not` binding
// tighter than `and`, and `and` tighter than `or`.
class Parser {
 public:
  Parser(std::string_view text, std::string error_code)
      : text_(text), error_code_(std::move(error_code)) {}

  Result<Filter> WholeFilter() {
    AGORA_ASSIGN_OR_RETURN(Filter filter, Or(0));
    SkipSpaces();
    if (at_ < text_.size()) return Error("unexpected text");
    return filter;
  }

  Result<AttributePath> WholePath() {
    AGORA_ASSIGN_OR_RETURN(AttributePath path, Path(0));
    if (at_ < text_.size()) return Error("unexpected text after the path");
    return path;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::InvalidArgument(error_code_,
                                   std::string(what) + " at character " + std::to_string(at_ + 1));
  }

  void SkipSpaces() {
    while (at_ < text_.size() && text_[at_] == ' ') ++at_;
  }

  // The letters at the cursor, lower-case, without consuming them.
  std::string PeekWord() const {
    size_t end = at_;
    while (end < text_.size() && std::isalpha(static_cast<unsigned char>(text_[end]))) ++end;
    return Lower(text_.substr(at_, end - at_));
  }

  bool Keyword(std::string_view word) {
    SkipSpaces();
    if (PeekWord() != word) return false;
    size_t after = at_ + word.size();
    if (after < text_.size() && text_[after] != ' ' && text_[after] != '(') return false;
    at_ = after;
    return true;
  }

  Result<Filter> Or(int depth) {
    AGORA_ASSIGN_OR_RETURN(Filter left, And(depth));
    while (Keyword("or")) {
      AGORA_ASSIGN_OR_RETURN(Filter right, And(depth));
      left = Logical(Filter::Kind::kOr, {std::move(left), std::move(right)});
    }
    return left;
  }

  Result<Filter> And(int depth) {
    AGORA_ASSIGN_OR_RETURN(Filter left, Unary(depth));
    while (Keyword("and")) {
      AGORA_ASSIGN_OR_RETURN(Filter right, Unary(depth));
      left = Logical(Filter::Kind::kAnd, {std::move(left), std::move(right)});
    }
    return left;
  }

  Result<Filter> Parenthesised(int depth) {
    if (depth >= FilterLimits::kMaxDepth) return Error("filter nested too deeply");
    ++at_;  // '('
    AGORA_ASSIGN_OR_RETURN(Filter inner, Or(depth + 1));
    SkipSpaces();
    if (at_ >= text_.size() || text_[at_] != ')') return Error("expected ')'");
    ++at_;
    return inner;
  }

  Result<Filter> Unary(int depth) {
    SkipSpaces();
    if (at_ >= text_.size()) return Error("expected an expression");
    if (text_[at_] == '(') return Parenthesised(depth);
    size_t start = at_;
    if (Keyword("not")) {
      SkipSpaces();
      if (at_ < text_.size() && text_[at_] == '(') {
        AGORA_ASSIGN_OR_RETURN(Filter inner, Parenthesised(depth));
        return Logical(Filter::Kind::kNot, {std::move(inner)});
      }
      at_ = start;  // an attribute that happens to be called "not..."
    }
    return Comparison(depth);
  }

  Result<AttributePath> Path(int depth) {
    size_t start = at_;
    while (at_ < text_.size() && IsPathChar(text_[at_])) ++at_;
    std::string_view name = text_.substr(start, at_ - start);
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) {
      return Error("expected an attribute name");
    }
    AttributePath path;
    std::string lower = Lower(name);
    if (lower.starts_with("urn:")) {
      size_t colon = lower.rfind(':');
      path.urn = lower.substr(0, colon);
      lower = lower.substr(colon + 1);
    }
    size_t dot = lower.find('.');
    path.attribute = lower.substr(0, dot);
    if (dot != std::string::npos) path.sub_attribute = lower.substr(dot + 1);
    if (path.attribute.empty() || path.sub_attribute.find('.') != std::string::npos ||
        (dot != std::string::npos && path.sub_attribute.empty())) {
      return Error("malformed attribute path '" + std::string(name) + "'");
    }
    if (at_ < text_.size() && text_[at_] == '[') {
      if (!path.sub_attribute.empty()) return Error("a value filter follows the attribute");
      if (depth >= FilterLimits::kMaxDepth) return Error("filter nested too deeply");
      ++at_;
      AGORA_ASSIGN_OR_RETURN(Filter inner, Or(depth + 1));
      SkipSpaces();
      if (at_ >= text_.size() || text_[at_] != ']') return Error("expected ']'");
      ++at_;
      path.value_filter = std::make_shared<const Filter>(std::move(inner));
      if (at_ < text_.size() && text_[at_] == '.') {
        ++at_;
        size_t sub_start = at_;
        while (at_ < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_' ||
                text_[at_] == '-' || text_[at_] == '$')) {
          ++at_;
        }
        if (at_ == sub_start) return Error("expected a sub-attribute after ']'");
        path.sub_attribute = Lower(text_.substr(sub_start, at_ - sub_start));
      }
    }
    return path;
  }

  Result<Filter> Comparison(int depth) {
    AGORA_ASSIGN_OR_RETURN(AttributePath path, Path(depth));
    SkipSpaces();
    std::string word = PeekWord();
    static constexpr std::pair<std::string_view, FilterOp> kOps[] = {
        {"eq", FilterOp::kEq},     {"ne", FilterOp::kNe}, {"co", FilterOp::kCo},
        {"sw", FilterOp::kSw},     {"ew", FilterOp::kEw}, {"gt", FilterOp::kGt},
        {"ge", FilterOp::kGe},     {"lt", FilterOp::kLt}, {"le", FilterOp::kLe},
        {"pr", FilterOp::kPresent}};
    Filter filter;
    filter.path = std::move(path);
    bool known = false;
    for (const auto& [name, op] : kOps) {
      if (word == name) {
        filter.op = op;
        known = true;
      }
    }
    if (!known) {
      // A bare value path (`emails[type eq "work"]`) holds when an element matches.
      if (filter.path.value_filter && filter.path.sub_attribute.empty()) {
        filter.op = FilterOp::kPresent;
        return filter;
      }
      return Error("expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)");
    }
    at_ += word.size();
    if (filter.op == FilterOp::kPresent) return filter;
    if (at_ >= text_.size() || text_[at_] != ' ') return Error("expected a space and a value");
    SkipSpaces();
    AGORA_ASSIGN_OR_RETURN(filter.value, Value());
    return filter;
  }

  Result<FilterValue> Value() {
    if (at_ >= text_.size()) return Error("expected a value");
    if (text_[at_] == '"') return String();
    std::string word = PeekWord();
    if (word == "true" || word == "false") {
      at_ += word.size();
      return Literal(FilterValue::Kind::kBool, "", word == "true");
    }
    if (word == "null") {
      at_ += word.size();
      return FilterValue{};
    }
    size_t start = at_;
    while (at_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[at_])) || text_[at_] == '-' ||
            text_[at_] == '+' || text_[at_] == '.' || text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
    }
    if (at_ == start) return Error("expected a string, number, true, false or null");
    return Literal(FilterValue::Kind::kNumber, std::string(text_.substr(start, at_ - start)));
  }

  // A JSON string; escapes other than \uXXXX are decoded, \uXXXX as UTF-8.
  Result<FilterValue> String() {
    ++at_;  // '"'
    std::string out;
    while (at_ < text_.size() && text_[at_] != '"') {
      char c = text_[at_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= text_.size()) break;
      char e = text_[at_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          if (at_ + 4 > text_.size()) return Error("bad \\u escape");
          unsigned code = 0;
          for (int i = 0; i < 4; ++i) {
            char h = text_[at_++];
            if (!std::isxdigit(static_cast<unsigned char>(h))) return Error("bad \\u escape");
            code = code * 16 + (std::isdigit(static_cast<unsigned char>(h))
                                    ? h - '0'
                                    : std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
          }
          if (code < 0x80) {
            out += static_cast<char>(code);
          } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
          }
          break;
        }
        default:
          out += e;  // \" \\ \/
      }
    }
    if (at_ >= text_.size()) return Error("unterminated string");
    ++at_;  // '"'
    return Literal(FilterValue::Kind::kString, std::move(out));
  }

  std::string_view text_;
  std::string error_code_;
  size_t at_ = 0;
};

}  // namespace

Result<Filter> ParseFilter(std::string_view text) {
  if (text.size() > FilterLimits::kMaxLength) {
    return Status::InvalidArgument("invalidFilter", "the filter is too long");
  }
  return Parser(text, "invalidFilter").WholeFilter();
}

Result<AttributePath> ParsePath(std::string_view text) {
  if (text.size() > FilterLimits::kMaxLength) {
    return Status::InvalidArgument("invalidPath", "the path is too long");
  }
  return Parser(text, "invalidPath").WholePath();
}

bool CompareText(FilterOp op, std::string_view have, std::string_view want) {
  switch (op) {
    case FilterOp::kEq:
      return have == want;
    case FilterOp::kNe:
      return have != want;
    case FilterOp::kCo:
      return have.find(want) != std::string_view::npos;
    case FilterOp::kSw:
      return have.starts_with(want);
    case FilterOp::kEw:
      return have.ends_with(want);
    case FilterOp::kGt:
      return have > want;
    case FilterOp::kGe:
      return have >= want;
    case FilterOp::kLt:
      return have < want;
    case FilterOp::kLe:
      return have <= want;
    case FilterOp::kPresent:
      return !have.empty();
  }
  return false;
}

}  // namespace agora::identity
