// Values for the server's logfmt lines (key=value pairs, one event a line).
//
// Anything a client or the outside world chose (a message, a route, an error text, a request id)
// goes through LogValue, so a quote, a space or a newline inside it cannot end the value, forge
// another key or split the line. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace agora {

// `value` as one logfmt value: bare when it is a non-empty run of printable ASCII without
// spaces, quotes, backslashes or '='; otherwise in double quotes with `"` and `\` escaped and
// control characters written as \n, \r, \t or \xNN. Ill-formed UTF-8 bytes are written as \xNN
// too, so the line stays valid UTF-8.
std::string LogValue(std::string_view value);

}  // namespace agora
