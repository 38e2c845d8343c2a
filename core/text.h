// Small UTF-8 helpers shared by validation code, and HTML escaping. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agora {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` with each byte that does not start a well-formed sequence replaced by U+FFFD, so it can
// be quoted in JSON (which must be UTF-8); well-formed text comes back unchanged.
std::string ReplaceInvalidUtf8(std::string_view text);

// Number of code points in well-formed UTF-8 text.
size_t Utf8Length(std::string_view text);

// True when `text` holds a C0 control character other than tab, newline or carriage return,
// or DEL; such characters are refused in every user-supplied string.
bool HasForbiddenControl(std::string_view text);

// True when `text` shows nothing: every code point is Unicode white space (including no-break
// spaces), a default-ignorable code point (zero-width spaces and joiners, fillers) or a format or
// control character. Empty text is blank; ill-formed UTF-8 is not (validation refuses it apart).
bool IsBlankText(std::string_view text);

// Appends `text` to `out` with `&`, `<`, `>`, `"` and `'` as character references, so it is
// safe as HTML text and inside a quoted attribute.
void AppendHtmlEscaped(std::string& out, std::string_view text);

}  // namespace agora
