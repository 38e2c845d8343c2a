#include "core/logfmt.h"

#include <algorithm>

#include "core/text.h"

namespace agora {
namespace {

bool IsBare(unsigned char c) { return c > ' ' && c < 0x7f && c != '"' && c != '\\' && c != '='; }

void AppendHexEscape(std::string& out, unsigned char c) {
  constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

}  // namespace

std::string LogValue(std::string_view value) {
  if (!value.empty() && std::all_of(value.begin(), value.end(),
                                    [](char c) { return IsBare(static_cast<unsigned char>(c)); })) {
    return std::string(value);
  }
  bool keep_high_bytes = IsValidUtf8(value);
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < ' ' || c == 0x7f || (c >= 0x80 && !keep_high_bytes)) {
          AppendHexEscape(out, c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace agora
